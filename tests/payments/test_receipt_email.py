"""«Получить квитанцию»: when the consumer asked for it, the payment's receipt goes to the email
they gave, once, when the payment succeeds — and not for a failed payment or when not asked."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.core.urls import public_link
from app.extensions import db
from app.models import OutboxMessage
from app.models.payments import PaymentState
from tests.billing import builders as b
from tests.factories import make_consumer
from workflows.payments import callbacks, commands
from workflows.payments.providers import sandbox


@pytest.fixture
def paying(app):
    with app.test_request_context():
        owner = make_consumer()
        account = b.account("7700000001")
        b.link(owner, account)
        yield owner, account, b.supplier()
        db.session.remove()


def _pay(owner, account, supplier, *, email, outcome):
    payment = commands.create_payment(owner, [(account.id, supplier.id, Decimal("1234.56"))], "card",
                                      receipt_email=email, return_url=public_link("/payments/returned"))
    body = sandbox.notification(payment, outcome, failure_reason="Недостаточно средств на карте")
    for _ in range(2):  # the provider repeats itself: still one receipt
        callbacks.handle(sandbox.NAME, {sandbox.SIGNATURE_HEADER: sandbox.sign(body)}, body)
    db.session.flush()
    return payment


def _receipts():
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "payment_receipt")).all()


def test_the_receipt_goes_to_the_email_given_once(paying):
    payment = _pay(*paying, email="buh@example.ru", outcome=PaymentState.SUCCEEDED)
    [receipt] = _receipts()
    assert receipt.recipient == "buh@example.ru"
    assert f"Квитанция об оплате № {payment.id}" in receipt.subject
    assert "Сумма: 1\u00a0234,56\u00a0руб." in receipt.body and "Лицевой счет № 7700000001" in receipt.body


@pytest.mark.parametrize("email, outcome", [(None, PaymentState.SUCCEEDED), ("buh@example.ru", PaymentState.FAILED)])
def test_no_receipt_when_not_asked_or_not_paid(paying, email, outcome):
    _pay(*paying, email=email, outcome=outcome)
    assert _receipts() == []
