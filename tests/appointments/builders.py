"""Rows of «Запись на прием» for tests: an office with a schedule, the topics, a booked
appointment, a callback request. Every builder flushes; the test commits before requests read."""
import itertools
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AppointmentSlot,
    CalendarDay,
    CallbackRequest,
    Office,
    OfficeHours,
    OfficeSchedule,
    Topic,
    TopicKind,
)
from workflows.appointments import schedule
from workflows.appointments.seeds import seed_topics

_counter = itertools.count(1)
#: a Monday, 10:00 Moscow (07:00 UTC): «now» of the workflow tests
MONDAY_MORNING = datetime(2026, 3, 16, 7, 0)


def office(*, capacity=1, slot_minutes=30, days_ahead=14, hours=None, breaks=(time(13), time(14)),
           weekdays=range(7), active=True) -> Office:
    """An office receiving 09:00–18:00 (lunch 13–14) every day of `weekdays` unless `hours` say
    otherwise ({weekday: (opens, closes)})."""
    n = next(_counter)
    row = Office(name=f"Офис обслуживания № {n}", address=f"г. Казань, ул. Тестовая, д. {n}",
                 phone="+7 (843) 200-00-00", active=active)
    db.session.add(row)
    db.session.flush()
    db.session.add(OfficeSchedule(office_id=row.id, slot_minutes=slot_minutes, capacity=capacity,
                                  days_ahead=days_ahead))
    db.session.flush()
    for weekday in weekdays:
        opens, closes = (hours or {}).get(weekday, (time(9), time(18)))
        db.session.add(OfficeHours(office_id=row.id, weekday=weekday, opens=opens, closes=closes,
                                   break_from=breaks[0] if breaks else None, break_to=breaks[1] if breaks else None))
    db.session.flush()
    db.session.expire(row)
    return row


def topics() -> tuple[Topic, Topic]:
    """(the first appointment topic, the first callback topic), seeded."""
    seed_topics()
    pick = lambda kind: db.session.scalar(select(Topic).where(Topic.kind == kind).order_by(Topic.sort_order))  # noqa: E731
    return pick(TopicKind.APPOINTMENT), pick(TopicKind.CALLBACK)


def day_off(day: date, working: bool = False) -> None:
    db.session.add(CalendarDay(day=day, is_working=working, note="тест"))
    db.session.flush()


def tomorrow() -> date:
    return schedule.local_now().date() + timedelta(days=1)


def ru(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def booked(office_row: Office, day: date, at: str) -> int:
    """Places taken in the office's slot (0 when nobody booked it)."""
    db.session.expire_all()
    starts_at = schedule.to_utc(day, datetime.strptime(at, "%H:%M").time())
    return db.session.scalar(select(AppointmentSlot.booked).where(
        AppointmentSlot.office_id == office_row.id, AppointmentSlot.starts_at == starts_at)) or 0


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def callback(user, topic: Topic, **fields) -> CallbackRequest:
    row = CallbackRequest(consumer_id=user.consumer.id, topic_id=topic.id, phone=user.phone or "+79120000000",
                          call_day=fields.pop("call_day", tomorrow()), call_interval="09-12", **fields)
    db.session.add(row)
    db.session.flush()
    return row

