"""Creating a payment and following it (D6, D9): the commands the payment form and its return page
call. The view redirects the consumer to `payment.confirmation_url` (the provider's page).

`create_payment` checks every part again (a linked account, a known supplier, at least 10,00 руб.
in roubles and kopecks), writes the payment and its parts, asks the active provider to create it
(sending the idempotency key: a retry never creates a second one) and moves it to pending.
"""
import uuid
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app.core.errors import Invalid, NotFound
from app.extensions import db
from app.models import Supplier
from app.models.payments import Payment, PaymentMethod, PaymentPart, PaymentState
from app.security.access import active_link, current_consumer, ensure_own_payment
from workflows.payments import states
from workflows.payments.providers.base import active_provider, provider_for

MIN_AMOUNT = Decimal("10.00")
METHODS = (PaymentMethod.SBP, PaymentMethod.CARD)


def _checked_parts(actor, parts) -> list[tuple]:
    """The parts as (link's account, supplier, amount); any part not allowed refuses them all."""
    if not parts:
        raise Invalid(_("Выберите, что оплатить"))
    seen, checked = set(), []
    for account_id, supplier_id, amount in parts:
        link = active_link(actor, account_id)
        if link is None:
            raise NotFound()
        supplier = db.session.get(Supplier, supplier_id)
        if supplier is None:
            raise Invalid(_("Поставщик не найден"))
        if (account_id, supplier_id) in seen:
            raise Invalid(_("Поставщик выбран дважды"))
        seen.add((account_id, supplier_id))
        if not isinstance(amount, Decimal) or not amount.is_finite() or amount.as_tuple().exponent < -2:
            raise Invalid(_("Укажите сумму в рублях и копейках: не более двух знаков после запятой"))
        if amount < MIN_AMOUNT:
            raise Invalid(_("Минимальная сумма оплаты — 10,00 руб."))
        checked.append((link.account, supplier, amount.quantize(Decimal("0.01"))))
    return checked


def description_of(parts) -> str:
    """What the provider shows the payer: «Оплата по л/с 123, 456»."""
    numbers = sorted({account.number for account, _supplier, _amount in parts})
    return _("Оплата по лицевым счетам: %(numbers)s", numbers=", ".join(numbers))[:128]


def create_payment(actor, parts: list[tuple[int, int, Decimal]], method: str, *, receipt_email: str | None = None,
                   return_url: str) -> Payment:
    """A new payment of `actor` (a consumer) for `parts` [(account_id, supplier_id, amount)],
    created at the active provider and pending there; flushes (the request commits)."""
    consumer = current_consumer(actor)
    if consumer is None:
        raise NotFound()
    if method not in METHODS:
        raise Invalid(_("Выберите способ оплаты"))
    checked = _checked_parts(actor, parts)
    provider = active_provider()
    payment = Payment(consumer_id=consumer.id, provider=provider.name, method=method, state=PaymentState.CREATED,
                      amount=sum((amount for _a, _s, amount in checked), Decimal("0.00")),
                      idempotency_key=uuid.uuid4().hex, receipt_email=receipt_email or None)
    db.session.add(payment)
    db.session.flush()
    for account, supplier, amount in checked:
        db.session.add(PaymentPart(payment_id=payment.id, account_id=account.id, supplier_id=supplier.id,
                                   amount=amount))
    db.session.flush()
    created = provider.create(payment, return_url=return_url, description=description_of(checked))
    payment.provider_payment_id = created.provider_payment_id
    payment.confirmation_url = created.confirmation_url
    states.move(payment, PaymentState.PENDING, source=states.CONSUMER, actor=actor,
                detail={"provider_payment_id": created.provider_payment_id})
    if created.state != PaymentState.PENDING:  # refused or paid at once
        _follow(payment, created.state, source=states.STATUS)
    return payment


def _follow(payment: Payment, state: str, *, source: str, failure_reason=None, paid_at=None) -> bool:
    """Move the payment where the provider says it is, if the table allows; a provider reporting
    an older state (pending after succeeded) is ignored (False)."""
    if payment.state == state or not states.allowed(payment.state, state, source):
        return False
    return states.move(payment, state, source=source, failure_reason=failure_reason, paid_at=paid_at)


def refresh_status(payment: Payment) -> Payment:
    """Ask the provider where the payment is now and follow it (the return page, a stuck pending)."""
    if payment.provider_payment_id is None or payment.state in states.FINAL - {PaymentState.SUCCEEDED}:
        return payment
    status = provider_for(payment.provider).fetch(payment.provider_payment_id)
    if status.amount is not None and status.amount != payment.amount:
        return payment  # not what was asked for: never credited on the provider's word alone
    _follow(payment, status.state, source=states.STATUS, failure_reason=status.failure_reason,
            paid_at=status.paid_at)
    return payment


def payment_for(actor, payment_id: int) -> Payment:
    """The actor's own payment (its return page); anyone else's, or none, 404."""
    return ensure_own_payment(actor, payment_id)


def payment_by_provider_id(provider: str, provider_payment_id: str) -> Payment | None:
    return db.session.scalar(select(Payment).where(Payment.provider == provider,
                                                   Payment.provider_payment_id == provider_payment_id))
