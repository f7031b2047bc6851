"""Every route of «Приборы учета» × {owner, co-owner, another consumer, anonymous, staff, org admin}:
no unauthorized 2xx and nothing filed by anyone who may not; a meter or a reading of another
account is «not found» even through one's own account."""
import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.core.files import store_bytes
from app.extensions import db
from app.models import Application, MeterFault, MeterReading
from app.security.roles import ORG_ADMIN, STAFF
from tests.billing import builders as b
from tests.factories import make_consumer, make_staff
from tests.meters.test_cabinet_faults import JPEG, PROFILE
from workflows.meters.faults import seed_meter_fault_type

ROUTES = [
    ("GET", "/personal-accounts/{account}/meters"),
    ("GET", "/personal-accounts/{account}/meters/{meter}/fault"),
    ("POST", "/personal-accounts/{account}/meters/{meter}/fault"),
    ("GET", "/personal-accounts/{account}/meters/history"),
    ("GET", "/personal-accounts/{account}/meters/readings/{reading}/photo"),
]


def _reading(meter, photo=None) -> MeterReading:
    row = MeterReading(meter_id=meter.id, period=date(2026, 1, 1), taken_on=date(2026, 1, 20), source="consumer",
                       t1=Decimal("100"), photo_id=photo.id if photo else None)
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def people(ctx):
    seed_meter_fault_type()

    class P:
        owner = make_consumer(**PROFILE)
        co_owner = make_consumer(**PROFILE)
        other = make_consumer(**PROFILE)
        staff = make_staff(STAFF)
        org_admin = make_staff(ORG_ADMIN)
        account = b.account()
        other_account = b.account()
    P.meter = b.meter(P.account)
    P.other_meter = b.meter(P.other_account)
    P.reading = _reading(P.meter, store_bytes(JPEG, "a.jpg", content_type="image/jpeg"))
    P.other_reading = _reading(P.other_meter, store_bytes(JPEG, "b.jpg", content_type="image/jpeg"))
    b.link(P.owner, P.account)
    b.link(P.co_owner, P.account)
    b.link(P.other, P.other_account)
    b.commit()
    return P


def _url(route, account, meter, reading) -> str:
    return route.format(account=account.id, meter=meter.id, reading=reading.id)


def _call(client, method, url):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"description": "Не работает", "photo": (io.BytesIO(JPEG), "m.jpg")},
                       content_type="multipart/form-data")


def _filed():
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(Application)),
            db.session.scalar(select(func.count()).select_from(MeterFault)))


@pytest.mark.parametrize("who", ["other", "anonymous", "staff", "org_admin"])
def test_outsiders_get_no_2xx_and_file_nothing(client, login, people, who):
    if who != "anonymous":
        login(getattr(people, who))
    for method, route in ROUTES:  # one setup for every route: users are slow to make
        response = _call(client, method, _url(route, people.account, people.meter, people.reading))
        assert response.status_code in (302, 403, 404), (who, method, route, response.status_code)
        if response.status_code == 302:
            assert "/login" in response.location, (who, method, route, response.location)
    assert _filed() == (0, 0)


@pytest.mark.parametrize("who", ["owner", "co_owner"])
def test_owner_and_co_owner_may(client, login, people, who):
    login(getattr(people, who))
    for method, route in ROUTES:
        response = _call(client, method, _url(route, people.account, people.meter, people.reading))
        assert response.status_code == (302 if method == "POST" else 200), (who, method, route, response.status_code)
    assert _filed() == (1, 1)


def test_another_accounts_meter_or_reading_is_not_found_through_ones_own(client, login, people):
    login(people.owner)
    for method, route in ROUTES:
        if "{meter}" in route or "{reading}" in route:
            response = _call(client, method, _url(route, people.account, people.other_meter, people.other_reading))
            assert response.status_code == 404, (method, route, response.status_code)
    assert _filed() == (0, 0)
