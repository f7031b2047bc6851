"""One-time codes (A2): confirmation, login, password reset, signing."""
from datetime import datetime
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import utcnow


class OneTimeCode(Model):
    """A 6-digit code sent to a phone or email; only its keyed hash is stored."""

    __tablename__ = "one_time_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: what the code proves: confirm_phone, confirm_email, login, reset_password,
    #: change_phone, change_email, sign …
    purpose: Mapped[str] = mapped_column(String(32), nullable=False)
    channel: Mapped[str] = mapped_column(String(8), nullable=False)  # sms | email
    destination: Mapped[str] = mapped_column(String(320), nullable=False)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    #: long random token for emailed links (hash too), when the code is also a link
    link_hash: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    consumed_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    sent_ip: Mapped[Optional[str]] = mapped_column(String(64))
    #: what the code applies to (the new email, the document to sign …)
    payload: Mapped[Optional[dict]] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_code_lookup", "purpose", "destination", "created_at"),
        Index("ix_code_ip", "sent_ip", "created_at"),
    )


class CaptchaChallenge(Model):
    """The answer to a captcha picture, kept on the server (the session holds only `token`,
    and Flask's session cookie is readable by whoever has it); one try, then it is deleted."""

    __tablename__ = "captcha_challenge"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: random, in the session of the browser that was shown the picture
    token: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    #: keyed hash of the upper-cased answer (workflows/accounts/captcha.py)
    answer_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
