"""submit_readings for one account: stored, replaced, refused, asked — and exported once each."""
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.core.errors import Conflict, Invalid
from app.extensions import db
from app.models import AuditRecord, ExportItem, MeterReading
from app.models.billing.accounts import ReadingSource
from tests.billing import builders as b
from tests.factories import make_consumer
from workflows.meters import rules
from workflows.meters.readings import ReadingInput, readings_form, submit_readings

#: inside the default branch's window (15–25), Moscow noon
INSIDE = datetime(2026, 3, 20, 9, 0)


def _reading(meter, period, t1, *, source=ReadingSource.BILLING, t2=None, **fields):
    row = MeterReading(meter_id=meter.id, period=period, taken_on=period.replace(day=20), source=source,
                       t1=Decimal(t1), t2=Decimal(t2) if t2 else None, **fields)
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def setup(ctx):
    class S:
        user = make_consumer()
        account = b.account()
    S.meter = b.meter(S.account)
    b.link(S.user, S.account)
    for month, value in ((10, "1000"), (11, "1100"), (12, "1200")):
        _reading(S.meter, date(2025, month, 1), value)
    _reading(S.meter, date(2026, 1, 1), "1300")
    _reading(S.meter, date(2026, 2, 1), "1400")
    b.commit()
    return S


def _live(meter):
    return db.session.scalars(select(MeterReading).where(MeterReading.meter_id == meter.id,
                                                         MeterReading.superseded_at.is_(None),
                                                         MeterReading.source == "consumer")).all()


def _exported():
    return [item.payload for item in db.session.scalars(select(ExportItem).where(ExportItem.kind == "readings"))]


def test_a_reading_is_stored_exported_and_audited_once(setup):
    out = submit_readings(setup.user, setup.account, [ReadingInput(setup.meter.id, {"T1": "1 480,0"})], now=INSIDE)
    assert out.ok() and len(out.stored) == 1
    reading = out.stored[0]
    assert (reading.t1, reading.period, reading.taken_on, reading.source) == (
        Decimal("1480"), date(2026, 3, 1), date(2026, 3, 20), "consumer")
    payloads = _exported()
    assert len(payloads) == 1
    assert payloads[0]["reading_id"] == reading.id and payloads[0]["replaces"] is None
    assert payloads[0]["meter_external_id"] == setup.meter.external_id
    assert payloads[0]["account_number"] == setup.account.number and payloads[0]["t1"] == "1480"
    assert db.session.scalar(select(func.count()).select_from(AuditRecord)
                             .where(AuditRecord.action == "meter_reading.submit")) == 1


def test_a_replacement_supersedes_and_exports_the_new_one_only(setup):
    first = submit_readings(setup.user, setup.account, [ReadingInput(setup.meter.id, {"T1": "1480"})],
                            now=INSIDE).stored[0]
    form = readings_form(setup.account, now=INSIDE)
    assert form.meters[0].live.id == first.id
    out = submit_readings(setup.user, setup.account,
                          [ReadingInput(setup.meter.id, {"T1": "1490"}, seen_live_id=first.id)], now=INSIDE)
    second = out.stored[0]
    db.session.expire_all()
    assert [r.id for r in _live(setup.meter)] == [second.id]
    old = db.session.get(MeterReading, first.id)
    assert old.superseded_at is not None and old.superseded_by_id == second.id
    assert second.change_reason == rules.REPLACED_BY_CONSUMER
    assert [p["replaces"] for p in _exported()] == [None, first.id]


def test_a_page_rendered_before_someone_else_replaced_it_is_refused(setup):
    submit_readings(setup.user, setup.account, [ReadingInput(setup.meter.id, {"T1": "1480"})], now=INSIDE)
    with pytest.raises(Conflict):
        submit_readings(setup.user, setup.account,
                        [ReadingInput(setup.meter.id, {"T1": "1490"}, seen_live_id=None)], now=INSIDE)


def test_lower_than_previous_is_refused_and_nothing_stored(setup):
    out = submit_readings(setup.user, setup.account, [ReadingInput(setup.meter.id, {"T1": "1399"})], now=INSIDE)
    assert out.errors == {(setup.meter.id, "T1"): rules.LOWER} and not out.stored
    assert _live(setup.meter) == [] and _exported() == []


def test_outside_the_window_says_the_branch_days(setup):
    with pytest.raises(Invalid) as refused:
        submit_readings(setup.user, setup.account, [ReadingInput(setup.meter.id, {"T1": "1480"})],
                        now=datetime(2026, 3, 26, 9, 0))
    assert "в период с 15 по 25 число" in refused.value.message
