"""«Вебхуки» (G2): the admin registers endpoints, reads their delivery log, retries, disables.

The signing secret is shown once, on the page answering «Добавить»; the database keeps it sealed
(app.core.sealing, a key derived from SECRET_KEY), because signing needs the secret itself — a
hash, as for integration tokens, could not sign.
"""
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select

from app.core.audit import record as audit
from app.core.errors import Conflict, Invalid, NotFound
from app.core.jobs.queue import enqueue_after_commit
from app.core.minute_cache import forget
from app.core.notifications.outbox import deliver_outbox_message
from app.core.notifications.webhooks import url_problem
from app.core.paging import paginate
from app.core.sealing import seal
from app.extensions import db
from app.models import OutboxMessage, OutboxStatus
from app.models.base import utcnow
from app.models.webhooks import WEBHOOK_CHANNEL, WEBHOOK_EVENT_LABELS, WebhookAttempt, WebhookEndpoint
from workflows.webhooks.events import LISTENERS_KEY

SECRET_PREFIX = "whsec_"
HINT_LENGTH = 10


def create(name: str, url: str, events: list[str], *, actor=None) -> tuple[WebhookEndpoint, str]:
    """A new enabled endpoint: the row and its signing secret, shown this once."""
    name, url = (name or "").strip(), (url or "").strip()
    chosen = [event for event in WEBHOOK_EVENT_LABELS if event in set(events or ())]
    problem = ("Укажите название" if not name else url_problem(url)
               or (None if chosen else "Выберите хотя бы одно событие"))
    if problem:
        raise Invalid(problem)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint(name=name[:200], url=url[:500], events=",".join(chosen), secret_sealed=seal(secret),
                               secret_hint=secret[:HINT_LENGTH], created_by_id=getattr(actor, "id", None))
    db.session.add(endpoint)
    db.session.flush()
    audit("webhook_endpoint.create", endpoint, actor=actor, summary=f"{endpoint.name}: {endpoint.url}")
    forget(LISTENERS_KEY)
    return endpoint, secret


def get(endpoint_id: int) -> WebhookEndpoint:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound()
    return endpoint


def set_enabled(endpoint_id: int, enabled: bool, *, actor=None) -> WebhookEndpoint:
    """«Отключить» / «Включить»: a disabled endpoint gets no new events and no retries."""
    endpoint = get(endpoint_id)
    if endpoint.enabled != enabled:
        endpoint.enabled = enabled
        db.session.flush()
        audit("webhook_endpoint.enable" if enabled else "webhook_endpoint.disable", endpoint, actor=actor,
              summary=endpoint.name)
        forget(LISTENERS_KEY)
    return endpoint


def listing() -> list[WebhookEndpoint]:
    return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


@dataclass
class Delivery:
    """One event sent to the endpoint (an outbox message) and its attempts, oldest first."""

    message: OutboxMessage
    attempts: list

    @property
    def can_retry(self) -> bool:
        return self.message.status in (OutboxStatus.PENDING, OutboxStatus.FAILED)


def deliveries(endpoint: WebhookEndpoint, page: int, per_page: int):
    """The endpoint's events, newest first, each with its attempts: the delivery log."""
    query = (select(OutboxMessage).where(OutboxMessage.channel == WEBHOOK_CHANNEL,
                                         OutboxMessage.recipient == str(endpoint.id))
             .order_by(OutboxMessage.id.desc()))
    result = paginate(query, page, per_page)
    ids = [message.id for message in result.items]
    attempts: dict[int, list] = {}
    for attempt in db.session.scalars(select(WebhookAttempt).where(WebhookAttempt.message_id.in_(ids))
                                      .order_by(WebhookAttempt.id)) if ids else ():
        attempts.setdefault(attempt.message_id, []).append(attempt)
    result.items = [Delivery(message, attempts.get(message.id, [])) for message in result.items]
    return result


def attempt_count(endpoint: WebhookEndpoint) -> int:
    return db.session.scalar(select(func.count()).select_from(WebhookAttempt)
                             .where(WebhookAttempt.endpoint_id == endpoint.id))


def retry_now(endpoint_id: int, message_id: int, *, actor=None) -> OutboxMessage:
    """«Повторить сейчас»: a waiting or given-up event is due at once (a given-up one gets its
    attempts back); one already delivered is refused — never twice."""
    endpoint = get(endpoint_id)
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.channel != WEBHOOK_CHANNEL or message.recipient != str(endpoint.id):
        raise NotFound()
    if message.status not in (OutboxStatus.PENDING, OutboxStatus.FAILED):
        raise Conflict("Событие уже доставлено или доставляется: повторять нечего.")
    if message.status == OutboxStatus.FAILED:
        message.attempts = 0
    message.status, message.next_attempt_at = OutboxStatus.PENDING, utcnow()
    db.session.flush()
    audit("webhook_endpoint.retry", endpoint, actor=actor, summary=f"{endpoint.name}: {message.subject}")
    enqueue_after_commit(deliver_outbox_message, message.id)
    return message
