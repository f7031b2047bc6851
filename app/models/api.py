"""Sign-ins of the consumer REST API (G2, /api/v1/): one ApiSession per sign-in of an app, and the
refresh tokens it was given, one live at a time.

A refresh token is kept only as its SHA-256. Using it rotates it (used_at is set, a new one is
issued in the same session); a rotated one used again means it leaked, and the whole session is
revoked. The session remembers the user's session_version: a password change or «Выход» on the
site bumps it, and every session made before stops working (access and refresh alike).
"""
from datetime import datetime
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import utcnow


class ApiSession(Model):
    """One sign-in of an API client (a «family» of refresh tokens)."""

    __tablename__ = "api_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True)
    #: KabinetUser.session_version when signed in; a different one now means the session is over
    session_version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    #: «Выход» in the app, or a rotated refresh token used again
    revoked_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    revoked_reason: Mapped[Optional[str]] = mapped_column(String(32))


class ApiRefreshToken(Model):
    """A refresh token of a session: its hash, when it expires, when it was rotated."""

    __tablename__ = "api_refresh_token"
    __table_args__ = (Index("ix_api_refresh_token_session", "session_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("api_session.id", ondelete="CASCADE"), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    #: set when it was exchanged for a new pair; using it again revokes the session
    used_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
