"""Who may open the sandbox's pages and its admin switch: the payer only on /sandbox-pay/<id> (a
co-owner of the same account, another consumer, staff and admins 404; anonymous to the sign-in);
«Песочница платежей» for org admins and admins only. No unauthorized 2xx, nothing changed."""
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditRecord
from app.models.payments import PaymentCallback, PaymentState as S
from app.security.roles import ADMIN, ORG_ADMIN, STAFF
from tests.billing import builders as b
from tests.factories import make_consumer, make_staff
from tests.payments.test_sandbox_flow import CARD
from tests.payments.test_states_table import make_payment
from workflows.payments.providers import sandbox

PAGE_ROUTES = [("GET", ""), ("POST", "/pay"), ("POST", "/cancel")]


@pytest.fixture
def people(ctx):
    class P:
        owner, co_owner, other = make_consumer(), make_consumer(), make_consumer()
        staff, org_admin, admin = make_staff(STAFF), make_staff(ORG_ADMIN), make_staff(ADMIN)
        account = b.account("7400000001")
    b.link(P.owner, P.account)
    b.link(P.co_owner, P.account)
    P.payment = make_payment(P.owner, [(P.account, b.supplier(), "300.00")])
    b.commit()
    return P


def _snapshot():
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(PaymentCallback)),
            db.session.scalar(select(func.count()).select_from(AuditRecord)))


def _call(client, method, url, data=None):
    return client.get(url) if method == "GET" else client.post(url, data=data or CARD)


@pytest.mark.parametrize("method, suffix", PAGE_ROUTES)
@pytest.mark.parametrize("who", ["co_owner", "other", "anonymous", "staff", "org_admin", "admin"])
def test_only_the_payer_opens_the_sandbox_page(client, login, people, method, suffix, who):
    if who != "anonymous":
        login(getattr(people, who))
    before = _snapshot()
    response = _call(client, method, f"/sandbox-pay/{people.payment.provider_payment_id}{suffix}")
    assert response.status_code in (302, 403, 404), (who, method, suffix, response.status_code)
    if response.status_code == 302:
        assert urlsplit(response.location).path.startswith("/login") and who == "anonymous", response.location
    assert _snapshot() == before


@pytest.mark.parametrize("method, suffix", PAGE_ROUTES)
def test_the_payer_may(client, login, people, method, suffix):
    login(people.owner)
    response = _call(client, method, f"/sandbox-pay/{people.payment.provider_payment_id}{suffix}")
    assert response.status_code in (200, 302), (method, suffix, response.status_code)


def test_an_unknown_sandbox_payment_is_404(client, login, people):
    login(people.owner)
    assert client.get("/sandbox-pay/sbx-unknown").status_code == 404


@pytest.mark.parametrize("who", ["owner", "anonymous", "staff"])
def test_the_switch_is_for_org_admins_and_admins(client, login, people, who):
    if who != "anonymous":
        login(getattr(people, who))
    assert client.get("/payments/sandbox/").status_code in (302, 403, 404)
    response = client.post("/payments/sandbox/", data={"mode": sandbox.FAIL, "delay": "5"})
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert not urlsplit(response.location).path.startswith("/payments/sandbox"), response.location
    assert sandbox.mode() == sandbox.SUCCEED


@pytest.mark.parametrize("who", ["org_admin", "admin"])
def test_an_admin_switches_the_sandbox(client, login, people, who):
    login(getattr(people, who))
    page = client.get("/payments/sandbox/")
    assert page.status_code == 200 and "Песочница платежей" in page.get_data(as_text=True)
    assert 'data-test="sandbox-inactive"' not in page.get_data(as_text=True)  # the sandbox is the default
    response = client.post("/payments/sandbox/", data={"mode": sandbox.DELAY, "delay": "45"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (sandbox.mode(), sandbox.delay_seconds()) == (sandbox.DELAY, 45)
    assert db.session.scalar(select(func.count()).select_from(AuditRecord)
                             .where(AuditRecord.action == "payment.sandbox")) == 1


@pytest.mark.parametrize("data, field, message", [
    ({"mode": "explode", "delay": "5"}, "mode", "из списка"),
    ({"mode": sandbox.DELAY, "delay": "пять"}, "delay", "целое число"),
    ({"mode": sandbox.DELAY, "delay": "99999"}, "delay", "От 0 до 3600"),
    ({"delay": "5"}, "mode", "Выберите поведение"),
])
def test_a_wrong_switch_is_refused_under_its_field(client, login, people, data, field, message):
    login(people.org_admin)
    response = client.post("/payments/sandbox/", data=data)
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and message in text and f'data-test="error-{field}"' in text
    assert sandbox.mode() == sandbox.SUCCEED and people.payment.state == S.PENDING


def test_the_switch_says_when_payments_go_elsewhere(client, login, people):
    from app.core.settings import set_setting

    set_setting("payment_provider", "yookassa")
    db.session.commit()
    login(people.org_admin)
    assert 'data-test="sandbox-inactive"' in client.get("/payments/sandbox/").get_data(as_text=True)
