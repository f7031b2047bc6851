"""Integration tokens of billing systems (D1 API): «Токены интеграции».

A token is shown once, when it is created; only its SHA-256 is kept (and its first characters,
to tell tokens apart), so a leaked database does not leak a usable token. A revoked token is
refused like an unknown one.
"""
import hashlib
import secrets

from sqlalchemy import select

from app.core.audit import record as audit
from app.core.errors import Invalid, KabinetError, NotFound
from app.core.paging import paginate
from app.extensions import db
from app.models import IntegrationToken
from app.models.base import utcnow

#: what the API's callers put before the token in the Authorization header
SCHEME = "bearer"
PREFIX_LENGTH = 8


class Unauthenticated(KabinetError):
    """No token, an unknown one or a revoked one (HTTP 401)."""

    status = 401
    default_message = "Нужен действующий токен интеграции в заголовке «Authorization: Bearer …»."


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create(name: str, *, actor=None) -> tuple[IntegrationToken, str]:
    """A new token named `name`: the row and the secret, which is shown this once."""
    name = (name or "").strip()
    if not name:
        raise Invalid("Укажите название токена.")
    secret = secrets.token_urlsafe(32)
    token = IntegrationToken(name=name[:200], prefix=secret[:PREFIX_LENGTH], token_hash=digest(secret),
                             created_by_id=getattr(actor, "id", None))
    db.session.add(token)
    db.session.flush()
    audit("integration_token.create", token, actor=actor, summary=f"{token.name} ({token.prefix}…)")
    return token, secret


def get(token_id: int) -> IntegrationToken:
    token = db.session.get(IntegrationToken, token_id)
    if token is None:
        raise NotFound()
    return token


def revoke(token_id: int, *, actor=None) -> IntegrationToken:
    """«Отозвать»: the token stops working at once; revoking twice changes nothing."""
    token = get(token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        audit("integration_token.revoke", token, actor=actor, summary=f"{token.name} ({token.prefix}…)")
    return token


def authenticate(header_value: str | None) -> IntegrationToken:
    """The live token of an `Authorization: Bearer …` header, its use noted; Unauthenticated
    for a missing, malformed, unknown or revoked one."""
    scheme, _, secret = (header_value or "").strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != SCHEME or not secret:
        raise Unauthenticated()
    token = db.session.scalar(select(IntegrationToken).where(IntegrationToken.token_hash == digest(secret)))
    if token is None or token.revoked_at is not None:
        raise Unauthenticated()
    token.last_used_at = utcnow()
    db.session.flush()
    return token


def listing(page: int, per_page: int):
    """The tokens, newest first, for the admin screen."""
    query = select(IntegrationToken).order_by(IntegrationToken.id.desc())
    return paginate(query, page, per_page)
