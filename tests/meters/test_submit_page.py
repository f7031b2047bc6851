"""«Передать показания» over HTTP (D8): the page, a reading sent and replaced, every refusal under
its field with nothing stored and the typed values kept, questions answered by a checkbox."""
import re
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import func, select

from app.extensions import db
from app.models import ExportItem, MeterReading
from tests.billing import builders as b
from tests.factories import make_consumer
from workflows.meters import rules

#: 20 March 2026, 12:00 in Moscow: inside the default branch's window (15–25)
INSIDE = datetime(2026, 3, 20, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def world(ctx):
    with time_machine.travel(INSIDE, tick=False):
        class W:
            owner = make_consumer()
            account = b.account()
        W.meter = b.meter(W.account)
        W.two = b.meter(W.account, zones=2)
        b.link(W.owner, W.account)
        for n, period in enumerate((date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1))):
            db.session.add(MeterReading(meter_id=W.meter.id, period=period, taken_on=period, source="billing",
                                        t1=Decimal(1200 + 100 * n)))
            db.session.add(MeterReading(meter_id=W.two.id, period=period, taken_on=period, source="billing",
                                        t1=Decimal(500 + 50 * n), t2=Decimal(300 + 20 * n)))
        b.commit()
        W.url = f"/personal-accounts/{W.account.id}/readings"
        yield W


def field(meter, zone="T1"):
    return f"reading-{meter.id}-{zone}"


def _stored():
    db.session.expire_all()
    return db.session.scalars(select(MeterReading).where(MeterReading.source == "consumer")
                              .order_by(MeterReading.id)).all()


def _exports():
    return db.session.scalar(select(func.count()).select_from(ExportItem).where(ExportItem.kind == "readings"))


def test_the_page_shows_zones_previous_values_and_the_days_left(client, login, world):
    login(world.owner)
    page = client.get(world.url).get_data(as_text=True)
    assert "Передать показания" in page and "Сбросить показания" in page
    assert f'name="{field(world.meter)}"' in page and f'name="{field(world.two, "T2")}"' in page
    assert "Т1 (День)" in page and "Т2 (Ночь)" in page
    assert ">1400<" in page and ">600<" in page and ">340<" in page  # the previous values
    assert "До окончания приема показаний 6 дн." in page
    assert "js/meters-submit.js" in page and "<script>" not in page


def test_a_reading_sent_is_accepted_shown_and_replaceable(client, login, world):
    login(world.owner)
    response = client.post(world.url, data={field(world.meter): "1 480", f"seen-{world.meter.id}": "none"})
    assert response.status_code == 302
    page = client.get(world.url).get_data(as_text=True)
    assert "Показания приняты" in page and 'value="1480"' in page and "Передано 20.03.2026" in page
    first = _stored()[0]
    client.post(world.url, data={field(world.meter): "1490", f"seen-{world.meter.id}": str(first.id)})
    readings = _stored()
    assert [(r.t1, r.superseded_by_id) for r in readings] == [(Decimal("1480"), readings[1].id), (Decimal("1490"), None)]
    assert readings[1].change_reason == "Заменено потребителем" and _exports() == 2


