"""«Передать показания по всем лицевым счетам» × {owner, another consumer, anonymous, staff, org
admin}: a consumer sees and sends only through their own links; everyone else gets no 2xx and
stores nothing."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import MeterReading
from app.security.roles import ORG_ADMIN, STAFF
from tests.billing import builders as b
from tests.factories import make_consumer, make_staff

URL = "/readings/all"


@pytest.fixture
def people(ctx):
    class P:
        owner = make_consumer()
        other = make_consumer()
        staff = make_staff(STAFF)
        org_admin = make_staff(ORG_ADMIN)
        mine = [b.account(of_branch=b.branch("01", reading_days=(1, 31))) for _ in range(2)]
        theirs = [b.account(of_branch=b.branch("01")) for _ in range(2)]
    for acc in P.mine:
        b.link(P.owner, acc)
    for acc in P.theirs:
        b.link(P.other, acc)
    P.meter = b.meter(P.mine[0])
    P.their_meter = b.meter(P.theirs[0])
    b.commit()
    return P


def _readings():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(MeterReading))


@pytest.mark.parametrize("who", ["anonymous", "staff", "org_admin"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_not_consumers_get_no_2xx(client, login, people, who, method):
    if who != "anonymous":
        login(getattr(people, who))
    response = client.open(URL, method=method, data={f"reading-{people.meter.id}-T1": "5"})
    assert response.status_code in (302, 403, 404), (who, method, response.status_code)
    if response.status_code == 302:
        assert response.location.startswith("/login/"), response.location
    assert _readings() == 0


def test_another_consumer_sees_only_their_accounts_and_cannot_send_for_mine(client, login, people):
    login(people.other)
    html = client.get(URL).get_data(as_text=True)
    assert people.mine[0].number not in html and people.theirs[0].number in html
    response = client.post(URL, data={f"reading-{people.meter.id}-T1": "5"})
    assert response.status_code == 400
    assert _readings() == 0


def test_the_owner_sends(client, login, people):
    login(people.owner)
    assert client.get(URL).status_code == 200
    assert client.post(URL, data={f"reading-{people.meter.id}-T1": "5"}).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(MeterReading.t1).where(MeterReading.meter_id == people.meter.id)) == Decimal(5)
