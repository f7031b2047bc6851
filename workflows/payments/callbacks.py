"""Provider notifications (D6, D9): verified, kept once per event, applied through states.move.

`handle(provider, headers, body)` answers every notification with an outcome and an HTTP status,
and keeps it as a PaymentCallback in the caller's transaction:
- a forged or malformed one → "refused", 400; an unknown payment → "refused", 404;
- a replay of an event already kept → "duplicate", 200, nothing moves (uq_payment_callback_event:
  of two at once, the second waits for the first's commit and then fails its insert);
- an amount other than the payment's → "refused", 400, never credited;
- a state the payment has passed (pending after succeeded) → "ignored", 200, no move back;
- otherwise → "applied", 200: the payment moves (a callback arriving before the consumer came back
  from the provider's page is applied the same; the return page just shows the state).
Two different notifications moving one payment at once: the second fails at flush on
Payment.version (StaleDataError → 409 at the request boundary) and the provider sends it again.
"""
import json
import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from app.core.jobs.context import job
from app.extensions import db
from app.models.payments import PaymentCallback
from workflows.payments import states
from workflows.payments.commands import payment_by_provider_id
from workflows.payments.providers.base import CallbackRefused, provider_for

APPLIED, DUPLICATE, REFUSED, IGNORED = "applied", "duplicate", "refused", "ignored"


@dataclass(frozen=True)
class Answer:
    outcome: str
    status: int
    reason: str | None = None

    def json(self) -> dict:
        return {"outcome": self.outcome, "reason": self.reason}


def _body_json(body: bytes) -> dict | None:
    try:
        parsed = json.loads(body)
    except ValueError:
        return {"raw": body[:2000].decode("utf-8", "replace")}
    return parsed if isinstance(parsed, dict) else {"raw": parsed}


def _refuse(provider: str, body: bytes, reason: str, *, status: int = 400, payment_id=None) -> Answer:
    db.session.add(PaymentCallback(provider=provider, event_key=f"refused-{uuid.uuid4().hex}",
                                   payment_id=payment_id, outcome=REFUSED, reason=reason[:2000],
                                   body=_body_json(body)))
    db.session.flush()
    return Answer(REFUSED, status, reason)


def _claim(provider: str, event, payment, body: bytes) -> PaymentCallback | None:
    """The event's row, or None when it was kept before (a replay)."""
    row = PaymentCallback(provider=provider, event_key=event.event_key, payment_id=payment.id, outcome=APPLIED,
                          body=_body_json(body))
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return None
    return row


def handle(provider_name: str, headers, body: bytes) -> Answer:
    """Verify, keep and apply one notification (flushes; the caller commits)."""
    provider = provider_for(provider_name)
    try:
        event = provider.verify_callback(headers, body)
    except CallbackRefused as refused:
        return _refuse(provider.name, body, refused.reason, status=404 if refused.unknown else 400)
    payment = payment_by_provider_id(provider.name, event.provider_payment_id)
    if payment is None:
        return _refuse(provider.name, body, "платеж не найден", status=404)
    row = _claim(provider.name, event, payment, body)
    if row is None:
        db.session.add(PaymentCallback(provider=provider.name, event_key=f"duplicate-{uuid.uuid4().hex}",
                                       payment_id=payment.id, outcome=DUPLICATE, reason=event.event_key,
                                       body=_body_json(body)))
        return Answer(DUPLICATE, 200, "уведомление уже получено")
    if event.amount is not None and event.amount != payment.amount:
        row.outcome, row.reason = REFUSED, f"сумма {event.amount} не равна сумме платежа {payment.amount}"
        return Answer(REFUSED, 400, row.reason)
    if payment.state != event.state and not states.allowed(payment.state, event.state, states.CALLBACK):
        row.outcome, row.reason = IGNORED, f"платеж уже в статусе {payment.state}"
        return Answer(IGNORED, 200, row.reason)
    states.move(payment, event.state, source=states.CALLBACK, detail={"event": event.event_key},
                failure_reason=event.failure_reason)
    return Answer(APPLIED, 200)


@job
def deliver(provider_name: str, headers: dict, body: str) -> str:
    """A notification sent by the sandbox, received in a transaction of its own (see sandbox.py)."""
    return handle(provider_name, headers, body.encode()).outcome
