"""«Передать показания по всем лицевым счетам» (D9): only the accounts whose window is open today
are listed; none open → the seed's message with each branch's days; every account checked on its
own (one refused, the other stored); the questions of all accounts confirmed by one checkbox."""
import re
from datetime import datetime, timezone
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import select

from app.extensions import db
from app.models import MeterReading
from tests.billing import builders as b
from tests.factories import make_consumer
from workflows.billing.periods import add_months, month_start
from workflows.billing.windows import today
from workflows.meters import rules
from workflows.meters.bulk import MSG_NOTHING_TYPED, MSG_ONE_ACCOUNT

URL = "/readings/all"
ALWAYS = (1, 31)


def _closed_days(shift: int = 0) -> tuple[int, int]:
    """A one-day window that is not today."""
    day = (today().day + shift) % 28 + 1
    return day, day


def _meter(acc, digits=6, previous=None):
    meter = b.meter(acc)
    meter.digits = digits
    if previous is not None:
        db.session.add(MeterReading(meter_id=meter.id, period=add_months(month_start(today()), -1),
                                    taken_on=add_months(month_start(today()), -1), source="billing",
                                    t1=Decimal(previous), accepted=True, created_at=datetime(2020, 1, 1)))
    db.session.flush()
    return meter


@pytest.fixture
def world(ctx):
    class W:
        owner = make_consumer()
        open_a = b.account(of_branch=b.branch("01", reading_days=ALWAYS))
        open_b = b.account(of_branch=b.branch("01"))
    b.link(W.owner, W.open_a)
    b.link(W.owner, W.open_b)
    return W


def _stored(meter):
    db.session.expire_all()
    return db.session.scalars(select(MeterReading).where(MeterReading.meter_id == meter.id,
                                                         MeterReading.source == "consumer")).all()


def test_only_accounts_with_an_open_window_are_listed(client, login, world):
    shut = b.account(of_branch=b.branch("02", "Северный филиал", reading_days=_closed_days()))
    b.link(world.owner, shut)
    _meter(world.open_a)
    outside = _meter(shut)
    b.commit()
    login(world.owner)
    html = client.get(URL).get_data(as_text=True)
    listed = re.findall(r'data-test="bulk-account" data-account="(\d+)"', html)
    assert listed == [str(world.open_a.id), str(world.open_b.id)]
    assert 'data-test="window-closed"' not in html and f"reading-{outside.id}-T1" not in html
    # a value sent for the closed account's meter anyway is not read
    response = client.post(URL, data={f"reading-{outside.id}-T1": "5"})
    assert response.status_code == 400 and _stored(outside) == []


def test_none_open_shows_the_message_with_each_branch_days(client, login, ctx):
    owner = make_consumer()
    first, second = _closed_days(), _closed_days(5)
    for code, days in (("11", first), ("12", second), ("13", second)):
        b.link(owner, b.account(of_branch=b.branch(code, f"Филиал {code}", reading_days=days)))
    b.commit()
    login(owner)
    html = client.get(URL).get_data(as_text=True)
    messages = re.findall(r'data-test="window-closed">([^<]*)<', html)
    assert messages == [rules.outside_window_message(*first), rules.outside_window_message(*second)]
    assert f"в период с {first[0]} по {first[1]} число каждого месяца" in messages[0]
    assert 'data-test="bulk-form"' not in html


def test_one_linked_account_is_not_offered(client, login, ctx):
    owner = make_consumer()
    b.link(owner, b.account(of_branch=b.branch("01", reading_days=ALWAYS)))
    b.commit()
    login(owner)
    response = client.get(URL)
    assert response.status_code == 404
    assert MSG_ONE_ACCOUNT in response.get_data(as_text=True)


def test_one_account_refused_the_other_stored_values_kept(client, login, world):
    good, low = _meter(world.open_a, previous="100"), _meter(world.open_b, previous="500")
    b.commit()
    login(world.owner)
    response = client.post(URL, data={f"reading-{good.id}-T1": "150", f"reading-{low.id}-T1": "400"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert [r.t1 for r in _stored(good)] == [Decimal("150")]
    assert _stored(low) == []
    assert rules.LOWER in re.search(rf'data-test="error-reading-{low.id}-T1">([^<]*)<', html).group(1)
    stored = re.search(rf'data-account="{world.open_a.id}">.*?</section>', html, re.S).group(0)
    assert 'data-test="account-stored"' in stored
    refused = re.search(rf'data-account="{world.open_b.id}">.*?</section>', html, re.S).group(0)
    assert 'data-test="account-not-sent"' in refused and 'value="400"' in refused


def test_questions_of_all_accounts_are_confirmed_once(client, login, world):
    first, second = _meter(world.open_a, digits=4, previous="9990"), _meter(world.open_b, digits=4, previous="9980")
    b.commit()
    login(world.owner)
    values = {f"reading-{first.id}-T1": "5", f"reading-{second.id}-T1": "7"}
    html = client.post(URL, data=values).get_data(as_text=True)
    assert f'data-test="question-{first.id}"' in html and f'data-test="question-{second.id}"' in html
    assert html.count('data-test="confirm-all-box"') == 1
    assert _stored(first) == [] and _stored(second) == []
    asked = dict(re.findall(r'name="(asked-\d+)" value="([^"]*)"', html))
    assert set(asked) == {f"asked-{first.id}", f"asked-{second.id}"}
    # the second meter's value changed after its question: asked anew, the first one stored
    changed = dict(values, **{f"reading-{second.id}-T1": "8"})
    html = client.post(URL, data={**changed, **asked, "confirm_all": "y"}).get_data(as_text=True)
    assert [(r.t1, r.rollover) for r in _stored(first)] == [(Decimal("5"), True)]
    assert _stored(second) == [] and f'data-test="question-{second.id}"' in html
    asked = dict(re.findall(r'name="(asked-\d+)" value="([^"]*)"', html))
    response = client.post(URL, data={**changed, **asked, "confirm_all": "y"})
    assert response.status_code == 302
    assert [(r.t1, r.rollover) for r in _stored(second)] == [(Decimal("8"), True)]
    assert len(_stored(first)) == 1  # sent again unchanged: not stored twice


def test_nothing_typed_says_so(client, login, world):
    meter = _meter(world.open_a)
    b.commit()
    login(world.owner)
    response = client.post(URL, data={f"reading-{meter.id}-T1": " "})
    assert response.status_code == 400
    assert MSG_NOTHING_TYPED in response.get_data(as_text=True)


@pytest.mark.parametrize("moment, listed", [
    (datetime(2026, 3, 15, 20, 59, tzinfo=timezone.utc), True),   # 23:59 in Moscow on the last day
    (datetime(2026, 3, 15, 21, 0, tzinfo=timezone.utc), False),   # 00:00 in Moscow the next day
])
def test_moscow_time_decides_which_accounts_are_listed(client, login, ctx, moment, listed):
    with time_machine.travel(moment, tick=False):
        owner = make_consumer()
        on_15th = b.account(of_branch=b.branch("21", "Филиал 21", reading_days=(10, 15)))
        b.link(owner, on_15th)
        b.link(owner, b.account(of_branch=b.branch("22", "Филиал 22", reading_days=(1, 2))))
        b.commit()
        login(owner)
        html = client.get(URL).get_data(as_text=True)
    assert (f'data-account="{on_15th.id}"' in html) is listed
    if not listed:
        assert re.findall(r'data-test="window-closed">([^<]*)<', html) == [
            rules.outside_window_message(10, 15), rules.outside_window_message(1, 2)]
