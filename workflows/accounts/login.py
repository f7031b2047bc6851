"""Signing in (A3): find the account behind any identifier, check the password, codes.

Every path costs about the same whether or not the account exists: an unknown login
still checks a password hash, and login codes are "sent" with the same answer.
"""
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from app.core import audit
from app.extensions import appbuilder, db
from app.core.identifiers import InvalidIdentifier, digits, normalize_phone
from app.models import ConsumerProfile, KabinetUser
from workflows.accounts import codes
from workflows.accounts.registration import mark_email_confirmed

MSG_INVALID = _l("Неверный логин или пароль")
MSG_EMAIL_UNCONFIRMED = _l(
    "Адрес электронной почты не подтвержден: перейдите по ссылке из письма, отправленного при регистрации. "
    "Или войдите по номеру телефона, СНИЛС, ОГРН или ОГРНИП либо по коду подтверждения."
)
MSG_CODE_SENT = _l("Если учетная запись существует, на указанный адрес отправлен код подтверждения.")

_dummy_hash = {}


def _dummy_check(password: str) -> None:
    method = current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt")
    if method not in _dummy_hash:
        _dummy_hash[method] = generate_password_hash("not-a-real-password", method=method)
    check_password_hash(_dummy_hash[method], password or "")


def candidates(login: str) -> list[KabinetUser]:
    """Accounts the login may name: email, phone, СНИЛС, ОГРН, ОГРНИП or a staff username."""
    login = (login or "").strip()
    if not login:
        return []
    conditions = []
    if "@" in login:
        conditions.append(func.lower(KabinetUser.email) == login.lower())
    else:
        number = digits(login)
        try:
            conditions.append(KabinetUser.phone == normalize_phone(login))
        except InvalidIdentifier:
            pass
        profile_column = {11: ConsumerProfile.snils, 13: ConsumerProfile.ogrn, 15: ConsumerProfile.ogrnip}.get(len(number))
        if profile_column is not None and number == login.replace("-", "").replace(" ", ""):
            conditions.append(KabinetUser.id.in_(select(ConsumerProfile.user_id).where(profile_column == number)))
        conditions.append(KabinetUser.username == login)
    users = db.session.scalars(select(KabinetUser).where(or_(*conditions))).unique().all()
    return [user for user in users if user.is_active]


def authenticate(login: str, password: str) -> tuple[KabinetUser | None, str | None]:
    """(user, None) for a right login and password, else (None, message to show)."""
    found = candidates(login)
    matched = None
    for user in found:
        if user.password and check_password_hash(user.password, password or ""):
            matched = user
            break
    if not found:
        _dummy_check(password)
    if matched is None:
        for user in found:
            appbuilder.sm.update_user_auth_stat(user, False)
            audit.record("account.login_failed", user, actor=user, summary="Неверный пароль")
        return None, MSG_INVALID
    if "@" in login and matched.email_confirmed_at is None:
        return None, MSG_EMAIL_UNCONFIRMED
    return matched, None


def channel_of(destination: str) -> tuple[str, str] | None:
    """(channel, normalized destination) for an email or phone, or None if it is neither."""
    destination = (destination or "").strip()
    if "@" in destination:
        return codes.EMAIL, destination.lower()
    try:
        return codes.SMS, normalize_phone(destination)
    except InvalidIdentifier:
        return None


def _user_by_destination(channel: str, destination: str) -> KabinetUser | None:
    column = KabinetUser.email if channel == codes.EMAIL else KabinetUser.phone
    user = db.session.scalar(select(KabinetUser).where(func.lower(column) == destination.lower()))
    return user if user is not None and user.is_active else None


def send_login_code(destination: str, *, ip: str | None = None) -> str:
    """«Направить код подтверждения» for login by code; the destination as the code is kept.

    Silent when no account exists, and when the account asked too often: the cooldown would
    tell which accounts exist, and the code sent a moment ago still works (the refusal comes
    before anything is written)."""
    channel, destination = channel_of(destination)
    user = _user_by_destination(channel, destination)
    if user is not None:
        try:
            codes.issue_code(purpose="login", channel=channel, destination=destination, user=user, ip=ip)
        except codes.CodeThrottled:
            pass
    return destination


def login_by_code(destination: str, code: str) -> KabinetUser:
    """The account behind a right login code (raises CodeError); an email code confirms the email."""
    channel, destination = channel_of(destination)
    row = codes.verify_code(purpose="login", destination=destination, code=code)
    user = db.session.get(KabinetUser, row.user_id) if row.user_id else None
    if user is None or not user.is_active:
        raise codes.CodeError(codes.MSG_NOT_FOUND)
    if channel == codes.EMAIL:
        mark_email_confirmed(user)
    audit.record("account.login_by_code", user, actor=user, summary=f"Вход по коду ({channel})")
    return user


def record_login(user: KabinetUser) -> bool:
    """The user is signed in now: counted and audited; True when it is their first time."""
    appbuilder.sm.update_user_auth_stat(user, True)
    first_login = (user.login_count or 0) <= 1
    audit.record("account.login", user, actor=user, summary="Вход в личный кабинет")
    return first_login


def sign_out(user: KabinetUser) -> None:
    """«Выход»: every session and remember-me cookie of the user stops working, here and on any
    other device — the session version they carry no longer matches (security/manager.load_user)."""
    db.session.execute(update(KabinetUser).where(KabinetUser.id == user.id)
                       .values(session_version=KabinetUser.session_version + 1)
                       .execution_options(synchronize_session=False))
    db.session.expire(user, ["session_version"])
    audit.record("account.logout", user, actor=user, summary="Выход из личного кабинета")
    db.session.flush()
