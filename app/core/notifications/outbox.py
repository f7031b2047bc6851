"""Delivering the outbox (B11): each message claimed by one worker at a time, retried with back-off.

A worker claims a message (status «sending», a claim token, the claim time in
next_attempt_at) and only the holder of that token may record the outcome. A claim older
than STALE_CLAIM belongs to a worker that died or stalled, and another worker may take the
message over. So that the two never both hand it over, a worker starts the hand-off only
within HANDOFF_WITHIN of its claim; what is left of STALE_CLAIM covers the hand-off itself
(socket operations of at most transports.SOCKET_TIMEOUT each).

What «never twice» can mean: no message is handed to the gateway by two workers except
when a worker dies or hangs *during* the hand-off past the claim. SMTP and a plain HTTP
gateway have no idempotency key — a lost «250 OK» looks exactly like a lost message — so
then the message is sent again rather than lost (for a login code two copies are better than
none). The copy carries the same Message-ID, which mail clients use to fold duplicates.
"""
import logging
import uuid
from datetime import timedelta

from sqlalchemy import or_, select, update

from app.core.jobs.context import job
from app.core.jobs.queue import get_queue
from app.core.notifications.transports import SOCKET_TIMEOUT, Attachment, DeliveryError, send_email, send_sms
from app.core.notifications.webhooks import send_webhook
from app.core.sealing import SealError, unseal
from app.extensions import db
from app.models import OutboxMessage, OutboxStatus, StoredFile
from app.models.base import utcnow
from app.models.outbox import REDACTED
from app.models.webhooks import WEBHOOK_CHANNEL

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
SENDING = "sending"
#: a claim older than this is taken to be from a worker that died mid-send
STALE_CLAIM = timedelta(seconds=3 * SOCKET_TIMEOUT)
#: a worker hands a message over only this soon after claiming it
HANDOFF_WITHIN = STALE_CLAIM - 2 * timedelta(seconds=SOCKET_TIMEOUT)
FINAL = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.EXPIRED)


def _due(now):
    return or_(
        (OutboxMessage.status == OutboxStatus.PENDING) & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == SENDING) & (OutboxMessage.next_attempt_at <= now - STALE_CLAIM),
    )


def _own_transaction(statement) -> int:
    """Run one claim or outcome UPDATE and commit it at once; how many rows it changed.

    The one place delivery ends a transaction itself (the job's unit_of_work commits the rest):
    a claim must be visible to every other worker before the hand-off starts, which may take
    several SOCKET_TIMEOUTs, and an outcome is recorded the moment it is known, so that nothing
    that fails later in the job can undo «sent» and have the message sent twice."""
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount


def _claim(message_id: int) -> str | None:
    """Atomically take one due message (or a stale claim); its claim token, or None if not ours."""
    token = uuid.uuid4().hex
    claimed = _own_transaction(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _due(utcnow()))
        .values(status=SENDING, attempts=OutboxMessage.attempts + 1, next_attempt_at=utcnow(),
                claim_token=token)
    )
    return token if claimed == 1 else None


def finish(message_id: int, token: str, *, status: str, secret: bool = False, **values) -> str:
    """Record the outcome of a claim — only if the claim is still `token`'s — and return the
    message's status. A message that carried a secret keeps nothing readable once final."""
    values.update(status=status, claim_token=None)
    if secret and status in FINAL:
        values.update(body=REDACTED, html=None)
    recorded = _own_transaction(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.claim_token == token, OutboxMessage.status == SENDING)
        .values(**values)
    )
    if recorded == 1:
        return status
    log.warning("outbox %s: claim was taken over by another worker; outcome %s not recorded", message_id, status)
    return db.session.scalar(select(OutboxMessage.status).where(OutboxMessage.id == message_id))


def open_content(message: OutboxMessage) -> tuple[str, str | None]:
    """The body and html to send (sealed ones opened)."""
    return unseal(message.body), unseal(message.html) if message.html else None


def _attachments(message: OutboxMessage) -> tuple[Attachment, ...]:
    """The message's stored file, read for sending; DeliveryError (retried) when it cannot be read."""
    if message.attachment_file_id is None:
        return ()
    from app.core.files import read_stored

    stored = db.session.get(StoredFile, message.attachment_file_id)
    try:
        if stored is None:
            raise OSError("the stored file is gone")
        return (Attachment(stored.original_name, stored.content_type, read_stored(stored)),)
    except OSError as exc:
        raise DeliveryError(f"attachment {message.attachment_file_id}: {exc}") from exc


def _hand_over(message: OutboxMessage, body: str, html: str | None, deadline) -> None:
    if message.channel == "email":
        reference = f"<outbox-{message.id}-{message.created_at:%Y%m%d%H%M%S}@kabinet>"
        send_email(message.recipient, message.subject or "", body, html, message_id=reference, deadline=deadline,
                   attachments=_attachments(message))
    elif message.channel == "sms":
        send_sms(message.recipient, body, deadline=deadline)
    elif message.channel == WEBHOOK_CHANNEL:
        send_webhook(message, body, deadline=deadline)
    else:
        raise DeliveryError(f"unknown channel {message.channel}")


@job
def deliver_outbox_message(message_id: int) -> str:
    """Send one outbox message if it is due; returns its new status."""
    token = _claim(message_id)
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        return "missing"
    db.session.refresh(message)
    if token is None:
        return message.status
    outcome = {"secret": message.secret}
    if message.attempts > MAX_ATTEMPTS:  # its workers keep dying on it: stop taking it over
        return finish(message_id, token, status=OutboxStatus.FAILED, last_error="no worker finished sending it",
                      **outcome)
    if message.expires_at is not None and message.expires_at <= utcnow():
        return finish(message_id, token, status=OutboxStatus.EXPIRED, last_error="expired before it could be sent",
                      **outcome)
    try:
        body, html = open_content(message)
    except SealError as exc:
        return finish(message_id, token, status=OutboxStatus.FAILED, last_error=str(exc), **outcome)
    try:
        _hand_over(message, body, html, deadline=message.next_attempt_at + HANDOFF_WITHIN)
    except DeliveryError as exc:
        return _after_failure(message, token, exc, outcome)
    return finish(message_id, token, status=OutboxStatus.SENT, sent_at=utcnow(), last_error=None, **outcome)


def _after_failure(message: OutboxMessage, token: str, exc: DeliveryError, outcome: dict) -> str:
    """Retry later with back-off, or give up after MAX_ATTEMPTS."""
    log.warning("outbox %s not delivered (attempt %s): %s", message.id, message.attempts, exc)
    if message.attempts >= MAX_ATTEMPTS:
        status, retry = OutboxStatus.FAILED, {}
    else:
        status, retry = OutboxStatus.PENDING, {"next_attempt_at": utcnow() + timedelta(seconds=30 * 2 ** message.attempts)}
    return finish(message.id, token, status=status, last_error=str(exc)[:2000], **retry, **outcome)


@job
def sweep_outbox(limit: int = 500) -> int:
    """Deliver (or re-enqueue) every due message; the periodic catch-up after outages."""
    ids = db.session.scalars(
        select(OutboxMessage.id).where(_due(utcnow())).order_by(OutboxMessage.id).limit(limit)
    ).all()
    queue = get_queue()
    for message_id in ids:
        if queue is not None:
            queue.enqueue(deliver_outbox_message, message_id)
        else:
            deliver_outbox_message(message_id)
    return len(ids)
