"""How long each one-time thing lives: codes, emailed links, windows that count wrong tries,
the captcha picture, form tokens. The one place to read or change a lifetime.

What an operator may tune is set in config.py (from the environment) and read here when it
is needed; the rest are constants. Flask's own cookie lifetimes stay in config.py, where
Flask reads them (PERMANENT_SESSION_LIFETIME, REMEMBER_COOKIE_DURATION).
"""
from datetime import timedelta

from flask import current_app

#: a captcha picture answers one try within this time (A1)
CAPTCHA = timedelta(minutes=10)
#: the link in the registration email confirms the address (A2)
EMAIL_CONFIRMATION_LINK = timedelta(hours=24)
#: the link in a «Забыли пароль?» email (A4)
PASSWORD_RESET_LINK = timedelta(hours=1)
#: the link to set a password, emailed to an account opened at the office (A6)
PASSWORD_SETUP_LINK = timedelta(days=3)
#: the window of the hourly cap on codes sent to one destination or from one address
CODE_SENDING_WINDOW = timedelta(hours=1)
#: a user's one-time form tokens older than this are deleted when they send the next form
FORM_TOKENS_KEPT = timedelta(days=7)


def _configured(name: str) -> timedelta:
    return timedelta(seconds=current_app.config[name])


def code() -> timedelta:
    """A one-time code sent by SMS or email (CODE_TTL_SECONDS, 5 minutes); a link sent with it
    lives at least as long."""
    return _configured("CODE_TTL_SECONDS")


def code_resend_cooldown() -> timedelta:
    """The wait between two codes to one destination (CODE_RESEND_COOLDOWN_SECONDS)."""
    return _configured("CODE_RESEND_COOLDOWN_SECONDS")


def code_failures_window() -> timedelta:
    """Wrong codes of one account counted together (CODE_ACCOUNT_WINDOW_SECONDS)."""
    return _configured("CODE_ACCOUNT_WINDOW_SECONDS")


def totp_failures_window() -> timedelta:
    """Wrong TOTP codes of one account counted together (TOTP_FAILURE_WINDOW_SECONDS)."""
    return _configured("TOTP_FAILURE_WINDOW_SECONDS")


def whole(lifetime: timedelta, unit: timedelta) -> int:
    """A lifetime in whole units, as a message says it: whole(PASSWORD_SETUP_LINK, DAY) == 3."""
    return int(lifetime // unit)


MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
