"""Two submissions of one meter at the same moment (two tabs, two owners): one reading stored, the
other told the readings changed — the partial unique index uq_meter_reading_live decides, caught
in a savepoint. For real on PostgreSQL with two connections; sequentially on SQLite."""
import threading
from types import SimpleNamespace
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.core.errors import Conflict
from app.extensions import db
from app.models import ExportItem, MeterReading, PersonalAccount
from tests.billing import builders as b
from tests.factories import make_consumer
from workflows.meters import readings, rules
from workflows.meters.readings import UNCHECKED, ReadingInput, submit_readings

INSIDE = datetime(2026, 3, 20, 9, 0)


@pytest.fixture
def co_owned(ctx):
    class W:
        first, second = make_consumer(), make_consumer()
        account = b.account()
    W.meter = b.meter(W.account)
    b.link(W.first, W.account)
    b.link(W.second, W.account)
    b.commit()
    return W


def _counts(meter_id):
    db.session.expire_all()
    live = db.session.scalar(select(func.count()).select_from(MeterReading).where(
        MeterReading.meter_id == meter_id, MeterReading.superseded_at.is_(None)))
    return live, db.session.scalar(select(func.count()).select_from(ExportItem))


def test_a_stale_read_loses_on_the_unique_index_and_nothing_of_it_stays(co_owned, monkeypatch):
    w = co_owned
    submit_readings(w.first, w.account, [ReadingInput(w.meter.id, {"T1": "100"})], now=INSIDE)
    b.commit()
    # the second submission read «nothing sent yet» before the first one committed
    monkeypatch.setattr(readings, "live_reading", lambda meter_id, period: None)
    with pytest.raises(Conflict) as lost:
        submit_readings(w.second, w.account, [ReadingInput(w.meter.id, {"T1": "200"}, seen_live_id=UNCHECKED)],
                        now=INSIDE)
    assert lost.value.message == rules.CHANGED
    assert _counts(w.meter.id) == (1, 1)  # the session still works: the savepoint rolled back alone
    assert db.session.scalar(select(MeterReading.t1).where(MeterReading.meter_id == w.meter.id)) == Decimal(100)


def test_a_replacement_of_a_reading_replaced_meanwhile_is_refused(co_owned, monkeypatch):
    w = co_owned
    first = submit_readings(w.first, w.account, [ReadingInput(w.meter.id, {"T1": "100"})], now=INSIDE).stored[0]
    b.commit()
    as_read = SimpleNamespace(id=first.id, t1=Decimal(100), t2=None, t3=None)  # read before the replacement below
    submit_readings(w.first, w.account, [ReadingInput(w.meter.id, {"T1": "110"}, seen_live_id=first.id)], now=INSIDE)
    b.commit()
    # the second owner's check still saw the first reading live; its replacement finds it gone
    monkeypatch.setattr(readings, "live_reading", lambda meter_id, period: as_read)
    with pytest.raises(Conflict):
        submit_readings(w.second, w.account, [ReadingInput(w.meter.id, {"T1": "120"}, seen_live_id=first.id)],
                        now=INSIDE)
    assert _counts(w.meter.id) == (1, 2)


def _race(app, world, values, barrier, results):
    """One submitter on its own connection: both have checked before either stores."""
    def run(user_id, value):
        with app.app_context():
            user = db.session.get(type(world.first), user_id)
            account = db.session.get(PersonalAccount, world.account.id)
            try:
                submit_readings(user, account, [ReadingInput(world.meter.id, {"T1": value}, seen_live_id=None)],
                                now=INSIDE)
                db.session.commit()
                results.append(("stored", value))
            except Conflict as exc:
                db.session.rollback()
                results.append(("conflict", exc.message))
            except Exception as exc:  # pragma: no cover - reported by the assertion below
                db.session.rollback()
                barrier.abort()
                results.append(("error", repr(exc)))
            finally:
                db.session.remove()
    return [threading.Thread(target=run, args=(uid, v)) for uid, v in zip((world.first.id, world.second.id), values)]


def test_two_owners_at_the_same_moment_on_postgresql(app, co_owned, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("two writers at once: PostgreSQL (SQLite serializes them; the test above covers it)")
    barrier, results = threading.Barrier(2, timeout=20), []
    checked_then_store = readings._store_one

    def store_after_both_checked(*args, **kwargs):
        barrier.wait()
        return checked_then_store(*args, **kwargs)

    monkeypatch.setattr(readings, "_store_one", store_after_both_checked)
    threads = _race(app, co_owned, ("100", "200"), barrier, results)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(kind for kind, _ in results) == ["conflict", "stored"], results
    assert ("conflict", rules.CHANGED) in results
    assert _counts(co_owned.meter.id) == (1, 1)
