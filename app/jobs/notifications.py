"""Delivering the outbox (B11): at most once per message, retried with back-off."""
import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from app.extensions import db
from app.jobs.context import with_app_context
from app.messaging import DeliveryError, send_email, send_sms
from app.models import OutboxMessage, OutboxStatus
from app.models.base import utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
SENDING = "sending"
#: a claim older than this is taken to be from a worker that died mid-send
STALE_CLAIM = timedelta(minutes=10)


def _claim(message_id: int) -> bool:
    """Atomically move one due message from pending to sending; False if someone else has it."""
    now = utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            or_(
                (OutboxMessage.status == OutboxStatus.PENDING) & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == SENDING) & (OutboxMessage.next_attempt_at <= now - STALE_CLAIM),
            ),
        )
        .values(status=SENDING, attempts=OutboxMessage.attempts + 1, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


@with_app_context
def deliver_outbox_message(message_id: int) -> str:
    """Send one outbox message if it is still pending; returns its new status."""
    if not _claim(message_id):
        message = db.session.get(OutboxMessage, message_id)
        return message.status if message else "missing"
    message = db.session.get(OutboxMessage, message_id)
    db.session.refresh(message)
    try:
        if message.channel == "email":
            send_email(message.recipient, message.subject or "", message.body, message.html)
        elif message.channel == "sms":
            send_sms(message.recipient, message.body)
        else:
            raise DeliveryError(f"unknown channel {message.channel}")
    except DeliveryError as exc:
        message.last_error = str(exc)[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxStatus.FAILED
        else:
            message.status = OutboxStatus.PENDING
            message.next_attempt_at = utcnow() + timedelta(seconds=30 * 2 ** message.attempts)
        db.session.commit()
        log.warning("outbox %s not delivered (attempt %s): %s", message_id, message.attempts, exc)
        return message.status
    message.status = OutboxStatus.SENT
    message.sent_at = utcnow()
    message.last_error = None
    db.session.commit()
    return message.status


@with_app_context
def sweep_outbox(limit: int = 500) -> int:
    """Deliver (or re-enqueue) every due message; the periodic catch-up after outages."""
    from app.jobs.queue import get_queue

    now = utcnow()
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(
            or_(
                (OutboxMessage.status == OutboxStatus.PENDING) & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == SENDING) & (OutboxMessage.next_attempt_at <= now - STALE_CLAIM),
            )
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.rollback()
    queue = get_queue() if current_app else None
    for message_id in ids:
        if queue is not None:
            queue.enqueue(deliver_outbox_message, message_id)
        else:
            deliver_outbox_message(message_id)
    return len(ids)
