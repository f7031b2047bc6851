"""What the accounts pages share: their rate limits, and a refusal shown under its field."""
from flask import current_app, request

from app.core.errors import KabinetError
from app.web.boundary import refused


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def code_limit() -> str:
    return current_app.config["CODE_RATE_LIMIT"]


def login_key() -> str:
    """The login typed into the form: brute force on one account from many addresses is throttled too."""
    return "login:" + "".join((request.form.get("username") or "").split()).lower()


def refuse_under(exc: KabinetError, errors: dict) -> None:
    """Undo the request's work and show each message under its field ({bound field: message});
    the page renders its form again. A wrong code stays counted (workflows/accounts/tries.py)."""
    refused(exc, flash_message=False)
    for field, message in errors.items():
        field.errors = [str(message)]
