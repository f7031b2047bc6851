"""«Статистика» (D7): consumption per month and zone = the month's reading − the previous one
(accepted readings first), a confirmed rollover adds 10**digits, a replaced meter starts its own
series, the period is limited to 3 years; payments by month; one HTTP round trip per case."""
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.extensions import db
from app.models import MeterReading
from tests.billing import builders as b
from tests.factories import make_consumer
from workflows.billing.periods import add_months, month_start
from workflows.billing.windows import today
from workflows.meters.statistics import Point, consumption


def reading(meter, period, t1, t2=None, *, source="billing", accepted=True, rollover=False, created=None,
            superseded=False):
    row = MeterReading(meter_id=meter.id, period=period, taken_on=period + timedelta(days=20), source=source,
                       t1=Decimal(t1), t2=Decimal(t2) if t2 is not None else None, accepted=accepted,
                       rollover=rollover, created_at=created or datetime(2020, 1, 1),
                       superseded_at=datetime(2020, 1, 2) if superseded else None)
    db.session.add(row)
    db.session.flush()
    return row


def make_meter(acc, *, zones=1, of_service=None, **fields):
    """A meter of `acc`; `fields` (digits, installed_on, …) set over the builder's defaults."""
    row = b.meter(acc, zones=zones, of_service=of_service)
    for name, value in fields.items():
        setattr(row, name, value)
    db.session.flush()
    return row


@pytest.fixture
def home(ctx):
    class H:
        owner = make_consumer()
        account = b.account()
        now = month_start(today())
    b.link(H.owner, H.account)
    H.months = [add_months(H.now, -i) for i in (5, 4, 3, 2, 1, 0)]
    return H


def _page(client, login, home, **args):
    b.commit()
    login(home.owner)
    query = {"period_from": home.months[0].strftime("%Y-%m"), "period_to": home.now.strftime("%Y-%m"), **args}
    return client.get(f"/personal-accounts/{home.account.id}/statistics", query_string=query)


def _cells(html: str) -> dict:
    """(YYYY-MM, zone) → the consumption shown; only filled cells."""
    found = {}
    for month, row in re.findall(r'data-month="([\d-]+)"><td>[^<]*</td>(.*?)</tr>', html, re.S):
        for zone, value in re.findall(r'data-zone="(T\d)"[^>]*>([^<]*)</td>', row):
            if value:
                found[(month, zone)] = found.get((month, zone), "") + value
    return found


def _m(month: date) -> str:
    return month.strftime("%Y-%m")


def test_two_zones_by_month_accepted_reading_wins_superseded_ignored(client, login, home):
    meter = make_meter(home.account, zones=2)
    m = home.months
    reading(meter, m[0], "1000", "500")
    reading(meter, m[1], "1120", "540")
    reading(meter, m[2], "1300", "600", source="consumer", accepted=False, created=datetime(2020, 5, 1))
    reading(meter, m[2], "1250", "590")  # accepted by the billing: counts
    reading(meter, m[3], "9999", "9999", source="consumer", accepted=False, superseded=True)
    reading(meter, m[3], "1400", "610", source="consumer", accepted=False)
    response = _page(client, login, home)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _cells(html) == {(_m(m[1]), "T1"): "120", (_m(m[1]), "T2"): "40", (_m(m[2]), "T1"): "130",
                            (_m(m[2]), "T2"): "50", (_m(m[3]), "T1"): "150", (_m(m[3]), "T2"): "20"}
    assert "Т1 (День)" in html and "Т2 (Ночь)" in html
    assert 'id="meters-chart-data"' in html and "chart-consumption" in html


def test_the_base_of_the_first_month_is_the_latest_reading_before_it(client, login, home):
    meter = make_meter(home.account)
    reading(meter, add_months(home.months[0], -4), "100")
    reading(meter, add_months(home.months[0], -2), "200")
    reading(meter, home.months[0], "260")
    cells = _cells(_page(client, login, home).get_data(as_text=True))
    assert cells == {(_m(home.months[0]), "T1"): "60"}


def test_confirmed_rollover_adds_ten_to_the_digits_unconfirmed_is_not_counted(client, login, home):
    wrapped = make_meter(home.account, digits=4, of_service=b.service("EL"))
    odd = make_meter(home.account, digits=4, of_service=b.service("HW", "Горячее водоснабжение", "м³"))
    m = home.months
    reading(wrapped, m[0], "9950")
    reading(wrapped, m[1], "30", source="consumer", accepted=False, rollover=True)
    reading(odd, m[0], "500")
    reading(odd, m[1], "400")
    cells = _cells(_page(client, login, home).get_data(as_text=True))
    assert cells == {(_m(m[1]), "T1"): "80"}


