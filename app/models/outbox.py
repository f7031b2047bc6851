"""Outgoing messages and portal notifications.

An event writes its OutboxMessage rows in the same transaction as the change it reports;
rq jobs deliver them after commit and a periodic sweep re-sends whatever is still
pending, so a Redis outage delays messages but never loses them.
"""
from datetime import datetime
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import utcnow


class OutboxStatus:
    #: waiting for delivery (or for a retry)
    PENDING = "pending"
    #: handed to the gateway
    SENT = "sent"
    #: gave up after the maximum number of attempts
    FAILED = "failed"
    #: not sent: what it carried (a one-time code) had expired before it could go
    EXPIRED = "expired"


#: what a secret-carrying message's body becomes once it is sent, failed or expired
REDACTED = "[скрыто: одноразовый код или ссылка]"


class OutboxMessage(Model):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(8), nullable=False)  # email | sms | webhook
    recipient: Mapped[str] = mapped_column(String(320), nullable=False)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    subject: Mapped[Optional[str]] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, nullable=False)
    html: Mapped[Optional[str]] = mapped_column(Text)
    #: the notification template it came from, for the audit and reports
    template: Mapped[Optional[str]] = mapped_column(String(64))
    #: carries a one-time code or password link: body and html are sealed (app.core.sealing)
    #: while it waits, and replaced by REDACTED once it is sent, failed or expired
    secret: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), nullable=False)
    #: a stored file sent attached under its own name (a monthly receipt's PDF); None: no attachment
    attachment_file_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("stored_file.id", ondelete="SET NULL", name="fk_outbox_message_attachment_file"))
    #: after this its content is useless (the code's lifetime): expired instead of sent
    expires_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    #: the worker holding the «sending» claim; only it may record the outcome
    claim_token: Mapped[Optional[str]] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_error: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    #: when it is due; while «sending», when it was claimed
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    sent_at: Mapped[Optional[datetime]] = mapped_column(DateTime)

    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),
                      # a webhook endpoint's delivery log (recipient = the endpoint's id)
                      Index("ix_outbox_channel_recipient", "channel", "recipient"))


class Notification(Model):
    """A notice in the portal («Уведомления»), one per user and event."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    body: Mapped[Optional[str]] = mapped_column(Text)
    link: Mapped[Optional[str]] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    read_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    is_important: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: the notification template it came from (its kind of event for the filter, E7); None: older notices
    template: Mapped[Optional[str]] = mapped_column(String(64))

    __table_args__ = (Index("ix_notification_user", "user_id", "created_at"),
                      Index("ix_notification_user_read", "user_id", "read_at", "created_at"))
