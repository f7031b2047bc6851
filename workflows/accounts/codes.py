"""One-time confirmation codes (A2): issue, send, verify.

A code is 6 digits from `secrets`, stored only as HMAC-SHA256 keyed by SECRET_KEY
(bound to its purpose and destination), valid lifetimes.code() (5 minutes), single use,
at most CODE_MAX_ATTEMPTS wrong tries. Sending is throttled: a cooldown between codes
to one destination and an hourly cap per destination and per IP address.

Emailed links («перейдите по ссылке») use the same row: a long random token, hashed
the same way, valid longer than the code.

Every try is counted in the database before the code is compared, by one UPDATE that
only succeeds under the limit, so concurrent guesses cannot all slip under it; a right code
is consumed the same way, so it is accepted once. Per account (purpose and destination),
CODE_ACCOUNT_MAX_FAILURES wrong codes within CODE_ACCOUNT_WINDOW_SECONDS stop new tries for
a while, whatever address they come from.

Services flush, the request boundary commits. A wrong code is committed at once when it is
all the transaction holds (workflows/accounts/tries.py), so that the refusal's rollback
does not forget the attempt.
"""
import hashlib
import hmac
import math
import secrets

from flask import current_app, has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.core import audit, lifetimes
from app.core.errors import Invalid, TooManyAttempts
from app.extensions import db
from app.models import OneTimeCode
from app.models.base import utcnow
from workflows.accounts import tries

SMS = "sms"
EMAIL = "email"

MSG_EXPIRED = _l("Срок действия кода истек. Повторите попытку!")
MSG_WRONG = _l("Неверный код подтверждения")
MSG_NOT_FOUND = _l("Код подтверждения не найден или уже использован. Запросите новый код.")
MSG_ATTEMPTS = _l("Превышено количество попыток ввода кода. Запросите новый код.")
MSG_COOLDOWN = _l("Повторная отправка кода возможна через %(seconds)s сек.")
MSG_HOURLY = _l("Превышено количество отправок кода. Повторите попытку через час.")
MSG_LINK_INVALID = _l("Ссылка недействительна или уже использована.")
MSG_LINK_EXPIRED = _l("Срок действия ссылки истек. Повторите попытку!")
MSG_ACCOUNT_LOCKED = _l("Слишком много неверных кодов. Повторите попытку через %(minutes)s мин.")

#: what the message says the code is for, per purpose (data, not branches)
PURPOSE_TEXTS = {
    "confirm_phone": "подтверждения номера телефона",
    "confirm_email": "подтверждения адреса электронной почты",
    "login": "входа в личный кабинет",
    "reset_password": "восстановления пароля",
    "change_phone": "подтверждения нового номера телефона",
    "change_email": "подтверждения новой электронной почты",
    "set_password": "установки пароля",
    "sign": "подписания документа",
    "receipt_email": "подтверждения адреса для электронной квитанции",
    "delete_account": "удаления личного кабинета",
}

#: where an emailed link leads, per purpose
LINK_PATHS = {
    "confirm_email": "/register/email/{token}",
    "reset_password": "/password/reset/{token}",
    "set_password": "/password/set/{token}",
}


class CodeError(Invalid):
    """The code (or link) cannot be accepted; `message` is shown to the user."""

    category = "danger"


class CodeThrottled(TooManyAttempts, CodeError):
    """Too many codes requested; `message` says when to try again."""

    category = "danger"


def _digest(*parts: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, ":".join(parts).encode(), hashlib.sha256).hexdigest()


def hash_code(purpose: str, destination: str, code: str) -> str:
    return _digest("code", purpose, destination, code)


def hash_link(token: str) -> str:
    return _digest("link", token)


def normalize_destination(channel: str, destination: str) -> str:
    destination = (destination or "").strip()
    return destination.lower() if channel == EMAIL else destination


def _request_ip(ip: str | None) -> str | None:
    if ip is None and has_request_context():
        return request.remote_addr
    return ip


def _check_throttle(purpose: str, destination: str, ip: str | None) -> None:
    config = current_app.config
    now = utcnow()
    last = db.session.scalar(
        select(func.max(OneTimeCode.created_at)).where(
            OneTimeCode.purpose == purpose, OneTimeCode.destination == destination
        )
    )
    cooldown = lifetimes.code_resend_cooldown()
    if last is not None and now - last < cooldown:
        wait = int((cooldown - (now - last)).total_seconds()) + 1
        raise CodeThrottled(str(MSG_COOLDOWN) % {"seconds": wait})
    hour_ago = now - lifetimes.CODE_SENDING_WINDOW
    cap = config["CODE_HOURLY_CAP"]
    per_destination = db.session.scalar(
        select(func.count(OneTimeCode.id)).where(
            OneTimeCode.destination == destination, OneTimeCode.created_at > hour_ago
        )
    )
    if per_destination >= cap:
        raise CodeThrottled(MSG_HOURLY)
    if ip:
        per_ip = db.session.scalar(
            select(func.count(OneTimeCode.id)).where(OneTimeCode.sent_ip == ip, OneTimeCode.created_at > hour_ago)
        )
        if per_ip >= cap * 3:
            raise CodeThrottled(MSG_HOURLY)