def test_a_replaced_meter_starts_a_new_series_summed_by_service(client, login, home):
    old = make_meter(home.account, removed_on=home.months[2])
    new = make_meter(home.account, installed_on=home.months[2])
    m = home.months
    reading(old, m[0], "100500")
    reading(old, m[1], "100650")
    reading(new, m[2], "3")  # the new meter's first reading only starts its series
    reading(new, m[3], "43")
    cells = _cells(_page(client, login, home).get_data(as_text=True))
    assert cells == {(_m(m[1]), "T1"): "150", (_m(m[3]), "T1"): "40"}


def test_service_and_zone_filters(client, login, home):
    power = make_meter(home.account, zones=2)
    water = make_meter(home.account, of_service=b.service("CW", "Холодное водоснабжение", "м³"))
    m = home.months
    reading(power, m[0], "10", "20")
    reading(power, m[1], "15", "27")
    reading(water, m[0], "1,5".replace(",", "."))
    reading(water, m[1], "3.75")
    html = _page(client, login, home, service=str(water.service_id)).get_data(as_text=True)
    assert _cells(html) == {(_m(m[1]), "T1"): "2,25"} and "Холодное водоснабжение, м³" in html
    html = _page(client, login, home, zone="T2").get_data(as_text=True)
    assert _cells(html) == {(_m(m[1]), "T2"): "7"}


def test_payments_by_month(client, login, home):
    b.payment(home.account, home.months[1] + timedelta(days=3), "1000.50")
    b.payment(home.account, home.months[1] + timedelta(days=9), "234.00")
    b.payment(home.account, add_months(home.months[0], -1), "99.00")  # before the period
    html = _page(client, login, home).get_data(as_text=True)
    paid = re.findall(r'data-month="([\d-]+)"><td>[^<]*</td><td data-test="paid">([^<]*)<', html)
    assert paid == [(_m(home.months[1]), "1\u00a0234,50\u00a0руб.")]


@pytest.mark.parametrize("field, months_back_from, months_back_to, message", [
    ("period_from", 37, 0, "Статистика доступна за последние 3 года"),
    ("period_to", 2, -1, "Период не может заканчиваться позже текущего месяца"),
    ("period_to", 2, 3, "Конец периода не может быть раньше его начала"),
])
def test_period_beyond_the_rules_says_why_under_the_field(client, login, home, field, months_back_from,
                                                          months_back_to, message):
    response = _page(client, login, home, period_from=_m(add_months(home.now, -months_back_from)),
                     period_to=_m(add_months(home.now, -months_back_to)))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in re.search(rf'data-test="error-{field}">([^<]*)<', html).group(1)
    assert "consumption-table" not in html


def test_three_years_back_is_allowed(client, login, home):
    response = _page(client, login, home, period_from=_m(add_months(home.now, -36)), chart="bar")
    assert response.status_code == 200
    assert '"type": "bar"' in response.get_data(as_text=True)


@settings(max_examples=60, deadline=None)
@given(st.integers(4, 8), st.lists(st.integers(0, 5000), min_size=2, max_size=8), st.integers(0, 10**4))
def test_consumption_adds_up_across_a_confirmed_wrap(digits, steps, start):
    """Whatever the steps, the month's consumption is the step, also when the meter wrapped."""
    limit = 10 ** digits
    value, points = start % limit, []
    for i, step in enumerate(steps):
        wrapped = value + step >= limit if i else False
        value = (value + step) % limit if i else value
        points.append(Point(date(2020, 1 + i, 1), {"T1": Decimal(value)}, wrapped))
    used = consumption(points, digits)
    assert [used[p.period]["T1"] for p in points[1:]] == [Decimal(s) for s in steps[1:]]


def test_a_tampered_zone_or_chart_type_shows_everything_as_a_line(client, login, home):
    meter = make_meter(home.account)
    reading(meter, home.months[0], "10")
    reading(meter, home.months[1], "12")
    response = _page(client, login, home, zone="T9", chart="pie", service="x")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Not a valid" not in html
    assert _cells(html) == {(_m(home.months[1]), "T1"): "2"} and '"type": "line"' in html
