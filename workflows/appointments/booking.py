"""«Запись на прием» for the consumer (E4): the booking steps, booking, «Мои записи» and cancelling.

No overbooking: a booked slot is one `appointment_slot` row, its places taken by one conditional
UPDATE … SET booked = booked + 1 WHERE booked < capacity — the database lets exactly as many
bookings through as there are places, however many arrive at once (tests/appointments/
test_booking_concurrency.py). Cancelling gives the place back the same way. Flushes, never commits.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from app.core.errors import Conflict
from app.core.formatting import format_date
from app.core.notifications.notify import notify_user
from app.extensions import db
from app.models import Appointment, AppointmentSlot, AppointmentStatus, ConsumerProfile, Office, Topic, TopicKind
from app.models.base import utcnow
from app.security.access import ensure_consumer, ensure_own_appointment
from workflows.appointments import rules, schedule
from workflows.appointments.transitions import transition

MY_APPOINTMENTS = "/my/appointments/"


def topics(kind: str) -> list[Topic]:
    """The active topics of one kind, in the admin's order."""
    return list(db.session.scalars(select(Topic).where(Topic.kind == kind, Topic.active.is_(True))
                                   .order_by(Topic.sort_order, Topic.name)))


@dataclass
class BookingStep:
    """What the booking page offers after the choices made so far (each step a GET)."""

    topics: list[Topic]
    offices: list[Office]
    topic: Topic | None = None
    office: Office | None = None
    days: list[date] = field(default_factory=list)
    day: date | None = None
    slots: list[schedule.Slot] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    hours: list[str] = field(default_factory=list)


def _chosen(rows, raw) -> object | None:
    wanted = str(raw or "").strip()
    return next((row for row in rows if str(row.id) == wanted), None)


def parse_day(raw) -> date | None:
    try:
        return datetime.strptime(str(raw or "").strip(), "%d.%m.%Y").date()
    except ValueError:
        return None


def booking_step(actor, args: dict, now: datetime | None = None) -> BookingStep:
    """The booking page: topics and offices, then the office's days with free places, then the
    day's free times. A value that is not offered is named under its field."""
    ensure_consumer(actor)
    step = BookingStep(topics(TopicKind.APPOINTMENT), schedule.offices_with_schedules())
    step.topic, step.office = _chosen(step.topics, args.get("topic")), _chosen(step.offices, args.get("office"))
    if args.get("topic") and step.topic is None:
        step.errors["topic"] = _(rules.CHOOSE_TOPIC)
    if args.get("office") and step.office is None:
        step.errors["office"] = _(rules.CHOOSE_OFFICE)
    if step.office is None:
        return step
    office_schedule = schedule.office_schedule(step.office.id)
    step.hours = schedule.describe_hours(office_schedule)
    step.days = schedule.bookable_days(office_schedule, now)
    day = parse_day(args.get("day"))
    if args.get("day") and day not in step.days:
        step.errors["day"] = _(rules.CHOOSE_DAY)
    elif day is not None:
        step.day = day
        step.slots = [slot for slot in schedule.day_slots(office_schedule, day, now=now) if slot.free]
    return step


def _validated(step: BookingStep, raw_time: str, fields: dict) -> schedule.Slot:
    """The chosen slot; Refused naming every field that is missing or not offered."""
    errors = dict(step.errors)
    for name in ("topic", "office", "day"):
        if not fields.get(name):
            errors[name] = _(rules.REQUIRED)
    slot = next((s for s in step.slots if s.label == (raw_time or "").strip()), None)
    if not raw_time:
        errors["time"] = _(rules.REQUIRED)
    elif slot is None and step.day is not None:
        errors["time"] = _(rules.CHOOSE_TIME)
    if errors:
        raise rules.Refused(_(rules.CHECK_FIELDS), errors)
    return slot


def _lock_consumer(consumer_id: int) -> None:
    """One booking of a consumer at a time, so two tabs cannot pass the limit together."""
    db.session.execute(select(ConsumerProfile.id).where(ConsumerProfile.id == consumer_id).with_for_update())


def upcoming(consumer_id: int, now: datetime | None = None):
    return select(Appointment).where(Appointment.consumer_id == consumer_id,
                                     Appointment.status == AppointmentStatus.PLANNED,
                                     Appointment.starts_at > (now or utcnow()))


def _check_limits(consumer_id: int, starts_at: datetime, now: datetime | None) -> None:
    ahead = upcoming(consumer_id, now).subquery()
    if db.session.scalar(select(func.count()).select_from(ahead)) >= rules.MAX_UPCOMING:
        raise rules.Refused(_(rules.TOO_MANY).format(n=rules.MAX_UPCOMING))
    if db.session.scalar(select(func.count()).select_from(ahead).where(ahead.c.starts_at == starts_at)):
        raise rules.Refused(_(rules.SAME_TIME), {"time": _(rules.SAME_TIME)})


