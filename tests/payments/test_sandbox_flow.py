"""The sandbox provider end to end: create_payment sends the payer to /sandbox-pay/<id>; the card
form (Luhn, MM/YY, CVC) or the СБП QR; «Оплатить» / «Отменить» follow the admin's switch — succeed,
fail with «Недостаточно средств на карте», delay (pending until a status fetch after N seconds),
the notification twice, out of order — and the payer is sent back to the return address."""
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app.core.errors import Invalid, NotFound
from app.extensions import db
from app.models import ExportItem
from app.models.payments import Payment, PaymentCallback, PaymentEvent, PaymentState as S
from tests.billing import builders as b
from tests.factories import make_consumer
from tests.payments.test_states_table import count
from workflows.payments import commands
from workflows.payments.providers import sandbox

CARD = {"number": "4111 1111 1111 1111", "expiry": "12/39", "cvc": "123"}
BACK = "/payments/back-here"


@pytest.fixture
def payer(ctx):
    user = make_consumer()
    account = b.account("7300000001")
    b.link(user, account)
    b.commit()
    return user, account, b.supplier()


def start(payer, method="card", mode=sandbox.SUCCEED, delay=30, amount="250.00") -> Payment:
    user, account, supplier = payer
    sandbox.switch(mode, delay)
    payment = commands.create_payment(user, [(account.id, supplier.id, Decimal(amount))], method, return_url=BACK)
    db.session.commit()
    return payment


def page_path(payment) -> str:
    parts = urlsplit(payment.confirmation_url)
    return f"{parts.path}?{parts.query}"


def press(client, payment, action="pay", data=None):
    path = urlsplit(payment.confirmation_url)
    return client.post(f"{path.path}/{action}?{path.query}", data=data if data is not None else CARD)


def state_of(payment) -> str:
    db.session.expire_all()
    return db.session.get(Payment, payment.id).state


def test_create_payment_is_pending_at_the_sandbox_with_its_parts(payer):
    payment = start(payer)
    assert payment.state == S.PENDING and payment.provider == "sandbox" and payment.amount == Decimal("250.00")
    assert "/sandbox-pay/sbx-" in payment.confirmation_url and len(payment.idempotency_key) == 32
    assert [(e.from_state, e.to_state, e.source) for e in db.session.scalars(select(PaymentEvent))] == [
        (S.CREATED, S.PENDING, "consumer")]


@pytest.mark.parametrize("parts, message", [
    ([("account", "supplier", "9.99")], "10,00"),
    ([("account", "supplier", "10.001")], "копейках"),
    ([("account", "supplier", "100"), ("account", "supplier", "100")], "дважды"),
    ([], "Выберите"),
])
def test_create_payment_refuses_bad_parts(payer, parts, message):
    user, account, supplier = payer
    given = [(account.id, supplier.id, Decimal(amount)) for _a, _s, amount in parts]
    with pytest.raises(Invalid) as refused:
        commands.create_payment(user, given, "card", return_url=BACK)
    assert message in refused.value.message and count(Payment) == 0


def test_create_payment_refuses_an_account_not_linked_or_an_unknown_method(payer):
    user, _account, supplier = payer
    other = b.account("7300000002")
    with pytest.raises(NotFound):
        commands.create_payment(user, [(other.id, supplier.id, Decimal("100"))], "card", return_url=BACK)
    with pytest.raises(Invalid):
        commands.create_payment(user, [(payer[1].id, supplier.id, Decimal("100"))], "cash", return_url=BACK)
    assert count(Payment) == 0


def test_card_payment_succeeds_and_the_payer_goes_back(client, login, payer):
    payment = start(payer)
    login(payer[0])
    page = client.get(page_path(payment)).get_data(as_text=True)
    assert "250,00" in page and "Номер карты" in page and "Оплатить" in page and "Отменить" in page
    response = press(client, payment)
    assert response.status_code == 302 and response.location.endswith(BACK)
    assert state_of(payment) == S.SUCCEEDED and count(ExportItem, ExportItem.kind == "payments") == 1


@pytest.mark.parametrize("field, value, message", [
    ("number", "4111 1111 1111 1112", "ошибка"), ("number", "12", "от 13 до 19"),
    ("expiry", "13/30", "например"), ("expiry", "01/20", "истек"), ("cvc", "12", "три цифры")])
def test_a_wrong_card_is_refused_under_its_field_and_kept_as_typed(client, login, payer, field, value, message):
    payment = start(payer)
    login(payer[0])
    response = press(client, payment, data={**CARD, field: value})
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and message in text and f'data-test="error-{field}"' in text
    assert value in text
    assert state_of(payment) == S.PENDING and count(PaymentCallback) == 0


def test_failure_mode_fails_with_the_reason(client, login, payer):
    payment = start(payer, mode=sandbox.FAIL)
    login(payer[0])
    assert press(client, payment).status_code == 302
    db.session.expire_all()
    failed = db.session.get(Payment, payment.id)
    assert failed.state == S.FAILED and failed.failure_reason == "Недостаточно средств на карте"


def test_delay_mode_stays_pending_until_a_status_fetch_after_the_delay(client, login, payer):
    payment = start(payer, mode=sandbox.DELAY, delay=3600)
    login(payer[0])
    press(client, payment)
    assert state_of(payment) == S.PENDING
    assert commands.refresh_status(db.session.get(Payment, payment.id)).state == S.PENDING  # an hour to go
    db.session.rollback()
    delayed = start(payer, mode=sandbox.DELAY, delay=0)
    press(client, delayed)
    assert state_of(delayed) == S.PENDING  # nothing happens until someone asks
    assert commands.refresh_status(db.session.get(Payment, delayed.id)).state == S.SUCCEEDED
    db.session.commit()
    assert count(ExportItem, ExportItem.kind == "payments") == 1


def test_twice_mode_credits_once(client, login, payer):
    payment = start(payer, mode=sandbox.TWICE)
    login(payer[0])
    press(client, payment)
    assert state_of(payment) == S.SUCCEEDED and count(ExportItem) == 1
    assert list(db.session.scalars(select(PaymentCallback.outcome).order_by(PaymentCallback.id))) == [
        "applied", "duplicate"]


def test_out_of_order_mode_never_goes_back_to_pending(client, login, payer):
    payment = start(payer, mode=sandbox.OUT_OF_ORDER)
    login(payer[0])
    press(client, payment)
    assert state_of(payment) == S.SUCCEEDED
    assert list(db.session.scalars(select(PaymentCallback.outcome).order_by(PaymentCallback.id))) == [
        "applied", "ignored"]


def test_sbp_shows_a_qr_and_cancel_cancels(client, login, payer):
    payment = start(payer, method="sbp")
    login(payer[0])
    page = client.get(page_path(payment)).get_data(as_text=True)
    assert 'data-test="sandbox-qr"' in page and "<svg" in page and "Номер карты" not in page
    assert press(client, payment, "cancel", data={}).location.endswith(BACK)
    assert state_of(payment) == S.CANCELED
    again = press(client, payment, data={})  # a finished payment is not paid again
    assert again.status_code == 302 and state_of(payment) == S.CANCELED and count(ExportItem) == 0
