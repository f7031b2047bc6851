"""Readings made in the portal come back from the billing accepted (issue 14): a readings file
whose rows carry `portal_id` (the id the export gave the reading) marks those readings
«принято к расчету» without storing a copy; an unknown id, another meter's reading or other
values refuse the row with the reason; a row without `portal_id` is the billing's own reading."""
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import MeterReading
from app.models.billing import ReadingSource
from tests.billing import builders as b
from tests.billing.test_import_samples import import_file
from workflows.billing.imports import commands, error_rows, progress

HEADER = "reading;meter;period;taken_on;t1;t2;t3;portal_id\n"


def _portal_reading(meter, t1: str, t2: str | None = None, *, source=ReadingSource.CONSUMER, **fields):
    fields = {"period": date(2026, 11, 1), "taken_on": date(2026, 11, 20), **fields}
    row = MeterReading(meter_id=meter.id, source=source, t1=Decimal(t1), t2=Decimal(t2) if t2 else None, **fields)
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def portal(ctx):
    """Two meters (one of two zones) with readings made in the portal, and one the billing sent."""
    account = b.account()
    day_night, single = b.meter(account, zones=2), b.meter(account)
    readings = {
        "consumer": _portal_reading(day_night, "12570", "5325.5"),
        "staff": _portal_reading(single, "800", source=ReadingSource.STAFF),
        "replaced": _portal_reading(single, "790", period=date(2026, 10, 1), superseded_at=datetime(2026, 11, 1)),
        "billing": _portal_reading(single, "700", source=ReadingSource.BILLING, external_id="B-1",
                                   period=date(2026, 9, 1), accepted=True),
    }
    b.commit()
    return {"meters": (day_night, single), "readings": readings}


def _line(reading_id: str, meter, t1: str, t2: str = "", portal_id="") -> str:
    return f"{reading_id};{meter.external_id};11.2026;20.11.2026;{t1};{t2};;{portal_id}\n"


def _accepted() -> dict[int, bool]:
    db.session.expire_all()
    return dict(db.session.execute(select(MeterReading.id, MeterReading.accepted)).all())


def test_rows_with_portal_id_mark_those_readings_accepted_and_store_no_copy(portal):
    (day_night, single), r = portal["meters"], portal["readings"]
    data = (HEADER + _line("B-10", day_night, "12 570,000", "5325,5", r["consumer"].id)
            + _line("B-11", single, "800", portal_id=r["staff"].id)
            + _line("B-12", single, "790", portal_id=r["replaced"].id)  # history may be accepted too
            + _line("B-13", single, "820"))  # the billing's own reading: stored as before
    run = import_file("readings", "readings.csv", data.encode("cp1251"))
    assert (run.errors, run.updated, run.created) == (0, 3, 1), progress(run)
    accepted = _accepted()
    assert all(accepted[r[name].id] for name in ("consumer", "staff", "replaced", "billing"))
    assert db.session.scalar(select(func.count()).select_from(MeterReading)) == 5
    own = db.session.scalar(select(MeterReading).where(MeterReading.external_id == "B-13"))
    assert own.source == ReadingSource.BILLING and own.accepted and own.t1 == Decimal("820")
    assert db.session.scalar(select(MeterReading.external_id).where(MeterReading.id == r["staff"].id)) is None

    again = import_file("readings", "readings.csv", data.encode("utf-8"))  # the billing sends it twice
    assert (again.errors, again.created, again.updated, again.unchanged) == (0, 0, 0, 4)


def test_unknown_foreign_or_different_rows_are_refused_with_the_reason(portal):
    (day_night, single), r = portal["meters"], portal["readings"]
    data = (HEADER + _line("B-20", single, "800", portal_id=999999)
            + _line("B-21", single, "700", portal_id=r["billing"].id)  # not a portal reading
            + _line("B-22", single, "12570", "5325,5", r["consumer"].id)  # another meter's
            + _line("B-23", day_night, "12570", "5326", r["consumer"].id)
            + _line("B-24", single, "800", portal_id="-1"))
    run = import_file("readings", "readings.csv", data.encode("utf-8"))
    assert (run.errors, run.created, run.updated) == (5, 0, 0)
    reasons = {row.row_number: (row.column, row.reason) for row in error_rows(run)}
    assert reasons[2] == reasons[3] == ("portal_id", "Показание портала с таким номером не найдено")
    assert reasons[4] == ("meter", f"Показание портала {r['consumer'].id} относится к другому прибору учета")
    assert reasons[5] == ("t2", f"Значения не совпадают с показанием портала {r['consumer'].id}: T2")
    assert reasons[6][0] == "portal_id" and "целое неотрицательное" in reasons[6][1]
    accepted = _accepted()
    assert not accepted[r["consumer"].id] and not accepted[r["staff"].id]
    assert db.session.scalar(select(func.count()).select_from(MeterReading)) == 4


def test_one_update_per_batch(portal, monkeypatch):
    (day_night, single), r = portal["meters"], portal["readings"]
    monkeypatch.setattr(commands, "BATCH_ROWS", 2)
    statements = []
    from sqlalchemy import event

    def seen(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("UPDATE METER_READING"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        data = (HEADER + _line("B-30", day_night, "12570", "5325,5", r["consumer"].id)
                + _line("B-31", single, "800", portal_id=r["staff"].id)
                + _line("B-32", single, "790", portal_id=r["replaced"].id))
        run = import_file("readings", "readings.csv", data.encode("utf-8"))
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert run.errors == 0 and run.updated == 3
    assert len(statements) == 2  # two batches, one UPDATE … WHERE id IN each
