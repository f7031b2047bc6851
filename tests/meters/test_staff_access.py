"""Every route of the staff meters page × {the account's owner, another consumer, anonymous, staff,
organization admin, admin}: consumers and visitors get no 2xx and change nothing; people acting
for the organization open and use it; a meter or a reading of another account is 404."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import func, select

from app.core.files import store_bytes
from app.extensions import db
from app.models import ExportItem, MeterReading
from app.security.roles import ADMIN, ORG_ADMIN, STAFF
from tests.billing import builders as b
from tests.factories import make_consumer, make_staff

#: 20 March 2026, 12:00 in Moscow: inside the default branch's window (15–25)
INSIDE = datetime(2026, 3, 20, 9, 0, tzinfo=timezone.utc)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
REASON = "Потребитель ошибся разрядом, сверено по фото"


def reading(meter, period: date, t1, t2=None, *, source="billing", **fields) -> MeterReading:
    row = MeterReading(meter_id=meter.id, period=period, taken_on=fields.pop("taken_on", period), source=source,
                       t1=Decimal(t1), t2=Decimal(t2) if t2 is not None else None, **fields)
    db.session.add(row)
    db.session.flush()
    return row


def build_world():
    """An account with a one-zone meter (the billing's Dec–Feb readings, the owner's March reading
    with a photo) and a two-zone one; another account with a meter and a reading of its own."""
    class W:
        owner = make_consumer()
        other = make_consumer()
        staff = make_staff(STAFF)
        org_admin = make_staff(ORG_ADMIN)
        admin = make_staff(ADMIN)
        account = b.account("5000000001")
        other_account = b.account("5000000002")
    W.meter = b.meter(W.account)
    W.two = b.meter(W.account, zones=2)
    W.other_meter = b.meter(W.other_account)
    b.link(W.owner, W.account)
    b.link(W.other, W.other_account)
    for n, period in enumerate((date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1))):
        W.billing = reading(W.meter, period, 1200 + 100 * n, accepted=True)
        reading(W.two, period, 500 + 50 * n, 300 + 20 * n, accepted=True)
    photo = store_bytes(PNG, "meter.png", content_type="image/png")
    W.sent = reading(W.meter, date(2026, 3, 1), 1480, source="consumer", taken_on=date(2026, 3, 18),
                     submitted_by_id=W.owner.id, photo_id=photo.id)
    W.foreign = reading(W.other_meter, date(2026, 3, 1), 77, source="consumer")
    b.commit()
    W.base = f"/staff/personal-accounts/{W.account.id}"
    return W


@pytest.fixture
def world(ctx):
    with time_machine.travel(INSIDE, tick=False):
        yield build_world()


def routes(w) -> list[tuple[str, str, dict]]:
    """Every route, in an order each of them works in (the correction leaves the March reading
    replaced; the entry is on the two-zone meter, which has no March reading)."""
    return [
        ("GET", f"{w.base}/meters", {}),
        ("GET", f"{w.base}/readings/{w.sent.id}/correct", {}),
        ("POST", f"{w.base}/readings/{w.sent.id}/correct", {"T1": "1470", "reason": REASON}),
        ("GET", f"{w.base}/readings/{w.sent.id}/photo", {}),
        ("GET", f"{w.base}/meters/{w.two.id}/enter", {}),
        ("POST", f"{w.base}/meters/{w.two.id}/enter", {"T1": "620", "T2": "350", "seen": ""}),
    ]


def snapshot():
    db.session.expire_all()
    rows = tuple(db.session.execute(select(MeterReading.id, MeterReading.t1, MeterReading.superseded_at)
                                    .order_by(MeterReading.id)))
    return rows, db.session.scalar(select(func.count()).select_from(ExportItem))


def call(client, method, url, data):
    return client.get(url) if method == "GET" else client.post(url, data=data)


@pytest.mark.parametrize("who", ["owner", "other", "anonymous"])
def test_consumers_and_visitors_get_no_2xx_and_change_nothing(client, login, world, who):
    if who != "anonymous":
        login(getattr(world, who))
    before = snapshot()
    for method, url, data in routes(world):
        response = call(client, method, url, data)
        assert not 200 <= response.status_code < 300, (who, method, url, response.status_code)
    assert snapshot() == before


@pytest.mark.parametrize("who", ["staff", "org_admin", "admin"])
def test_people_of_the_organization_open_and_use_every_route(client, login, world, who):
    login(getattr(world, who))
    for method, url, data in routes(world):
        response = call(client, method, url, data)
        expected = 302 if method == "POST" else 200
        assert response.status_code == expected, (method, url, response.status_code)
        if url.endswith("/photo"):
            assert response.data == PNG and "attachment" in response.headers["Content-Disposition"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(MeterReading).where(
        MeterReading.source == "staff", MeterReading.submitted_by_id == getattr(world, who).id)) == 2


@pytest.mark.parametrize("who", ["staff", "admin"])
def test_another_accounts_meter_or_reading_is_404(client, login, world, who):
    login(getattr(world, who))
    before = snapshot()
    other = f"/staff/personal-accounts/{world.other_account.id}"
    for method, url, data in [
        ("GET", f"{world.base}/meters/{world.other_meter.id}/enter", {}),
        ("POST", f"{world.base}/meters/{world.other_meter.id}/enter", {"T1": "90"}),
        ("GET", f"{world.base}/readings/{world.foreign.id}/correct", {}),
        ("POST", f"{world.base}/readings/{world.foreign.id}/correct", {"T1": "80", "reason": REASON}),
        ("GET", f"{world.base}/readings/{world.foreign.id}/photo", {}),
        ("GET", f"{other}/readings/{world.sent.id}/photo", {}),
        ("GET", "/staff/personal-accounts/999999/meters", {}),
        ("GET", f"{world.base}/readings/999999/correct", {}),
    ]:
        assert call(client, method, url, data).status_code == 404, (method, url)
    assert snapshot() == before


def test_a_reading_without_a_photo_has_no_photo_route(client, login, world):
    login(world.staff)
    assert client.get(f"{world.base}/readings/{world.billing.id}/photo").status_code == 404


def test_the_staff_account_page_links_to_the_meters(client, login, world):
    login(world.staff)
    page = client.get(world.base).get_data(as_text=True)
    assert f'href="{world.base}/meters"' in page and "Приборы учета и показания" in page


def test_both_forms_need_their_csrf_token(app, client, login, world):
    login(world.staff)
    before = snapshot()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        form = client.get(f"{world.base}/meters/{world.two.id}/enter").get_data(as_text=True)
        assert 'name="csrf_token"' in form
        for method, url, data in routes(world):
            if method == "POST":
                assert client.post(url, data=data).status_code == 400, url
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert snapshot() == before
