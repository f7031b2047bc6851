"""emit(): queue one event for every enabled endpoint that asked for it, in the caller's transaction.

The body is fixed here (event id, type, time, the objects' ids — no personal data), so every
retry sends the same bytes and a receiver can drop a repeat by the event id. Which endpoints
listen is asked once a minute per process (app.core.minute_cache); the admin's commands forget
it, so a change made in this process counts at once.
"""
import json
import uuid

from app.core.jobs.queue import enqueue_after_commit
from app.core.minute_cache import remembered
from app.core.notifications.outbox import deliver_outbox_message
from app.extensions import db
from app.models import OutboxMessage
from app.models.base import utcnow
from app.models.webhooks import WEBHOOK_CHANNEL, WebhookEndpoint, WebhookEvent

LISTENERS_KEY = "webhooks.listeners"
TEMPLATE = "webhook"


def _listeners() -> tuple[tuple[int, frozenset], ...]:
    rows = db.session.execute(db.select(WebhookEndpoint.id, WebhookEndpoint.events)
                              .where(WebhookEndpoint.enabled.is_(True)).order_by(WebhookEndpoint.id))
    return tuple((endpoint_id, frozenset(events.split(","))) for endpoint_id, events in rows)


def wanted(event: str) -> bool:
    """Whether any enabled endpoint asked for `event` (so callers build no payload for nobody)."""
    return any(event in events for _, events in remembered(LISTENERS_KEY, _listeners))


def event_body(event: str, data: dict) -> str:
    document = {"id": str(uuid.uuid4()), "type": event, "created_at": utcnow().isoformat(timespec="seconds") + "Z",
                "data": data}
    return json.dumps(document, ensure_ascii=False, default=str, separators=(",", ":"))


def emit(event: str, data: dict) -> list[OutboxMessage]:
    """Queue `event` with `data` (ids and codes, JSON-serializable) for its endpoints; after the
    commit the outbox delivers it, on rollback nothing is sent."""
    messages, body = [], None
    for endpoint_id, events in remembered(LISTENERS_KEY, _listeners):
        if event not in events:
            continue
        body = body or event_body(event, data)  # one event id for every endpoint
        message = OutboxMessage(channel=WEBHOOK_CHANNEL, recipient=str(endpoint_id), subject=event, body=body,
                                template=TEMPLATE)
        db.session.add(message)
        messages.append(message)
    if messages:
        db.session.flush()
        for message in messages:
            enqueue_after_commit(deliver_outbox_message, message.id)
    return messages


# What each event carries: ids and codes an integration matches against its own records, no
# personal data. The areas call these where the event happens (one call each).

def application_status_changed(application, from_status, to_status) -> None:
    if wanted(WebhookEvent.APPLICATION_STATUS_CHANGED):
        emit(WebhookEvent.APPLICATION_STATUS_CHANGED, {
            "application_id": application.id, "number": application.number,
            "application_type": application.application_type.code,
            "from_status": from_status.code, "to_status": to_status.code})


def reading_submitted(reading, meter, account, replaces: int | None) -> None:
    if wanted(WebhookEvent.READING_SUBMITTED):
        emit(WebhookEvent.READING_SUBMITTED, {
            "reading_id": reading.id, "meter_id": meter.id, "meter_external_id": meter.external_id,
            "account_id": account.id, "account_number": account.number, "period": reading.period.isoformat(),
            "source": reading.source, "replaces_reading_id": replaces})


def payment_succeeded(payment) -> None:
    if wanted(WebhookEvent.PAYMENT_SUCCEEDED):
        emit(WebhookEvent.PAYMENT_SUCCEEDED, {
            "payment_id": payment.id, "amount": str(payment.amount), "paid_at": payment.paid_at.isoformat(timespec="seconds"),
            "parts": [{"account_number": part.account.number, "supplier_code": part.supplier.code, "amount": str(part.amount)}
                      for part in payment.parts]})
