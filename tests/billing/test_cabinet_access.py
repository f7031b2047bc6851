"""Every route of «Лицевые счета» × {owner, co-owner, another consumer, anonymous, staff}: no
unauthorized 2xx, and nothing changed by anyone who may not."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AccountLink, AuditRecord
from app.security.roles import ORG_ADMIN, STAFF
from tests.billing import builders as b
from tests.factories import make_consumer, make_staff

OBJECT_ROUTES = [
    ("GET", "/personal-accounts/{id}/"),
    ("GET", "/personal-accounts/{id}/remove"),
    ("POST", "/personal-accounts/{id}/remove"),
    ("GET", "/personal-accounts/{id}/receipt"),
    ("POST", "/personal-accounts/{id}/receipt"),
]
CONSUMER_ROUTES = [("GET", "/personal-accounts/"), ("GET", "/personal-accounts/add"),
                   ("POST", "/personal-accounts/add")]


@pytest.fixture
def people(ctx):
    class P:
        owner = make_consumer()
        co_owner = make_consumer()
        other = make_consumer()
        staff = make_staff(STAFF)
        org_admin = make_staff(ORG_ADMIN)
        account = b.account("5000000001", owner_name="Иванов Иван Иванович")
        other_account = b.account("5000000002")
    b.link(P.owner, P.account)
    b.link(P.co_owner, P.account)
    b.link(P.other, P.other_account)
    b.commit()
    return P


def _snapshot():
    db.session.expire_all()
    links = tuple(db.session.execute(select(AccountLink.id, AccountLink.unlinked_at, AccountLink.receipt_electronic)
                                     .order_by(AccountLink.id)))
    return links, db.session.scalar(select(func.count()).select_from(AuditRecord).where(
        AuditRecord.action.like("billing.%")))


def _call(client, method, url):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"delivery": "electronic", "branch_id": "1", "number": "5000000001",
                                  "proof": "Иванов"})


@pytest.mark.parametrize("method, route", OBJECT_ROUTES)
@pytest.mark.parametrize("who", ["other", "anonymous", "staff", "org_admin"])
def test_outsiders_get_no_2xx_and_change_nothing(client, login, people, method, route, who):
    if who != "anonymous":
        login(getattr(people, who))
    before = _snapshot()
    response = _call(client, method, route.format(id=people.account.id))
    assert response.status_code in (302, 403, 404), (who, method, route, response.status_code)
    if response.status_code == 302:
        assert not response.location.startswith("/personal-accounts"), response.location
    assert _snapshot() == before


@pytest.mark.parametrize("method, route", OBJECT_ROUTES)
@pytest.mark.parametrize("who", ["owner", "co_owner"])
def test_owner_and_co_owner_may(client, login, people, method, route, who):
    login(getattr(people, who))
    response = _call(client, method, route.format(id=people.account.id))
    assert response.status_code in (200, 302), (who, method, route, response.status_code)


@pytest.mark.parametrize("method, route", CONSUMER_ROUTES)
@pytest.mark.parametrize("who", ["anonymous", "staff", "org_admin"])
def test_consumer_pages_are_consumers_only(client, login, people, method, route, who):
    if who != "anonymous":
        login(getattr(people, who))
    before = _snapshot()
    response = _call(client, method, route)
    assert response.status_code in (302, 403, 404), (who, method, route, response.status_code)
    assert _snapshot() == before


def test_owner_never_sees_another_consumers_account(client, login, people):
    login(people.owner)
    page = client.get("/personal-accounts/").get_data(as_text=True)
    assert "5000000001" in page and "5000000002" not in page
    assert client.get(f"/personal-accounts/{people.other_account.id}/").status_code == 404
    assert client.get("/personal-accounts/999999/").status_code == 404
