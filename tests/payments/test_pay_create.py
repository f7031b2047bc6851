"""«Оплатить» (D6): a complete form creates one payment with the active provider (the sandbox) and
sends the consumer to its page; the return page says the state; an advance is paid like a debt;
the same account and amount again within three days is asked about first, not refused."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.core.formatting import format_date
from app.extensions import db
from app.models.base import utcnow
from app.models.payments import Payment, PaymentState
from tests.billing import builders as b
from tests.factories import make_consumer
from workflows.payments import states


@pytest.fixture
def setup(ctx):
    class S:
        consumer = make_consumer(commit=False)
        account = b.account("6100000001")
        es = b.supplier("ES")
        vk = b.supplier("VK", "МУП «Водоканал»")
    b.balance(S.account, date(2026, 10, 1), "1500.00", by=S.es)
    b.balance(S.account, date(2026, 10, 1), "0.00", by=S.vk)
    b.link(S.consumer, S.account)
    b.commit()
    return S


def _pay(client, s, amounts, **over):
    data = {"method": "sbp", "rules": "1"}
    for supplier, amount in amounts.items():
        data[f"pay-{s.account.id}-{supplier.id}"] = "1"
        data[f"amount-{s.account.id}-{supplier.id}"] = amount
    data.update(over)
    return client.post(f"/personal-accounts/{s.account.id}/pay", data=data)


def _payments():
    db.session.expire_all()
    return list(db.session.scalars(select(Payment).order_by(Payment.id)))


def test_a_complete_form_creates_the_payment_and_goes_to_the_provider(client, login, setup):
    s = setup
    login(s.consumer)
    response = _pay(client, s, {s.es: "1 500,00", s.vk: "100"}, receipt="1", email="me@example.ru")
    [payment] = _payments()
    assert response.status_code == 302 and response.location == payment.confirmation_url
    assert "/sandbox-pay/" in payment.confirmation_url
    assert payment.state == PaymentState.PENDING and payment.method == "sbp"
    assert payment.amount == Decimal("1600.00") and payment.receipt_email == "me@example.ru"
    assert sorted((p.supplier_id, p.amount) for p in payment.parts) == sorted(
        [(s.es.id, Decimal("1500.00")), (s.vk.id, Decimal("100.00"))])  # the advance to VK a part too


def test_no_receipt_asked_keeps_no_email(client, login, setup):
    s = setup
    login(s.consumer)
    _pay(client, s, {s.es: "20"}, email="me@example.ru")
    assert _payments()[0].receipt_email is None


def test_the_return_page_says_the_state(client, login, setup):
    s = setup
    login(s.consumer)
    _pay(client, s, {s.es: "1500,00"})
    [payment] = _payments()
    back = client.get("/payments/returned")
    assert back.status_code == 302 and back.location.endswith(f"/payments/{payment.id}")
    html = client.get(back.location).get_data(as_text=True)
    assert "Платеж обрабатывается" in html and "data-pay-poll" in html and "1\u00a0500,00\u00a0руб." in html
    states.move(db.session.get(Payment, payment.id), PaymentState.SUCCEEDED, source=states.CALLBACK)
    db.session.commit()
    html = client.get(f"/payments/{payment.id}").get_data(as_text=True)
    assert "Платеж прошел успешно" in html and "data-pay-poll" not in html


def test_a_failed_payment_shows_the_providers_reason(client, login, setup):
    s = setup
    login(s.consumer)
    _pay(client, s, {s.es: "1500,00"})
    [payment] = _payments()
    states.move(payment, PaymentState.FAILED, source=states.CALLBACK, failure_reason="Недостаточно средств на карте")
    db.session.commit()
    html = client.get(f"/payments/{payment.id}").get_data(as_text=True)
    assert "Платеж не прошел" in html and "Недостаточно средств на карте" in html


def test_a_succeeded_payment_lowers_the_debt_until_the_billing_has_it(client, login, setup):
    s = setup
    login(s.consumer)
    _pay(client, s, {s.es: "1000,00"})
    states.move(_payments()[0], PaymentState.SUCCEEDED, source=states.CALLBACK)
    db.session.commit()
    assert 'value="500,00"' in client.get(f"/personal-accounts/{s.account.id}/pay").get_data(as_text=True)


def test_the_same_amount_again_within_three_days_is_asked_about(client, login, setup):
    s = setup
    login(s.consumer)
    _pay(client, s, {s.es: "1500,00"})
    first = _payments()[0]
    again = _pay(client, s, {s.es: "1500,00"})
    html = again.get_data(as_text=True)
    assert again.status_code == 400 and len(_payments()) == 1
    today = format_date(first.created_at)  # Moscow's day
    assert (f"Вы уже оплатили 1\u00a0500,00\u00a0руб. по лицевому счету 6100000001 {today}. Оплатить еще раз?"
            in html)
    assert 'value="1500,00"' in html  # what was typed survives
    confirmed = _pay(client, s, {s.es: "1500,00"}, repeat="1")
    assert confirmed.status_code == 302 and len(_payments()) == 2
    other = _pay(client, s, {s.es: "1499,00"})  # another amount is no repeat
    assert other.status_code == 302 and len(_payments()) == 3
    assert first.id == _payments()[0].id


@pytest.mark.parametrize("state, age_days, asked", [
    (PaymentState.PENDING, 1, True),
    (PaymentState.SUCCEEDED, 2, True),
    (PaymentState.FAILED, 1, False),  # «платеж не прошел»: paying again is what one should do
    (PaymentState.SUCCEEDED, 4, False),
])
def test_which_earlier_payments_count_as_a_repeat(client, login, setup, state, age_days, asked):
    s = setup
    login(s.consumer)
    _pay(client, s, {s.es: "50"})
    payment = _payments()[0]
    payment.state, payment.created_at = state, utcnow() - timedelta(days=age_days)
    db.session.commit()
    response = _pay(client, s, {s.es: "50,00"})
    assert ("Оплатить еще раз?" in response.get_data(as_text=True)) == asked
    assert response.status_code == (400 if asked else 302)


def test_a_double_click_makes_one_payment(client, login, setup):
    """The same form sent twice (one form token): the second lands on the first one's provider page."""
    s = setup
    login(s.consumer)
    token = "t" * 32
    first = _pay(client, s, {s.es: "1500,00"}, form_token=token)
    second = _pay(client, s, {s.es: "1500,00"}, form_token=token)
    [payment] = _payments()
    assert first.location == second.location == payment.confirmation_url


def test_a_provider_that_cannot_be_asked_leaves_the_page_with_the_state_known(client, login, setup, monkeypatch):
    from app.core.errors import Invalid
    from app.views.payments import pay as view

    def unreachable(payment):
        raise Invalid("Платежный сервис сейчас недоступен: статус платежа пока неизвестен.")

    s = setup
    login(s.consumer)
    _pay(client, s, {s.es: "1500,00"})
    monkeypatch.setattr(view, "refresh_status", unreachable)
    response = client.get(f"/payments/{_payments()[0].id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "статус платежа пока неизвестен" in html and "Платеж обрабатывается" in html