@pytest.mark.parametrize("typed, message", [
    ("abc", rules.NOT_A_NUMBER),
    ("-5", rules.NEGATIVE),
    ("1234567", rules.TOO_MANY_DIGITS.format(digits=6)),
    ("1500,5", rules.NO_FRACTION),
    ("1,2,3", rules.NOT_A_NUMBER),
    ("1399", rules.LOWER),
])
def test_an_invalid_value_is_refused_under_its_field_and_nothing_is_stored(client, login, world, typed, message):
    login(world.owner)
    response = client.post(world.url, data={field(world.meter): typed, field(world.two): "700", field(world.two, "T2"): "400"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'data-test="error-{field(world.meter)}">{message}<' in page
    assert f'value="{typed}"' in page and 'value="700"' in page  # what was typed survives
    assert _stored() == [] and _exports() == 0


def test_a_two_zone_meter_needs_both_zones(client, login, world):
    login(world.owner)
    page = client.post(world.url, data={field(world.two): "700"}).get_data(as_text=True)
    assert f'data-test="error-{field(world.two, "T2")}">{rules.EMPTY}<' in page and _stored() == []


def test_every_zone_says_what_is_wrong_with_it_at_once(client, login, world):
    login(world.owner)
    page = client.post(world.url, data={field(world.two): "599", field(world.two, "T2"): "4x"}).get_data(as_text=True)
    assert f'data-test="error-{field(world.two)}">{rules.LOWER}<' in page
    assert f'data-test="error-{field(world.two, "T2")}">{rules.NOT_A_NUMBER}<' in page and _stored() == []


def test_a_plausible_rollover_is_asked_and_accepted_when_confirmed(client, login, world):
    world.meter.digits = 4  # the last reading 9950, then 30: 80 counted through zero
    db.session.add(MeterReading(meter_id=world.meter.id, period=date(2026, 2, 1), taken_on=date(2026, 2, 25),
                                source="billing", t1=Decimal("9950")))
    b.commit()
    login(world.owner)
    page = client.post(world.url, data={field(world.meter): "30"}).get_data(as_text=True)
    assert rules.WRAP_QUESTION in page and rules.WRAP_CONFIRM in page and _stored() == []
    assert 'value="30"' in page
    response = client.post(world.url, data={field(world.meter): "30", "confirm": str(world.meter.id)})
    assert response.status_code == 302
    assert [(r.t1, r.rollover) for r in _stored()] == [(Decimal("30"), True)]


def test_a_jump_far_above_the_usual_is_asked_first(client, login, world):
    login(world.owner)
    page = client.post(world.url, data={field(world.meter): "14000"}).get_data(as_text=True)
    assert "Показания верны?" in page and rules.JUMP_CONFIRM in page and _stored() == []
    client.post(world.url, data={field(world.meter): "14000", "confirm": str(world.meter.id)})
    assert [r.t1 for r in _stored()] == [Decimal("14000")]


def test_automatic_and_expired_meters_take_no_readings(client, login, world):
    auto = b.meter(world.account, auto_read=True)
    old = b.meter(world.account)
    old.verification_due = date(2026, 3, 1)
    gone = b.meter(world.account, removed_on=date(2026, 1, 1), serial="REMOVED-1")
    b.commit()
    login(world.owner)
    page = client.get(world.url).get_data(as_text=True)
    assert rules.AUTO_READ in page and "Истек срок поверки прибора учета 01.03.2026" in page
    assert field(auto) not in page and field(old) not in page and "REMOVED-1" not in page
    assert client.post(world.url, data={field(auto): "5"}).status_code == 400
    assert client.post(world.url, data={field(gone): "5"}).status_code == 400
    assert _stored() == []


@pytest.mark.parametrize("moment, is_open", [
    (datetime(2026, 3, 25, 20, 59), True),   # 23:59 in Moscow on the last day
    (datetime(2026, 3, 25, 21, 0), False),   # 00:00 in Moscow the next day
    (datetime(2026, 3, 14, 21, 0), True),    # 00:00 in Moscow on the first day
])
def test_moscow_time_decides_the_window_on_the_page(client, login, world, moment, is_open):
    with time_machine.travel(moment.replace(tzinfo=timezone.utc), tick=False):
        login(world.owner)
        page = client.get(world.url).get_data(as_text=True)
        response = client.post(world.url, data={field(world.meter): "1480"})
    closed = "Внести показания Вы можете в период с 15 по 25 число каждого месяца" in page
    assert ("До начала приема показаний 20 дн." in page) is (closed and moment.day == 25)
    assert closed is not is_open and (field(world.meter) in page) is is_open
    assert response.status_code == (302 if is_open else 400) and len(_stored()) == int(is_open)


def test_a_second_tab_is_told_the_readings_changed(client, login, world):
    login(world.owner)
    client.post(world.url, data={field(world.meter): "1480", f"seen-{world.meter.id}": "none"})
    response = client.post(world.url, data={field(world.meter): "1500", f"seen-{world.meter.id}": "none"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Показания уже изменены" in page and 'value="1500"' in page
    assert [r.t1 for r in _stored()] == [Decimal("1480")] and _exports() == 1


def test_the_csrf_token_is_required(app, client, login, world):
    login(world.owner)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(world.url, data={field(world.meter): "1480"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400 and _stored() == []


def test_a_double_click_sends_once(client, login, world):
    login(world.owner)
    token = re.search(r'name="form_token" value="([^"]+)"', client.get(world.url).get_data(as_text=True)).group(1)
    data = {field(world.meter): "1480", f"seen-{world.meter.id}": "none", "form_token": token}
    first, second = client.post(world.url, data=data), client.post(world.url, data=data)
    assert (first.status_code, second.status_code) == (302, 302)
    assert [r.t1 for r in _stored()] == [Decimal("1480")] and _exports() == 1
