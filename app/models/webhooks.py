"""Signed webhooks for integrations (G2): the endpoints an admin registers and each delivery attempt.

An event is queued as an outbox message (channel «webhook», app/models/outbox.py) per enabled
endpoint that asked for it; the outbox delivers it after the commit with retries. Each attempt
to hand it over is one WebhookAttempt row: the delivery log of the admin screen.
"""
from datetime import datetime
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import utcnow

#: the outbox channel webhook messages travel on (OutboxMessage.channel; recipient = the endpoint's id)
WEBHOOK_CHANNEL = "webhook"


class WebhookEvent:
    APPLICATION_STATUS_CHANGED = "application.status_changed"
    READING_SUBMITTED = "meter_reading.submitted"
    PAYMENT_SUCCEEDED = "payment.succeeded"


WEBHOOK_EVENT_LABELS = {
    WebhookEvent.APPLICATION_STATUS_CHANGED: "Изменился статус заявки",
    WebhookEvent.READING_SUBMITTED: "Переданы показания прибора учета",
    WebhookEvent.PAYMENT_SUCCEEDED: "Платеж проведен",
}


class WebhookEndpoint(Model):
    """Where an integration receives events. The signing secret is kept sealed (app.core.sealing):
    shown once at creation, never readable from the database in plain text."""

    __tablename__ = "webhook_endpoint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    url: Mapped[str] = mapped_column(String(500), nullable=False)
    #: the event types it asked for, comma-separated (WebhookEvent)
    events: Mapped[str] = mapped_column(String(300), nullable=False)
    secret_sealed: Mapped[str] = mapped_column(Text, nullable=False)
    #: the secret's first characters, to tell endpoints' secrets apart
    secret_hint: Mapped[str] = mapped_column(String(16), nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true(), nullable=False)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    @property
    def event_types(self) -> tuple[str, ...]:
        return tuple(e for e in self.events.split(",") if e)


class WebhookAttempt(Model):
    """One attempt to deliver one event to one endpoint: the delivery log."""

    __tablename__ = "webhook_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), nullable=False)
    message_id: Mapped[Optional[int]] = mapped_column(ForeignKey("outbox_message.id", ondelete="SET NULL"))
    event_id: Mapped[str] = mapped_column(String(36), nullable=False)
    event_type: Mapped[str] = mapped_column(String(64), nullable=False)
    attempted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    #: the receiver's HTTP status; None: no answer (refused address, timeout, connection error)
    status_code: Mapped[Optional[int]] = mapped_column(Integer)
    duration_ms: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    error: Mapped[Optional[str]] = mapped_column(Text)

    __table_args__ = (Index("ix_webhook_attempt_endpoint", "endpoint_id", "attempted_at"),
                      Index("ix_webhook_attempt_message", "message_id"))