def _link_url(purpose: str, token: str) -> str:
    from app.core.urls import public_link  # never from the request's Host

    return public_link(LINK_PATHS[purpose].format(token=token))


def issue_code(*, purpose: str, channel: str, destination: str, user=None, payload: dict | None = None,
               ip: str | None = None, with_link: bool = False, link_lifetime=None,
               send: bool = True) -> OneTimeCode:
    """Create a code for `purpose` and queue it by SMS or email to `destination`.

    Earlier unused codes for the same purpose and destination stop working. Raises
    CodeThrottled when the destination or IP has asked too often. The clear code (and
    link) exist only on the returned object (`plain_code`, `plain_link`), never in the
    database. With `with_link` the email also carries a link valid `link_lifetime` (a
    timedelta of app/core/lifetimes.py).
    """
    if channel not in (SMS, EMAIL):
        raise ValueError(f"unknown channel {channel!r}")
    destination = normalize_destination(channel, destination)
    ip = _request_ip(ip) or None  # ip="" (sent by staff for a user) skips the per-IP cap
    _check_throttle(purpose, destination, ip)
    now = utcnow()
    _supersede(purpose, destination, now)
    code = f"{secrets.randbelow(10**6):06d}"
    ttl = lifetimes.code()
    row = OneTimeCode(
        purpose=purpose,
        channel=channel,
        destination=destination,
        user_id=getattr(user, "id", None),
        code_hash=hash_code(purpose, destination, code),
        created_at=now,
        expires_at=now + ttl,
        attempts=0,
        sent_ip=ip,
        payload=payload,
    )
    row.plain_code = code
    row.plain_link = None
    if with_link:
        token = secrets.token_urlsafe(32)
        row.link_hash = hash_link(token)
        row.expires_at = now + max(link_lifetime or ttl, ttl)
        row.plain_link = _link_url(purpose, token)
    db.session.add(row)
    db.session.flush()
    if send:
        _send(row, user)
    return row


def _supersede(purpose: str, destination: str, now) -> None:
    """Earlier unused codes for the same purpose and destination stop working."""
    for old in db.session.scalars(
        select(OneTimeCode).where(
            OneTimeCode.purpose == purpose,
            OneTimeCode.destination == destination,
            OneTimeCode.consumed_at.is_(None),
            OneTimeCode.expires_at > now,
        )
    ):
        old.expires_at = now


def _send(row: OneTimeCode, user) -> None:
    from flask import render_template

    from app.core.notifications.notify import queue_email, queue_sms

    context = {
        "code": row.plain_code,
        "link": row.plain_link,
        "purpose_text": PURPOSE_TEXTS.get(row.purpose, "подтверждения"),
        "purpose": row.purpose,
        "minutes": lifetimes.whole(lifetimes.code(), lifetimes.MINUTE),
        "user": user,
        "payload": row.payload or {},
    }
    user_id = getattr(user, "id", None)
    if row.channel == SMS:
        text = render_template("notifications/account_code.sms.j2", **context).strip()
        queue_sms(row.destination, text, user_id=user_id, template="account_code", expires_at=row.expires_at)
    else:
        subject = render_template("notifications/account_code.subject.j2", **context).strip()
        body = render_template("notifications/account_code.txt.j2", **context).strip()
        queue_email(row.destination, subject, body, user_id=user_id, template="account_code",
                    expires_at=row.expires_at)


def _code_expiry(row: OneTimeCode):
    """A code lives lifetimes.code() even when its row's link lives longer."""
    return min(row.expires_at, row.created_at + lifetimes.code())


def latest_code(purpose: str, destination: str) -> OneTimeCode | None:
    return db.session.scalar(
        select(OneTimeCode)
        .where(OneTimeCode.purpose == purpose, OneTimeCode.destination == destination)
        .order_by(OneTimeCode.created_at.desc(), OneTimeCode.id.desc())
        .limit(1)
    )


