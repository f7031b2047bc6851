"""Two-factor login for staff and admins (A10): TOTP codes from an authenticator app.

Tries are counted per account in the database before a code is compared (one UPDATE that
succeeds only under TOTP_MAX_FAILURES within lifetimes.totp_failures_window()): concurrent or
spread-out guesses from any number of addresses get no more evaluations than that.
"""
import hmac
import io
from datetime import datetime, timezone

import pyotp
import segno
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, or_, update
from sqlalchemy.orm.attributes import set_committed_value

from app.core import audit, lifetimes
from app.core.errors import Forbidden, KabinetError
from app.extensions import db
from app.models import KabinetUser
from app.models.base import utcnow
from app.core.settings import get_setting
from workflows.accounts import codes, tries

#: a code from the previous or next 30-second window is still accepted (clock drift)
VALID_WINDOW = 1

MSG_WRONG = _l("Неверный код. Введите код из приложения-аутентификатора.")
MSG_REQUIRED = _l("Двухфакторный вход обязателен для сотрудников")


class TotpError(KabinetError):
    """A TOTP code refused: wrong, or the account takes no code for now (the message says which)."""


def totp_required(user) -> bool:
    """Staff must enrol when the setting says so; everyone who enrolled is asked on login."""
    return bool(user.is_staff and get_setting("totp_required_for_staff"))


def start_enrolment(user) -> str:
    """A fresh secret for the enrolment page (not active until a code proves it)."""
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        db.session.flush()
    return user.totp_secret


def provisioning_uri(user) -> str:
    issuer = current_app.config.get("APP_NAME", "Kabinet")
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email or user.username, issuer_name=issuer)


def qr_svg(user) -> str:
    """The provisioning URI as an inline SVG QR code."""
    out = io.BytesIO()
    segno.make(provisioning_uri(user), error="m").save(out, kind="svg", scale=5, xmldecl=False, svgns=True)
    return out.getvalue().decode("utf-8")


def verify_totp(user, code: str) -> bool:
    """True when `code` is the user's current TOTP code (documents use it to confirm signing).

    Every try counts against the account's limit first, and while the account is locked
    nothing is compared; a wrong try is kept (tries.py). A code is accepted once: its 30-second window is
    remembered on the user, so a code seen over someone's shoulder cannot be replayed.
    After False, `lock_message(user)` says whether the account is locked.
    """
    if user is None or not user.totp_secret:
        return False
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return False
    alone = tries.only_this_try()
    if not _count_try(user):
        return False
    counter = _matching_counter(user.totp_secret, code)
    if counter is not None and _accept(user, counter):
        return True
    audit.record("account.totp_failed", user, actor=user, summary="Неверный код TOTP")
    if user.totp_failures >= current_app.config["TOTP_MAX_FAILURES"]:
        audit.record("account.totp_locked", user, actor=user, summary="Слишком много неверных кодов TOTP: "
                     "вход и подпись по коду приостановлены")
    tries.keep(alone)
    return False


def _matching_counter(secret: str, code: str) -> int | None:
    generator = pyotp.TOTP(secret)
    current = generator.timecode(datetime.now(timezone.utc))
    for counter in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(generator.generate_otp(counter), code):
            return counter
    return None


def _count_try(user) -> bool:
    """Count a try in one UPDATE that succeeds only under the limit (a new window starts
    counting from one); False when the account has used up its tries for now."""
    now = utcnow()
    window_start = now - lifetimes.totp_failures_window()
    new_window = or_(KabinetUser.totp_failures_since.is_(None), KabinetUser.totp_failures_since <= window_start)
    row = db.session.execute(
        update(KabinetUser)
        .where(KabinetUser.id == user.id,
               or_(new_window, KabinetUser.totp_failures < current_app.config["TOTP_MAX_FAILURES"]))
        .values(totp_failures=case((new_window, 1), else_=KabinetUser.totp_failures + 1),
                totp_failures_since=case((new_window, now), else_=KabinetUser.totp_failures_since))
        .returning(KabinetUser.totp_failures, KabinetUser.totp_failures_since)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    if row is None:
        db.session.refresh(user, ["totp_failures", "totp_failures_since"])
        return False
    set_committed_value(user, "totp_failures", row[0])
    set_committed_value(user, "totp_failures_since", row[1])
    return True


def _accept(user, counter: int) -> bool:
    """Remember the code's window unless it (or a later one) was used already; a right code
    clears the count of tries."""
    accepted = db.session.execute(
        update(KabinetUser)
        .where(KabinetUser.id == user.id,
               or_(KabinetUser.totp_last_counter.is_(None), KabinetUser.totp_last_counter < counter))
        .values(totp_last_counter=counter, totp_failures=0, totp_failures_since=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if accepted != 1:
        return False
    for name, value in (("totp_last_counter", counter), ("totp_failures", 0), ("totp_failures_since", None)):
        set_committed_value(user, name, value)
    return True


def lock_message(user) -> str | None:
    """«Слишком много неверных кодов…» while the account takes no TOTP code, else None."""
    since = getattr(user, "totp_failures_since", None)
    if since is None or (user.totp_failures or 0) < current_app.config["TOTP_MAX_FAILURES"]:
        return None
    left = since + lifetimes.totp_failures_window() - utcnow()
    if left.total_seconds() <= 0:
        return None
    return codes.locked_for(left)


def check_code(user, code: str) -> None:
    """The user's current TOTP code, or TotpError saying it is wrong or the account is locked."""
    if not verify_totp(user, code):
        raise TotpError(lock_message(user) or MSG_WRONG)


def enable_totp(user, code: str) -> None:
    """Turn two-factor login on once the user proves a code from their app (raises TotpError)."""
    check_code(user, code)
    user.totp_enabled = True
    audit.record("account.totp_enabled", user, actor=user, summary="Включен двухфакторный вход")
    db.session.flush()


def disable_totp(user, code: str) -> None:
    """Turn two-factor login off with a current code; staff cannot when it is mandatory."""
    if totp_required(user):
        raise Forbidden(MSG_REQUIRED)
    check_code(user, code)
    user.totp_enabled = False
    user.totp_secret = None
    audit.record("account.totp_disabled", user, actor=user, summary="Отключен двухфакторный вход")
    db.session.flush()
