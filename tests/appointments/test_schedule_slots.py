"""The office's slots as data: hours, the break, the slot length, the calendar's days off and
moved working days, the places left, the days booking is open; past slots are never offered."""
from datetime import date, time, timedelta

from app.extensions import db
from tests.appointments import builders as b
from tests.factories import make_consumer
from workflows.appointments import booking, schedule

MONDAY = date(2026, 3, 16)


def _labels(office_row, day, now=b.MONDAY_MORNING):
    db.session.expire_all()
    return [s.label for s in schedule.day_slots(schedule.office_schedule(office_row.id), day, now=now)]


def test_slots_run_from_opening_to_closing_and_skip_the_break(ctx):
    row = b.office(slot_minutes=45, hours={1: (time(9), time(15))})
    assert _labels(row, MONDAY + timedelta(days=1)) == ["09:00", "09:45", "10:30", "11:15", "12:00", "14:00"]


def test_a_slot_never_runs_past_closing(ctx):
    row = b.office(slot_minutes=50, breaks=None, hours={1: (time(9), time(11))})
    assert _labels(row, MONDAY + timedelta(days=1)) == ["09:00", "09:50"]  # 10:40 would end at 11:30


def test_closed_weekdays_have_no_slots(ctx):
    row = b.office(weekdays=range(5))
    assert _labels(row, MONDAY + timedelta(days=5)) == []
    assert _labels(row, MONDAY + timedelta(days=4))  # Friday


def test_a_holiday_of_the_calendar_closes_the_office(ctx):
    row = b.office()
    b.day_off(MONDAY + timedelta(days=2))
    assert _labels(row, MONDAY + timedelta(days=2)) == []
    assert _labels(row, MONDAY + timedelta(days=3))


def test_a_moved_working_saturday_takes_the_first_weekdays_hours(ctx):
    row = b.office(weekdays=range(5), hours={0: (time(10), time(12))}, breaks=None)
    b.day_off(MONDAY + timedelta(days=5), working=True)
    assert _labels(row, MONDAY + timedelta(days=5)) == ["10:00", "10:30", "11:00", "11:30"]


def test_todays_past_slots_are_not_offered(ctx):
    row = b.office()
    assert _labels(row, MONDAY)[0] == "10:30"  # now is 10:00


def test_free_places_follow_capacity_and_bookings(ctx):
    row = b.office(capacity=2)
    consumer = make_consumer()
    day = MONDAY + timedelta(days=1)
    fields = {"topic": str(b.topics()[0].id), "office": str(row.id), "day": b.ru(day), "time": "09:00"}
    booking.book(consumer, fields, now=b.MONDAY_MORNING)
    slots = {s.label: s.free for s in schedule.day_slots(schedule.office_schedule(row.id), day, now=b.MONDAY_MORNING)}
    assert slots["09:00"] == 1 and slots["09:30"] == 2


def test_booking_opens_days_ahead_only_and_skips_full_days(ctx):
    row = b.office(days_ahead=3, slot_minutes=240, breaks=None, hours={d: (time(9), time(13)) for d in range(7)})
    days = schedule.bookable_days(schedule.office_schedule(row.id), now=b.MONDAY_MORNING)
    assert days == [MONDAY + timedelta(days=n) for n in (1, 2, 3)]  # today's only slot (09:00) is past


def test_an_office_without_hours_or_inactive_takes_no_bookings(ctx):
    closed = b.office(weekdays=())
    retired = b.office(active=False)
    db.session.expire_all()
    assert schedule.office_schedule(closed.id) is None
    assert schedule.office_schedule(retired.id) is None
    assert closed.id not in [o.id for o in schedule.offices_with_schedules()]
