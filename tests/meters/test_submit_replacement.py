"""Replacing this period's reading (D8) as a property: whatever sequence of submissions — fresh
ones and ones from a page rendered before the last replacement — exactly one live reading remains,
the history chains each replaced reading to its successor, and every stored reading is exported
exactly once, read once by the billing."""
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.core.errors import Conflict
from app.extensions import db
from app.models import ExportItem, MeterReading
from app.models.billing.accounts import ReadingSource
from tests.billing import builders as b
from tests.factories import make_consumer
from workflows.billing import exports
from workflows.meters.readings import ReadingInput, submit_readings

INSIDE = datetime(2026, 3, 20, 9, 0)


@pytest.fixture
def owner(ctx):
    return make_consumer()


def _setup(owner):
    account = b.account()
    meter = b.meter(account)
    b.link(owner, account)
    return account, meter


def _readings(meter):
    return db.session.scalars(select(MeterReading).where(MeterReading.meter_id == meter.id)
                              .order_by(MeterReading.id)).all()


def _exported(meter):
    return [item.payload for item in db.session.scalars(select(ExportItem).order_by(ExportItem.id))
            if item.payload["meter_external_id"] == meter.external_id]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.integers(0, 500), st.booleans()), min_size=1, max_size=5))
def test_after_any_replacements_exactly_one_reading_is_live(owner, steps):
    account, meter = _setup(owner)
    live, value, stored = None, Decimal(100), []
    for extra, stale in steps:
        value += extra
        seen = (stored[-2].id if len(stored) > 1 else None) if stale else (live.id if live else None)
        if stale and seen == (live.id if live else None):
            stale = False  # nothing was replaced since: the page is not stale
        try:
            out = submit_readings(owner, account, [ReadingInput(meter.id, {"T1": str(value)}, seen_live_id=seen)],
                                  now=INSIDE)
        except Conflict:
            assert stale
            continue
        assert not stale and out.ok()
        if out.stored:
            live = out.stored[0]
            stored.append(live)
    db.session.expire_all()
    rows = _readings(meter)
    assert [r.id for r in rows if r.superseded_at is None] == [stored[-1].id]
    assert [r.superseded_by_id for r in rows] == [r.id for r in rows[1:]] + [None]
    assert [p["reading_id"] for p in _exported(meter)] == [r.id for r in rows]
    assert [p["replaces"] for p in _exported(meter)] == [None] + [r.id for r in rows[:-1]]


def test_each_reading_reaches_the_billing_exactly_once(owner):
    account, meter = _setup(owner)
    for value in ("150", "160", "170"):
        current = db.session.scalar(select(MeterReading.id).where(MeterReading.meter_id == meter.id,
                                                                  MeterReading.superseded_at.is_(None)))
        submit_readings(owner, account, [ReadingInput(meter.id, {"T1": value}, seen_live_id=current)], now=INSIDE)
    items, cursor = exports.read("readings", 0, 100)
    assert [i.payload["t1"] for i in items] == ["150", "160", "170"]
    assert exports.read("readings", cursor, 100)[0] == []
    assert {i.payload["period"] for i in items} == {"2026-03-01"}
    assert items[0].payload["branch_code"] == account.branch.code


def test_a_replaced_meter_starts_a_new_series(owner):
    account, old = _setup(owner)
    db.session.add(MeterReading(meter_id=old.id, period=date(2026, 2, 1), taken_on=date(2026, 2, 20),
                                source=ReadingSource.BILLING, t1=Decimal(90_000)))
    old.removed_on = date(2026, 3, 1)
    new = b.meter(account)
    new.installed_on = date(2026, 3, 1)
    db.session.add(MeterReading(meter_id=new.id, period=date(2026, 2, 1), taken_on=date(2026, 3, 1),
                                source=ReadingSource.STAFF, t1=Decimal(5)))
    db.session.flush()
    out = submit_readings(owner, account, [ReadingInput(new.id, {"T1": "40"})], now=INSIDE)
    assert out.ok() and out.stored[0].t1 == Decimal(40) and not out.stored[0].rollover
    lower = submit_readings(owner, account, [ReadingInput(new.id, {"T1": "4"}, seen_live_id=out.stored[0].id)],
                            now=INSIDE)
    assert lower.errors == {(new.id, "T1"): "Показание не принято! Введенные показания меньше ранее переданных "
                                             "показаний. Проверьте корректность ввода"}
