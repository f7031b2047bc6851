"""Two-factor login for staff and admins (A10): TOTP codes from an authenticator app."""
import hmac
import io
from datetime import datetime, timezone

import pyotp
import segno
from flask import current_app

from app import audit
from app.extensions import db
from app.settings import get_setting

#: a code from the previous or next 30-second window is still accepted (clock drift)
VALID_WINDOW = 1


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

    A code is accepted once: its 30-second window is remembered on the user (flushed; the
    caller commits), so a code seen over someone's shoulder cannot be replayed.
    """
    if user is None or not user.totp_secret:
        return False
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return False
    generator = pyotp.TOTP(user.totp_secret)
    now = datetime.now(timezone.utc)
    current = generator.timecode(now)
    for counter in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(generator.generate_otp(counter), code):
            if user.totp_last_counter is not None and counter <= user.totp_last_counter:
                return False
            user.totp_last_counter = counter
            db.session.flush()
            return True
    return False


def enable_totp(user, code: str) -> bool:
    """Turn two-factor login on once the user proves a code from their app."""
    if not verify_totp(user, code):
        return False
    user.totp_enabled = True
    audit.record("account.totp_enabled", user, actor=user, summary="Включен двухфакторный вход")
    db.session.flush()
    return True


def disable_totp(user) -> None:
    user.totp_enabled = False
    user.totp_secret = None
    audit.record("account.totp_disabled", user, actor=user, summary="Отключен двухфакторный вход")
    db.session.flush()
