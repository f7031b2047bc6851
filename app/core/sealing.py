"""Text kept encrypted at rest with a key derived from SECRET_KEY (Fernet: AES-CBC + HMAC).

Used for outbox messages that carry a one-time code or a password link while they wait
to be sent: a database dump or backup taken meanwhile shows only ciphertext. The key is
derived with HKDF for this one purpose, so it is not SECRET_KEY itself. Changing
SECRET_KEY makes waiting sealed messages unreadable — harmless, because the codes in
them are keyed by SECRET_KEY too and stop working at the same moment.
"""
import base64
import functools

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

#: marks a sealed value, so a reader never mistakes ciphertext for text (or the reverse)
PREFIX = "sealed:v1:"


class SealError(ValueError):
    """A sealed value cannot be opened (another SECRET_KEY, or damaged)."""


@functools.lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"kabinet outbox seal v1").derive(
        secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(text: str) -> str:
    return PREFIX + _fernet(current_app.config["SECRET_KEY"]).encrypt(text.encode()).decode("ascii")


def is_sealed(value: str | None) -> bool:
    return bool(value) and value.startswith(PREFIX)


def unseal(value: str) -> str:
    """The text inside a sealed value; a value that was never sealed comes back unchanged."""
    if not is_sealed(value):
        return value
    try:
        return _fernet(current_app.config["SECRET_KEY"]).decrypt(value[len(PREFIX):].encode()).decode()
    except InvalidToken as exc:
        raise SealError("sealed text cannot be opened with this SECRET_KEY") from exc