def _slot_row(office_id: int, starts_at: datetime, capacity: int) -> int:
    """The slot's row id, created with the schedule's places the first time someone books it."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(AppointmentSlot).values(office_id=office_id, starts_at=starts_at, capacity=capacity,
                                                      booked=0).on_conflict_do_nothing())
    return db.session.scalar(select(AppointmentSlot.id).where(AppointmentSlot.office_id == office_id,
                                                              AppointmentSlot.starts_at == starts_at))


def take_place(slot_id: int) -> bool:
    """Take one place of the slot if one is left: the one statement that prevents overbooking."""
    taken = db.session.execute(update(AppointmentSlot).where(AppointmentSlot.id == slot_id,
                                                             AppointmentSlot.booked < AppointmentSlot.capacity)
                               .values(booked=AppointmentSlot.booked + 1).execution_options(synchronize_session=False))
    return taken.rowcount == 1


def free_place(slot_id: int) -> None:
    db.session.execute(update(AppointmentSlot).where(AppointmentSlot.id == slot_id, AppointmentSlot.booked > 0)
                       .values(booked=AppointmentSlot.booked - 1).execution_options(synchronize_session=False))


def book(actor, fields: dict, now: datetime | None = None) -> Appointment:
    """Book the chosen free slot for the signed-in consumer and send the confirmation.
    `fields`: topic, office, day (ДД.ММ.ГГГГ), time (ЧЧ:ММ) as the form sent them."""
    consumer = ensure_consumer(actor)
    step = booking_step(actor, fields, now)
    slot = _validated(step, fields.get("time", ""), fields)
    _lock_consumer(consumer.id)
    _check_limits(consumer.id, slot.starts_at, now)
    office_schedule = schedule.office_schedule(step.office.id)
    slot_id = _slot_row(step.office.id, slot.starts_at, office_schedule.capacity)
    if not take_place(slot_id):
        raise Conflict(_(rules.SLOT_TAKEN))
    appointment = Appointment(consumer_id=consumer.id, office_id=step.office.id, topic_id=step.topic.id,
                              slot_id=slot_id, starts_at=slot.starts_at, created_at=now or utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(appointment)
    except IntegrityError:  # the same slot booked by this consumer in another tab meanwhile
        raise rules.Refused(_(rules.SAME_TIME), {"time": _(rules.SAME_TIME)}) from None
    notify_user(actor, "appointment_booked", link=MY_APPOINTMENTS, appointment=appointment,
                when=when(appointment), office=step.office, topic=step.topic)
    return appointment


def when(appointment: Appointment) -> str:
    """«15.03.2026 в 10:30» in local time."""
    local = schedule.to_local(appointment.starts_at)
    return f"{format_date(local.date())} в {local:%H:%M}"


@dataclass
class MyAppointments:
    upcoming: list[Appointment]
    past: list[Appointment]
    can_book: bool


def my_appointments(actor, now: datetime | None = None) -> MyAppointments:
    """«Запись на прием»: the consumer's planned appointments ahead, and the rest (latest first)."""
    consumer = ensure_consumer(actor)
    moment = now or utcnow()
    rows = list(db.session.scalars(select(Appointment).where(Appointment.consumer_id == consumer.id)
                                   .order_by(Appointment.starts_at.desc()).limit(200)))
    ahead = [a for a in rows if a.status == AppointmentStatus.PLANNED and a.starts_at > moment]
    return MyAppointments(list(reversed(ahead)), [a for a in rows if a not in ahead],
                          len(ahead) < rules.MAX_UPCOMING)


def cancellable(appointment: Appointment, now: datetime | None = None) -> bool:
    return appointment.status == AppointmentStatus.PLANNED and appointment.starts_at > (now or utcnow())


def appointment_to_cancel(actor, appointment_id: int, now: datetime | None = None) -> Appointment:
    """The consumer's own appointment for «Отменить запись» (404 for anyone else's)."""
    appointment = ensure_own_appointment(actor, appointment_id)
    if not cancellable(appointment, now):
        raise rules.Refused(_(rules.NOT_CANCELLABLE))
    return appointment


def cancel(actor, appointment_id: int, now: datetime | None = None) -> Appointment:
    """«Отменить запись»: the appointment cancelled and its place free for others."""
    appointment = appointment_to_cancel(actor, appointment_id, now)
    transition(appointment, "cancel", actor, now=now)
    free_place(appointment.slot_id)
    return appointment
