"""Every route of the payment form and the payment's page × {owner, co-owner, another consumer,
anonymous, staff, organization admin}: no unauthorized 2xx, and nobody outside creates a payment."""
import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.payments import Payment, PaymentPart, PaymentState
from app.security.roles import ORG_ADMIN, STAFF
from tests.billing import builders as b
from tests.factories import make_consumer, make_staff

ACCOUNT_ROUTES = [("GET", "/personal-accounts/{account}/pay"), ("POST", "/personal-accounts/{account}/pay")]
PAYMENT_ROUTES = [("GET", "/payments/{payment}")]
CONSUMER_ROUTES = [("GET", "/payments/all"), ("POST", "/payments/all"), ("GET", "/payments/returned")]


@pytest.fixture
def people(ctx):
    class P:
        owner = make_consumer(commit=False)
        co_owner = make_consumer(commit=False)
        other = make_consumer(commit=False)
        staff = make_staff(STAFF, commit=False)
        org_admin = make_staff(ORG_ADMIN, commit=False)
        account = b.account("6300000001")
        second = b.account("6300000002")
        other_account = b.account("6300000003")
        es = b.supplier("ES")
    b.balance(P.account, date(2026, 10, 1), "500.00", by=P.es)
    for account in (P.account, P.second):
        b.link(P.owner, account)
        b.link(P.co_owner, account)
    b.link(P.other, P.other_account)
    P.payment = Payment(consumer_id=P.owner.consumer.id, provider="sandbox", method="card",
                        state=PaymentState.SUCCEEDED, amount=Decimal("500.00"), idempotency_key=uuid.uuid4().hex)
    db.session.add(P.payment)
    db.session.flush()
    db.session.add(PaymentPart(payment_id=P.payment.id, account_id=P.account.id, supplier_id=P.es.id,
                               amount=Decimal("500.00")))
    b.commit()
    return P


def _count():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Payment))


def _call(client, people, method, route):
    url = route.format(account=people.account.id, payment=people.payment.id)
    if method == "GET":
        return client.get(url)
    key = f"{people.account.id}-{people.es.id}"
    return client.post(url, data={f"pay-{key}": "1", f"amount-{key}": "500,00", "method": "card", "rules": "1",
                                 "repeat": "1"})  # the payment of the fixture: the same amount again, confirmed


@pytest.mark.parametrize("method, route", ACCOUNT_ROUTES + PAYMENT_ROUTES)
@pytest.mark.parametrize("who", ["other", "anonymous", "staff", "org_admin"])
def test_outsiders_get_no_2xx_and_pay_nothing(client, login, people, method, route, who):
    if who != "anonymous":
        login(getattr(people, who))
    response = _call(client, people, method, route)
    assert response.status_code in (302, 403, 404), (who, method, route, response.status_code)
    if response.status_code == 302:
        assert response.location.startswith("/login/") or response.location == "/", response.location
    assert _count() == 1


def test_a_co_owner_does_not_see_the_owners_payment(client, login, people):
    login(people.co_owner)
    assert client.get(f"/payments/{people.payment.id}").status_code == 404


@pytest.mark.parametrize("method, route", CONSUMER_ROUTES)
@pytest.mark.parametrize("who", ["anonymous", "staff", "org_admin"])
def test_consumer_pages_are_consumers_only(client, login, people, method, route, who):
    if who != "anonymous":
        login(getattr(people, who))
    response = _call(client, people, method, route)
    assert response.status_code in (302, 403, 404), (who, method, route, response.status_code)
    if response.status_code == 302:
        assert response.location.startswith("/login/") or response.location == "/", response.location
    assert _count() == 1


@pytest.mark.parametrize("who", ["owner", "co_owner"])
def test_owner_and_co_owner_may_pay(client, login, people, who):
    login(getattr(people, who))
    assert client.get(f"/personal-accounts/{people.account.id}/pay").status_code == 200
    assert client.get("/payments/all").status_code == 200
    response = _call(client, people, "POST", ACCOUNT_ROUTES[1][1])
    assert response.status_code == 302 and "/sandbox-pay/" in response.location
    assert _count() == 2


def test_the_payer_sees_the_payment(client, login, people):
    login(people.owner)
    html = client.get(f"/payments/{people.payment.id}").get_data(as_text=True)
    assert "Платеж прошел успешно" in html and "6300000001" in html


def test_a_form_without_its_csrf_token_pays_nothing(client, login, people, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    login(people.owner)
    response = _call(client, people, "POST", ACCOUNT_ROUTES[1][1])
    assert response.status_code == 400
    assert _count() == 1
