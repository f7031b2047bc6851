"""Tokens of the consumer REST API (G2): a short-lived signed access token and a refresh token.

- access: itsdangerous-signed {user, session, session_version}, valid ACCESS_MINUTES; checked on
  every request against the database (the session is live and the user's session_version still
  the one signed in with), so «Выход», a password change or blocking end it at once;
- refresh: a random secret kept as SHA-256 (app/models/api.py), valid REFRESH_DAYS, rotated on
  every use; a rotated one used again revokes the whole session (someone else has a copy).
"""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from app.core import audit
from app.core.errors import KabinetError
from app.extensions import db
from app.models import ApiRefreshToken, ApiSession, KabinetUser
from app.models.base import utcnow

ACCESS_MINUTES = 15
REFRESH_DAYS = 30
SALT = "kabinet-api-access"
SCHEME = "bearer"


class Unauthenticated(KabinetError):
    """No access token, a forged, expired or revoked one (HTTP 401)."""

    status = 401
    default_message = "Нужен действующий токен доступа в заголовке «Authorization: Bearer …»."


class RefreshRefused(Unauthenticated):
    default_message = "Токен обновления недействителен. Войдите заново."


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"


def _minutes() -> int:
    return int(current_app.config.get("API_ACCESS_TOKEN_MINUTES", ACCESS_MINUTES))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _pair(session: ApiSession) -> TokenPair:
    """A fresh access token and a new refresh token of `session` (flushed)."""
    secret = secrets.token_urlsafe(32)
    days = int(current_app.config.get("API_REFRESH_TOKEN_DAYS", REFRESH_DAYS))
    db.session.add(ApiRefreshToken(session_id=session.id, token_hash=_digest(secret),
                                   expires_at=utcnow() + timedelta(days=days)))
    db.session.flush()
    access = _serializer().dumps({"u": session.user_id, "s": session.id, "v": session.session_version})
    return TokenPair(access, secret, _minutes() * 60)


def issue(user: KabinetUser) -> TokenPair:
    """A new API session for a user who has just proved who they are (and was audited as signed in)."""
    session = ApiSession(user_id=user.id, session_version=user.session_version)
    db.session.add(session)
    db.session.flush()
    return _pair(session)


def _live(session: ApiSession | None) -> KabinetUser | None:
    """The session's user while the session holds: not revoked, user active, same session version."""
    if session is None or session.revoked_at is not None:
        return None
    user = db.session.get(KabinetUser, session.user_id)
    if user is None or not user.is_active or user.session_version != session.session_version:
        return None
    return user


def revoke(session: ApiSession, reason: str) -> None:
    if session.revoked_at is None:
        session.revoked_at, session.revoked_reason = utcnow(), reason
        db.session.flush()


def refresh(secret: str) -> TokenPair:
    """Rotate a refresh token; a rotated one used again revokes its session (and is refused)."""
    row = db.session.scalar(select(ApiRefreshToken).where(ApiRefreshToken.token_hash == _digest(secret or "")))
    if row is None or row.expires_at <= utcnow():
        raise RefreshRefused()
    session = db.session.get(ApiSession, row.session_id)
    if row.used_at is not None:
        revoke(session, "reuse")
        user = db.session.get(KabinetUser, session.user_id)
        audit.record("api.refresh_reused", user, actor=user,
                     summary="Повторно использован токен обновления: сеанс API завершен")
        raise RefreshRefused()
    if _live(session) is None:
        raise RefreshRefused()
    # only one request may rotate it: a racing second one finds used_at set and changes nothing
    rotated = db.session.execute(update(ApiRefreshToken).where(ApiRefreshToken.id == row.id,
                                                               ApiRefreshToken.used_at.is_(None))
                                 .values(used_at=utcnow()).execution_options(synchronize_session=False))
    if rotated.rowcount != 1:
        raise RefreshRefused()
    return _pair(session)


def authenticate(header: str | None) -> tuple[KabinetUser, ApiSession]:
    """The user and session behind `Authorization: Bearer <access token>` (raises Unauthenticated)."""
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != SCHEME or not token.strip():
        raise Unauthenticated()
    try:
        claims = _serializer().loads(token.strip(), max_age=_minutes() * 60)
    except SignatureExpired:
        raise Unauthenticated("Срок действия токена доступа истек. Обновите его.") from None
    except BadSignature:
        raise Unauthenticated() from None
    if not isinstance(claims, dict):
        raise Unauthenticated()
    session = db.session.get(ApiSession, claims.get("s"))
    user = _live(session)
    if user is None or user.id != claims.get("u") or session.session_version != claims.get("v"):
        raise Unauthenticated()
    return user, session
