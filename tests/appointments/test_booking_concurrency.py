"""No overbooking: 100 consumers book the one place of one slot at the same moment, each in its
own transaction on its own connection, every one of them having read the slot as free (the page
they booked from was stale). Exactly one is booked — the conditional UPDATE of appointment_slot
decides — and the other 99 are told the time is taken, nothing of theirs kept.

PostgreSQL only: SQLite serializes writers, so there is no race to lose; on SQLite
tests/appointments/test_booking.py::test_a_full_slot_is_refused_and_the_others_stay_free covers
the full slot and this file's sequential test the stale read."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from app.core.errors import Conflict
from app.extensions import db
from app.models import Appointment, AppointmentSlot, KabinetUser, Notification
from tests.appointments import builders as b
from tests.factories import make_consumer
from workflows.appointments import booking, schedule

BOOKERS = 100


@pytest.fixture
def slot(ctx):
    class S:
        office = b.office(capacity=1)
        topic = b.topics()[0]
        day = b.tomorrow()
        users = [make_consumer(commit=False).id for _ in range(2)]
    db.session.commit()
    S.fields = {"topic": str(S.topic.id), "office": str(S.office.id), "day": b.ru(S.day), "time": "09:00"}
    return S


def _as_if_free(monkeypatch):
    """Every booker read the slot before anyone took it."""
    monkeypatch.setattr(schedule, "booked_places", lambda *args: {})


def _counts(s):
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(Appointment)),
            db.session.scalar(select(AppointmentSlot.booked).where(AppointmentSlot.office_id == s.office.id)),
            db.session.scalar(select(func.count()).select_from(Notification)))


def test_a_stale_read_loses_on_the_conditional_update(slot, monkeypatch):
    _as_if_free(monkeypatch)
    first, second = (db.session.get(KabinetUser, user_id) for user_id in slot.users[:2])
    booking.book(first, slot.fields)
    db.session.commit()
    with pytest.raises(Conflict):
        booking.book(second, slot.fields)
    db.session.rollback()
    assert _counts(slot) == (1, 1, 1)


def test_a_hundred_bookings_of_one_place_at_once_book_one(app, slot, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("100 concurrent bookings need PostgreSQL (SQLite serializes writers); on SQLite "
                    "test_a_stale_read_loses_on_the_conditional_update and test_booking.py::"
                    "test_a_full_slot_is_refused_and_the_others_stay_free cover it")
    slot.users += [make_consumer(commit=False).id for _ in range(BOOKERS - 2)]
    db.session.commit()
    _as_if_free(monkeypatch)
    start = threading.Event()

    def book(user_id):
        with app.app_context():
            start.wait(10)
            try:
                booking.book(db.session.get(KabinetUser, user_id), slot.fields)
                db.session.commit()
                return "booked"
            except Conflict:
                db.session.rollback()
                return "taken"
            except Exception as exc:  # pragma: no cover - shown by the assertion
                db.session.rollback()
                return repr(exc)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=12) as pool:
        futures = [pool.submit(book, user_id) for user_id in slot.users]
        start.set()
        results = [future.result(timeout=120) for future in futures]
    assert results.count("booked") == 1, [r for r in results if r not in ("booked", "taken")]
    assert results.count("taken") == BOOKERS - 1
    assert _counts(slot) == (1, 1, 1)
