"""Payment states and transitions as data, and `move` — the one writer of Payment.state (D6, D9).

created → pending → succeeded | canceled | failed; created → failed | canceled (the provider
refused it at once, the consumer gave up); succeeded → refunded. Each transition names the sources
allowed to make it: "consumer" (the portal on the consumer's behalf), "callback" (a verified
provider notification), "status" (fetched from the provider), "admin", "billing".

A move into the current state is a no-op (False): a duplicate callback, a status fetched twice.
Anything else outside the table raises InvalidPaymentTransition — a succeeded payment never goes
back to pending. The one transition into succeeded stamps paid_at and records the export items
(one per part), so a payment is exported exactly once however many callbacks arrive.
"""
from datetime import datetime

from flask import render_template
from flask_babel import gettext as _

from app.core.audit import record as audit
from app.core.errors import Invalid
from app.core.notifications.notify import notify_user, queue_email
from app.extensions import db
from app.models.base import utcnow
from app.models import ConsumerProfile
from app.models.payments import Payment, PaymentEvent, PaymentState as S
from workflows.billing.exports import record as export
from workflows.webhooks.events import payment_succeeded

CONSUMER, CALLBACK, STATUS, ADMIN, BILLING = "consumer", "callback", "status", "admin", "billing"
SOURCES = (CONSUMER, CALLBACK, STATUS, ADMIN, BILLING)
_PROVIDER = frozenset({CALLBACK, STATUS})

#: (from, to) → the sources that may make the move
TRANSITIONS: dict[tuple[str, str], frozenset] = {
    (S.CREATED, S.PENDING): frozenset({CONSUMER}) | _PROVIDER,
    (S.CREATED, S.FAILED): frozenset({CONSUMER}) | _PROVIDER,
    (S.CREATED, S.CANCELED): frozenset({CONSUMER, ADMIN}) | _PROVIDER,
    (S.PENDING, S.SUCCEEDED): _PROVIDER,
    (S.PENDING, S.CANCELED): frozenset({CONSUMER, ADMIN}) | _PROVIDER,
    (S.PENDING, S.FAILED): _PROVIDER,
    (S.SUCCEEDED, S.REFUNDED): frozenset({ADMIN}) | _PROVIDER,
}
STATES = (S.CREATED, S.PENDING, S.SUCCEEDED, S.CANCELED, S.FAILED, S.REFUNDED)
#: words for the states (pages, the sandbox)
STATE_LABELS = {S.CREATED: "Создан", S.PENDING: "Ожидает оплаты", S.SUCCEEDED: "Оплачен", S.CANCELED: "Отменен",
                S.FAILED: "Не прошел", S.REFUNDED: "Возвращен"}
#: a payment in one of these will not change by itself any more (refunds are rare, asked for)
FINAL = frozenset({S.SUCCEEDED, S.CANCELED, S.FAILED, S.REFUNDED})
#: the reason shown when the provider gave none
DEFAULT_FAILURE = "Платеж отклонен платежным сервисом"


class InvalidPaymentTransition(Invalid):
    """A move the table does not allow (from that state, or by that source)."""

    def __init__(self, from_state: str, to_state: str, source: str):
        self.from_state, self.to_state, self.source = from_state, to_state, source
        super().__init__(_("Статус платежа не может измениться так: «%(a)s» → «%(b)s».",
                           a=STATE_LABELS.get(from_state, from_state), b=STATE_LABELS.get(to_state, to_state)))


def allowed(from_state: str, to_state: str, source: str) -> bool:
    return source in TRANSITIONS.get((from_state, to_state), ())


def move(payment: Payment, to_state: str, *, source: str, actor=None, detail: dict | None = None,
         paid_at: datetime | None = None, failure_reason: str | None = None) -> bool:
    """Move `payment` to `to_state`; False when it is there already; flushes (the caller commits).
    A concurrent move of the same row fails at flush (Payment.version), never moves twice."""
    from_state = payment.state
    if from_state == to_state:
        return False
    if not allowed(from_state, to_state, source):
        raise InvalidPaymentTransition(from_state, to_state, source)
    payment.state = to_state
    if to_state == S.SUCCEEDED:
        payment.paid_at = paid_at or utcnow()
    if to_state == S.FAILED:
        payment.failure_reason = (failure_reason or DEFAULT_FAILURE)[:500]
    db.session.add(PaymentEvent(payment_id=payment.id, from_state=from_state, to_state=to_state, source=source,
                                actor_id=getattr(actor, "id", None), detail=detail))
    audit("payment.state", payment, actor=actor, before={"state": from_state},
          after={"state": to_state, "source": source})
    if to_state == S.SUCCEEDED:
        _export(payment)
        payment_succeeded(payment)
    if to_state in (S.SUCCEEDED, S.FAILED):
        _notify(payment)
    db.session.flush()
    return True


def export_rows(payment: Payment) -> list[dict]:
    """What the billing receives about a succeeded payment: one row per (account, supplier) part."""
    return [{"payment_id": payment.id, "part_id": part.id, "account_number": part.account.number,
             "branch_code": part.account.branch.code, "supplier_code": part.supplier.code,
             "amount": part.amount, "paid_at": payment.paid_at, "provider": payment.provider,
             "provider_payment_id": payment.provider_payment_id} for part in payment.parts]


def _export(payment: Payment) -> None:
    for row in export_rows(payment):
        export("payments", row)


def _notify(payment: Payment) -> None:
    consumer = db.session.get(ConsumerProfile, payment.consumer_id)
    if consumer is None or consumer.user is None:
        return
    template = "payment_succeeded" if payment.state == S.SUCCEEDED else "payment_failed"
    notify_user(consumer.user, template, payment=payment, important=payment.state == S.FAILED)
    if payment.state == S.SUCCEEDED and payment.receipt_email:
        _send_receipt(payment, consumer.user)


def _send_receipt(payment: Payment, user) -> None:
    """«Получить квитанцию»: the payment's receipt to the email the consumer gave on the form."""
    context = {"payment": payment}
    queue_email(payment.receipt_email, render_template("notifications/payment_receipt.subject.j2", **context).strip(),
                render_template("notifications/payment_receipt.txt.j2", **context).strip(), user_id=user.id,
                template="payment_receipt")
