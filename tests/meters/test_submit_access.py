"""«Передать показания» × {owner, co-owner, another consumer, anonymous, staff}: no unauthorized
2xx, and nothing stored by anyone who may not."""
from datetime import datetime, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from app.extensions import db
from app.models import AccountLink, ExportItem, MeterReading
from app.security.roles import ORG_ADMIN, STAFF
from tests.billing import builders as b
from tests.factories import make_consumer, make_staff

#: inside the default branch's window (15–25), Moscow time
INSIDE = datetime(2026, 3, 20, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def people(ctx):
    with time_machine.travel(INSIDE, tick=False):
        class P:
            owner = make_consumer()
            co_owner = make_consumer()
            other = make_consumer()
            staff = make_staff(STAFF)
            org_admin = make_staff(ORG_ADMIN)
            account = b.account()
            other_account = b.account()
        P.meter = b.meter(P.account)
        b.link(P.owner, P.account)
        b.link(P.co_owner, P.account)
        b.link(P.other, P.other_account)
        b.commit()
        P.url = f"/personal-accounts/{P.account.id}/readings"
        yield P


def _count():
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(MeterReading)),
            db.session.scalar(select(func.count()).select_from(ExportItem)))


def _call(client, people, method):
    if method == "GET":
        return client.get(people.url)
    return client.post(people.url, data={f"reading-{people.meter.id}-T1": "100", f"seen-{people.meter.id}": "none"})


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("who", ["other", "anonymous", "staff", "org_admin"])
def test_outsiders_get_no_2xx_and_store_nothing(client, login, people, method, who):
    if who != "anonymous":
        login(getattr(people, who))
    response = _call(client, people, method)
    assert response.status_code in (302, 403, 404), (who, method, response.status_code)
    if response.status_code == 302:
        assert response.location.startswith("/login/"), response.location
    assert _count() == (0, 0)


@pytest.mark.parametrize("who", ["owner", "co_owner"])
def test_owner_and_co_owner_may_send(client, login, people, who):
    login(getattr(people, who))
    assert client.get(people.url).status_code == 200
    response = _call(client, people, "POST")
    assert response.status_code == 302 and response.location.endswith(people.url)
    assert _count() == (1, 1)


def test_a_meter_of_another_account_is_not_found(client, login, people):
    foreign = b.meter(people.other_account)
    b.commit()
    login(people.owner)
    response = client.post(people.url, data={f"reading-{foreign.id}-T1": "100"})
    assert response.status_code in (400, 404) and _count() == (0, 0)
    assert client.get(f"/personal-accounts/{people.other_account.id}/readings").status_code == 404


def test_an_unlinked_owner_is_refused(client, login, people):
    link = db.session.scalar(select(AccountLink).where(AccountLink.consumer_id == people.owner.consumer.id))
    link.unlinked_at = datetime(2026, 3, 19)
    b.commit()
    login(people.owner)
    assert client.get(people.url).status_code == 404
    assert _call(client, people, "POST").status_code == 404 and _count() == (0, 0)
