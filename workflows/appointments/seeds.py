"""Reference data and demo of «Запись на прием» and «Заказ обратного звонка»: the default topics
(seeded once, then the admin's), and for `flask kabinet demo` offices with schedules, one upcoming
appointment and one callback request of the demo consumer. Flushes only."""
from datetime import time

from sqlalchemy import select

from app.extensions import db
from app.models.base import utcnow
from app.models import Appointment, CallbackRequest, KabinetUser, Office, OfficeHours, OfficeSchedule, Topic, TopicKind
from workflows.appointments import booking, rules, schedule

DEMO_OFFICES = [
    ("Центральный офис обслуживания", "г. Казань, ул. Салимжанова, д. 1", "+7 (843) 200-00-01", 2),
    ("Офис обслуживания «Советский»", "г. Казань, ул. Гвардейская, д. 15", "+7 (843) 200-00-02", 1),
]
#: Monday–Thursday 09:00–18:00, Friday to 16:45, lunch 13:00–14:00
DEMO_HOURS = [(weekday, time(9), time(18) if weekday < 4 else time(16, 45)) for weekday in range(5)]


def seed_topics() -> None:
    """The default appointment and callback topics that are missing (an admin edits or retires them)."""
    existing = {(kind, code) for kind, code in db.session.execute(select(Topic.kind, Topic.code))}
    rows = [(TopicKind.APPOINTMENT, code, name) for code, name in rules.APPOINTMENT_TOPICS]
    rows += [(TopicKind.CALLBACK, code, name) for code, name in rules.CALLBACK_TOPICS]
    for order, (kind, code, name) in enumerate(rows):
        if (kind, code) not in existing:
            db.session.add(Topic(kind=kind, code=code, name=name, sort_order=order))
    db.session.flush()


def _demo_office(name: str, address: str, phone: str, capacity: int) -> Office:
    office = db.session.scalar(select(Office).where(Office.name == name))
    if office is None:
        office = Office(name=name, address=address, phone=phone, work_hours="пн–чт 9:00–18:00, пт 9:00–16:45")
        db.session.add(office)
        db.session.flush()
    _demo_schedule(office, capacity)
    return office


def _demo_schedule(office: Office, capacity: int = 1) -> None:
    """The demo hours for an office without a schedule."""
    if db.session.get(OfficeSchedule, office.id) is not None:
        return
    db.session.add(OfficeSchedule(office_id=office.id, slot_minutes=30, capacity=capacity, days_ahead=14))
    db.session.flush()
    for weekday, opens, closes in DEMO_HOURS:
        db.session.add(OfficeHours(office_id=office.id, weekday=weekday, opens=opens, closes=closes,
                                   break_from=time(13), break_to=time(14)))
    db.session.flush()


def create_demo(email: str) -> bool:
    """Demo offices, and a schedule for every active office; the demo consumer `email` gets an
    appointment and a callback request unless they have some. True when the consumer got them."""
    seed_topics()
    offices = [_demo_office(*row) for row in DEMO_OFFICES]
    for office in db.session.scalars(select(Office).where(Office.active.is_(True))).all():
        _demo_schedule(office)  # offices another area's demo added receive too
    user = db.session.scalar(select(KabinetUser).where(KabinetUser.email == email))
    if user is None or user.consumer is None:
        return False
    consumer_id = user.consumer.id
    if db.session.scalar(select(Appointment.id).where(Appointment.consumer_id == consumer_id).limit(1)):
        return False
    office_schedule = schedule.office_schedule(offices[0].id)
    days = schedule.bookable_days(office_schedule)
    day = next((d for d in days if d > schedule.local_now().date()), None)
    if day is None:
        return False
    slot = next(s for s in schedule.day_slots(office_schedule, day) if s.free)
    topic = booking.topics(TopicKind.APPOINTMENT)[0]
    booking.book(user, {"topic": str(topic.id), "office": str(offices[0].id), "day": day.strftime("%d.%m.%Y"),
                        "time": slot.label})
    callback_topic = booking.topics(TopicKind.CALLBACK)[0]
    db.session.add(CallbackRequest(consumer_id=consumer_id, topic_id=callback_topic.id,
                                   phone=user.phone or "+79120000001", call_day=day, call_interval="09-12",
                                   comment="Хочу уточнить начисления за прошлый месяц", created_at=utcnow()))
    db.session.flush()
    return True
