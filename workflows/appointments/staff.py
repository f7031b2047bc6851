"""The staff's side of «Запись на прием» (E4): the day's schedule of an office, and marking
«Состоялся» / «Не явился». Flushes, never commits."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Appointment, AppointmentStatus, ConsumerProfile, Office
from app.security.access import ensure_organization_row, ensure_organization_user
from workflows.appointments import rules, schedule
from workflows.appointments.transitions import transition


@dataclass
class DaySchedule:
    offices: list[Office]
    office: Office | None
    day: date
    #: (local time «10:30», the appointments of that slot) in time order
    rows: list[tuple[str, list[Appointment]]]
    hours: list[str]
    markable: bool


def offices() -> list[Office]:
    return list(db.session.scalars(select(Office).where(Office.active.is_(True))
                                   .order_by(Office.sort_order, Office.name)))


def day_schedule(actor, office_id: int | None, day: date | None, now: datetime | None = None) -> DaySchedule:
    """The appointments of one office on one day (today and the first office by default)."""
    ensure_organization_user(actor)
    today = schedule.local_now(now).date()
    day = day or today
    choices = offices()
    office = next((o for o in choices if o.id == office_id), None) or (choices[0] if choices else None)
    if office is None:
        return DaySchedule(choices, None, day, [], [], False)
    rows = db.session.scalars(
        select(Appointment).options(joinedload(Appointment.consumer).joinedload(ConsumerProfile.user),
                                    joinedload(Appointment.topic))
        .where(Appointment.office_id == office.id,
               Appointment.starts_at >= schedule.to_utc(day, time.min),
               Appointment.starts_at < schedule.to_utc(day + timedelta(days=1), time.min))
        .order_by(Appointment.starts_at, Appointment.id))
    grouped: dict[str, list[Appointment]] = {}
    for appointment in rows:
        grouped.setdefault(f"{schedule.to_local(appointment.starts_at):%H:%M}", []).append(appointment)
    return DaySchedule(choices, office, day, list(grouped.items()),
                       schedule.describe_hours(schedule.office_schedule(office.id)), day <= today)


def mark(actor, appointment_id: int, outcome: str, now: datetime | None = None) -> Appointment:
    """«Состоялся» / «Не явился» for a planned appointment, on its day or later."""
    appointment = ensure_organization_row(actor, db.session.get(Appointment, appointment_id))
    if outcome not in rules.MARKED:
        raise rules.Refused(_(rules.NOT_MARKABLE))
    if (appointment.status != AppointmentStatus.PLANNED
            or schedule.to_local(appointment.starts_at).date() > schedule.local_now(now).date()):
        raise rules.Refused(_(rules.NOT_MARKABLE))
    transition(appointment, outcome, actor, now=now)
    return appointment


def appointment_for_staff(actor, appointment_id: int) -> Appointment:
    """An appointment for the staff (404 for anyone else)."""
    return ensure_organization_row(actor, db.session.get(Appointment, appointment_id))


def local_day(appointment: Appointment) -> date:
    return schedule.to_local(appointment.starts_at).date()