def verify_code(*, purpose: str, destination: str, code: str) -> OneTimeCode:
    """Accept `code` for `purpose` at `destination` once; mark it consumed.

    Raises CodeError with the message to show: expired («Срок действия кода истек.
    Повторите попытку!»), wrong (the attempt is counted and kept, see tries.py),
    attempts exhausted, too many wrong codes for this account, or no code sent / already used.
    """
    channel = EMAIL if "@" in (destination or "") else SMS
    destination = normalize_destination(channel, destination)
    row = latest_code(purpose, destination)
    if row is None or row.consumed_at is not None:
        raise CodeError(MSG_NOT_FOUND)
    now = utcnow()
    earlier_failures = _ensure_account_not_locked(purpose, destination, now)
    if row.attempts >= current_app.config["CODE_MAX_ATTEMPTS"]:
        raise CodeError(MSG_ATTEMPTS)
    if now >= _code_expiry(row):
        raise CodeError(MSG_EXPIRED)
    alone = tries.only_this_try()
    attempts = _count_attempt(row)
    entered = "".join(ch for ch in (code or "") if ch.isdigit())
    if not hmac.compare_digest(row.code_hash, hash_code(purpose, destination, entered)):
        if earlier_failures + 1 == current_app.config["CODE_ACCOUNT_MAX_FAILURES"]:
            audit.record("account.code_locked", object_type="KabinetUser", object_id=row.user_id,
                         summary=f"Слишком много неверных кодов ({purpose}): ввод кода приостановлен")
        tries.keep(alone)
        raise CodeError(MSG_ATTEMPTS if attempts >= current_app.config["CODE_MAX_ATTEMPTS"] else MSG_WRONG)
    _consume(row, now)
    return row


def _count_attempt(row: OneTimeCode) -> int:
    """Count one try of `row` before comparing it: the new count. One UPDATE that succeeds only
    under the limit (the row stays locked until the caller commits), so that concurrent tries
    cannot all read the same count and all be compared."""
    attempts = db.session.execute(
        update(OneTimeCode)
        .where(OneTimeCode.id == row.id, OneTimeCode.consumed_at.is_(None),
               OneTimeCode.attempts < current_app.config["CODE_MAX_ATTEMPTS"])
        .values(attempts=OneTimeCode.attempts + 1)
        .returning(OneTimeCode.attempts)
        .execution_options(synchronize_session=False)
    ).scalar()
    if attempts is None:  # a concurrent try took the last attempt, or the right code
        db.session.refresh(row)
        raise CodeError(MSG_NOT_FOUND if row.consumed_at is not None else MSG_ATTEMPTS)
    set_committed_value(row, "attempts", attempts)
    return attempts


def _consume(row: OneTimeCode, now) -> None:
    """Mark the code used — only if nobody did in between, so a right code works once."""
    consumed = db.session.execute(
        update(OneTimeCode).where(OneTimeCode.id == row.id, OneTimeCode.consumed_at.is_(None))
        .values(consumed_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if consumed != 1:
        raise CodeError(MSG_NOT_FOUND)
    set_committed_value(row, "consumed_at", now)


def _ensure_account_not_locked(purpose: str, destination: str, now) -> int:
    """Per account, not per address: too many wrong codes for this purpose and destination
    within the window refuse every try until the oldest of them leaves the window. Returns
    the number of wrong codes so far."""
    config = current_app.config
    window = lifetimes.code_failures_window()
    # every try is counted, the right one too: a consumed code had one try that was not wrong
    failures, oldest = db.session.execute(
        select(func.coalesce(func.sum(OneTimeCode.attempts), 0) - func.count(OneTimeCode.consumed_at),
               func.min(OneTimeCode.created_at))
        .where(OneTimeCode.purpose == purpose, OneTimeCode.destination == destination,
               OneTimeCode.created_at > now - window, OneTimeCode.attempts > 0)
    ).one()
    if failures >= config["CODE_ACCOUNT_MAX_FAILURES"]:
        raise CodeError(locked_for(oldest + window - now))
    return failures


def locked_for(left) -> str:
    """«Слишком много неверных кодов. Повторите попытку через N мин.» for the time `left`
    (one-time codes here, TOTP codes in totp.py)."""
    return str(MSG_ACCOUNT_LOCKED) % {"minutes": max(1, math.ceil(left.total_seconds() / 60))}


def find_link(purpose: str, token: str) -> OneTimeCode:
    """The unused, unexpired code row behind an emailed link (not consumed yet)."""
    row = db.session.scalar(select(OneTimeCode).where(OneTimeCode.link_hash == hash_link(token or "")))
    if row is None or row.purpose != purpose or row.consumed_at is not None:
        raise CodeError(MSG_LINK_INVALID)
    if utcnow() >= row.expires_at:
        raise CodeError(MSG_LINK_EXPIRED)
    return row


def verify_link(*, purpose: str, token: str) -> OneTimeCode:
    """Accept an emailed link once; mark its row consumed."""
    row = find_link(purpose, token)
    row.consumed_at = utcnow()
    db.session.flush()
    return row
