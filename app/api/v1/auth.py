"""Signing in to the API: POST /auth/token, /auth/code, /auth/refresh, /auth/logout.

The same commands and limits as the login pages (app/views/accounts/signin.py): the login by any
identifier and password or by a one-time code (workflows/accounts/login.py), then the TOTP code
when the account has two-factor login (workflows/accounts/totp.py), LOGIN_RATE_LIMIT per address
and per login, CODE_RATE_LIMIT for sending codes. A wrong password is counted and kept like on
the page; a wrong code uses up a try (workflows/accounts/tries.py).
"""
from flask import g, request
from marshmallow import Schema, fields, validate

from app.api.v1.blueprint import any_user, ApiBlueprint
from app.api.v1.problems import problem
from app.core.errors import Invalid, KabinetError
from app.extensions import limiter
from app.views.accounts.common import code_limit, login_limit
from workflows.accounts import login as login_flow
from workflows.accounts import totp
from workflows.api import tokens

api = ApiBlueprint("auth", "Вход: токены доступа и обновления")

MSG_TOTP_NEEDED = "Введите 6-значный код из приложения-аутентификатора (поле totp)."


class TokenRequestSchema(Schema):
    grant_type = fields.String(required=True, validate=validate.OneOf(["password", "code"]),
                               metadata={"description": "password — логин и пароль; code — код подтверждения"})
    login = fields.String(validate=validate.Length(max=254),
                          metadata={"description": "Email, телефон, СНИЛС, ОГРН или ОГРНИП"})
    password = fields.String(validate=validate.Length(max=128))
    destination = fields.String(validate=validate.Length(max=254),
                                metadata={"description": "Email или телефон, куда отправлен код"})
    code = fields.String(validate=validate.Length(max=16), metadata={"description": "Код подтверждения"})
    totp = fields.String(validate=validate.Length(max=16),
                         metadata={"description": "Код из приложения-аутентификатора, если включен"})


class CodeRequestSchema(Schema):
    destination = fields.String(required=True, validate=validate.Length(max=254))


class RefreshRequestSchema(Schema):
    refresh_token = fields.String(required=True, validate=validate.Length(max=128))


class TokenSchema(Schema):
    access_token = fields.String(required=True)
    refresh_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"description": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "Срок токена доступа, секунд"})


class MessageSchema(Schema):
    detail = fields.String(required=True)


def api_login_key() -> str:
    """The login in the body: guessing one account's password from many addresses is throttled too."""
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    login = body.get("login") or body.get("destination") or ""
    return "login:" + "".join(str(login).split()).lower()


def _under(field: str, exc: KabinetError) -> KabinetError:
    exc.field_errors = {field: exc.message}
    return exc


def _destination(value: str | None) -> str:
    if not value or login_flow.channel_of(value) is None:
        raise _under("destination", Invalid("Укажите email или номер телефона."))
    return value


def _signed_in_user(args: dict):
    """The user the body proves, or a problem to answer (kept: a failed password is counted)."""
    if args["grant_type"] == "code":
        try:
            return login_flow.login_by_code(_destination(args.get("destination")), args.get("code") or ""), None
        except KabinetError as exc:
            raise _under("code", exc) if not getattr(exc, "field_errors", None) else exc
    user, error = login_flow.authenticate(args.get("login") or "", args.get("password") or "")
    return user, (None if user else problem(401, error))


@api.route("/auth/token", methods=["POST"])
@api.public
@limiter.limit(login_limit)
@limiter.limit(login_limit, key_func=api_login_key)
@api.arguments(TokenRequestSchema)
@api.response(200, TokenSchema)
@api.alt_response(401, response="UNAUTHORIZED")
@api.alt_response(400, response="BAD_REQUEST")
def issue_token(args):
    """Войти: токен доступа (15 минут) и токен обновления."""
    user, refusal = _signed_in_user(args)
    if refusal is not None:
        return refusal
    if user.totp_enabled:
        if not args.get("totp"):
            return problem(401, MSG_TOTP_NEEDED, {"totp": MSG_TOTP_NEEDED})
        try:
            totp.check_code(user, args["totp"])
        except totp.TotpError as exc:
            raise _under("totp", exc) from None
    login_flow.record_login(user)
    return tokens.issue(user)


@api.route("/auth/code", methods=["POST"])
@api.public
@limiter.limit(code_limit)
@api.arguments(CodeRequestSchema)
@api.response(202, MessageSchema)
@api.alt_response(400, response="BAD_REQUEST")
def send_code(args):
    """Отправить код подтверждения для входа (ответ один и тот же, есть ли такая учетная запись)."""
    login_flow.send_login_code(_destination(args["destination"]), ip=request.remote_addr)
    return {"detail": str(login_flow.MSG_CODE_SENT)}


@api.route("/auth/refresh", methods=["POST"])
@api.public
@limiter.limit(login_limit)
@api.arguments(RefreshRequestSchema)
@api.response(200, TokenSchema)
@api.alt_response(401, response="UNAUTHORIZED")
def refresh_token(args):
    """Обменять токен обновления на новую пару; старый токен обновления больше не действует."""
    try:
        return tokens.refresh(args["refresh_token"])
    except tokens.RefreshRefused as exc:
        # a reuse revoked the session: that is kept, the refusal is answered
        return problem(exc.status, exc.message)


@api.route("/auth/logout", methods=["POST"])
@api.auth(any_user)
@api.response(204)
def logout(user):
    """Выйти: токены этого входа больше не действуют."""
    tokens.revoke(g.api_session, "logout")
    return ""
