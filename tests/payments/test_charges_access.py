"""«Начисления и оплаты» and «Скачать квитанцию» × {owner, co-owner, another consumer, anonymous,
staff, org admin}: only the consumers linked to the account see them; nobody else gets a 2xx (a
receipt is personal data), and another consumer's month is a 404 like a missing one."""
import pytest

from app.security.roles import ORG_ADMIN, STAFF
from tests.billing import builders as b
from tests.factories import make_consumer, make_staff
from workflows.billing.details import add_months, month_start
from workflows.billing.windows import today

MONTH = add_months(month_start(today()), -1)
ROUTES = ["/personal-accounts/{id}/charges", "/personal-accounts/{id}/charges?tab=balance",
          "/personal-accounts/{id}/receipts/" + f"{MONTH:%Y-%m}.pdf", "/personal-accounts/{id}/receipts/latest"]


@pytest.fixture
def people(ctx):
    class P:
        owner = make_consumer()
        co_owner = make_consumer()
        other = make_consumer()
        staff = make_staff(STAFF)
        org_admin = make_staff(ORG_ADMIN)
        account = b.account()
        other_account = b.account()
    b.charge(P.account, MONTH, "100.00")
    b.charge(P.other_account, MONTH, "200.00")
    b.link(P.owner, P.account)
    b.link(P.co_owner, P.account)
    b.link(P.other, P.other_account)
    b.commit()
    return P


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("who", ["owner", "co_owner"])
def test_owner_and_co_owner_see_it(client, login, people, route, who):
    login(getattr(people, who))
    response = client.get(route.format(id=people.account.id))
    assert response.status_code == (302 if route.endswith("latest") else 200), response.status_code
    if route.endswith(".pdf"):
        assert response.data.startswith(b"%PDF-")


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("who", ["other", "anonymous", "staff", "org_admin"])
def test_nobody_else_gets_a_2xx(client, login, people, route, who):
    if who != "anonymous":
        login(getattr(people, who))
    response = client.get(route.format(id=people.account.id))
    assert response.status_code in (302, 403, 404), (who, route, response.status_code)
    if response.status_code == 302:
        assert response.location.startswith("/login/"), response.location
    assert not response.data.startswith(b"%PDF-")
