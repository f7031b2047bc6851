"""«Передать показания» reads the same few statements however many meters an account has: every
meter's previous readings in one window-function query, the month's live readings in another."""
from datetime import date
from decimal import Decimal

from sqlalchemy import event

from app.extensions import db
from app.models import MeterReading
from tests.billing import builders as b
from workflows.meters.readings import readings_form


def _statements_for(meters: int) -> int:
    account = b.account()
    for _ in range(meters):
        meter = b.meter(account, zones=2)
        for month in (1, 2, 3):
            db.session.add(_reading(meter, month))
    b.commit()
    db.session.expire_all()
    account = db.session.get(type(account), account.id)
    seen = []

    def count(*_args, **_kwargs):
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        form = readings_form(account)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(form.meters) == meters and all(row.previous is not None for row in form.meters)
    return len(seen)


def _reading(meter, month):
    return MeterReading(meter_id=meter.id, period=date(2026, month, 1), taken_on=date(2026, month, 20),
                        source="billing", t1=Decimal(100 * month), t2=Decimal(50 * month), accepted=True)


def test_the_form_reads_a_fixed_number_of_statements(ctx):
    assert _statements_for(2) == _statements_for(7)
