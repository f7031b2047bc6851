"""QR login (A9, seed 004 §2.2): a browser waiting for a signed-in phone to approve it."""
from datetime import datetime
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import utcnow


class QrLoginRequest(Model):
    """One QR shown on the login page. Only keyed hashes of its two secrets are stored: the
    nonce (in the QR's link, seen by whoever sees the screen) and the browser secret (in the
    waiting browser's session only), so the approval signs in that browser and nobody else."""

    __tablename__ = "qr_login_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nonce_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    browser_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    #: waiting → approved → used, or waiting → declined (workflows/accounts/qr.py)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="waiting")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    #: the QR's life while waiting; after approval, the time left to the browser to sign in
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
    #: who asks: shown on the phone before it approves
    user_agent: Mapped[Optional[str]] = mapped_column(String(300))
    ip: Mapped[Optional[str]] = mapped_column(String(64))
    #: the account that approved (or declined) on the phone
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"))
    decided_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
