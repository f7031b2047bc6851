"""«Расписание офисов» (E4, under «Администрирование»): an office's reception hours per weekday,
the slot length, places per slot and how many days ahead booking opens — checked field by field,
audited. Flushes, never commits."""
from dataclasses import dataclass
from datetime import datetime, time

from flask_babel import gettext as _
from sqlalchemy import case, select, update

from app.core.audit import record as audit
from app.extensions import db
from app.models import AppointmentSlot, Office, OfficeHours, OfficeSchedule
from app.models.base import utcnow
from app.security.access import ensure_organization_row
from workflows.appointments import rules, schedule

DEFAULTS = {"slot_minutes": 30, "capacity": 1, "days_ahead": 14}
#: the form's names of one weekday's four times
PARTS = ("opens", "closes", "break_from", "break_to")


def field_name(weekday: int, part: str) -> str:
    return f"d{weekday}_{part}"


@dataclass
class OfficeLine:
    office: Office
    schedule: OfficeSchedule | None
    hours: list[str]


def office_lines(actor) -> list[OfficeLine]:
    """Every office with its schedule in words (or none)."""
    rows = db.session.scalars(select(Office).order_by(Office.sort_order, Office.name)).all()
    lines = []
    for office in rows:
        ensure_organization_row(actor, office)
        current = db.session.get(OfficeSchedule, office.id)
        lines.append(OfficeLine(office, current, schedule.describe_hours(current)))
    return lines


def current_values(actor, office_id: int) -> tuple[Office, dict[str, str]]:
    """The office and its schedule as the form shows it (defaults for an office without one)."""
    office = ensure_organization_row(actor, db.session.get(Office, office_id))
    current = db.session.get(OfficeSchedule, office.id)
    values = {name: str(getattr(current, name) if current else default) for name, default in DEFAULTS.items()}
    for hours in current.hours if current else ():
        for part in PARTS:
            moment = getattr(hours, part)
            values[field_name(hours.weekday, part)] = f"{moment:%H:%M}" if moment else ""
    return office, values


def _time(raw: str, name: str, errors: dict) -> time | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return datetime.strptime(raw, "%H:%M").time()
    except ValueError:
        errors[name] = _(rules.TIME_FORMAT)
        return None


def _weekday(values: dict, weekday: int, errors: dict) -> tuple | None:
    """(opens, closes, break_from, break_to) of one weekday, None when closed; errors by field."""
    names = [field_name(weekday, part) for part in PARTS]
    opens, closes, break_from, break_to = (_time(values.get(name, ""), name, errors) for name in names)
    if any(name in errors for name in names):
        return None
    if (opens is None) != (closes is None):
        errors[names[0] if opens is None else names[1]] = _(rules.BOTH_OR_NONE)
    elif opens is not None and opens >= closes:
        errors[names[1]] = _(rules.OPENS_BEFORE_CLOSES)
    if (break_from is None) != (break_to is None):
        errors[names[2] if break_from is None else names[3]] = _(rules.BREAK_BOTH)
    elif break_from is not None and (opens is None or not opens < break_from < break_to < closes):
        errors[names[2]] = _(rules.BREAK_INSIDE)
    if opens is None or any(name in errors for name in names):
        return None
    return opens, closes, break_from, break_to


def _numbers(values: dict, errors: dict) -> dict[str, int]:
    numbers = {}
    for name, (low, high) in rules.SCHEDULE_LIMITS.items():
        raw = str(values.get(name, "") or "").strip()
        if not raw:
            errors[name] = _(rules.REQUIRED)
        elif not raw.isdigit() or not low <= int(raw) <= high:
            errors[name] = _(rules.NUMBER_RANGE).format(low=low, high=high)
        else:
            numbers[name] = int(raw)
    return numbers


def checked(values: dict) -> tuple[dict[str, int], dict[int, tuple]]:
    """The schedule's numbers and weekday hours; Refused with a message under every wrong field."""
    errors: dict[str, str] = {}
    numbers = _numbers(values, errors)
    days = {weekday: hours for weekday in range(7) if (hours := _weekday(values, weekday, errors))}
    if not days and not errors:
        errors["d0_opens"] = _(rules.NO_DAYS)
    if errors:
        raise rules.Refused(_(rules.CHECK_FIELDS), errors)
    return numbers, days


def _replace_hours(current: OfficeSchedule, days: dict[int, tuple]) -> None:
    """Rows updated in place (a weekday is unique per office), closed weekdays deleted."""
    kept = {hours.weekday: hours for hours in current.hours}
    for weekday, hours in kept.items():
        if weekday not in days:
            current.hours.remove(hours)
    for weekday, times in days.items():
        row = kept.get(weekday) or OfficeHours(office_id=current.office_id, weekday=weekday)
        row.opens, row.closes, row.break_from, row.break_to = times
        if weekday not in kept:
            current.hours.append(row)
    db.session.flush()


def save_schedule(actor, office_id: int, values: dict) -> OfficeSchedule:
    """Replace the office's schedule; slots already booked keep their appointments, and their
    places follow the new capacity (never below what is booked)."""
    office = ensure_organization_row(actor, db.session.get(Office, office_id))
    numbers, days = checked(values)
    current = db.session.get(OfficeSchedule, office.id)
    before = {"hours": schedule.describe_hours(current), **({k: getattr(current, k) for k in DEFAULTS} if current else {})}
    if current is None:
        current = OfficeSchedule(office_id=office.id)
        db.session.add(current)
    for name, number in numbers.items():
        setattr(current, name, number)
    _replace_hours(current, days)
    capacity = numbers["capacity"]
    db.session.execute(update(AppointmentSlot).where(AppointmentSlot.office_id == office.id,
                                                     AppointmentSlot.starts_at > utcnow())
                       .values(capacity=case((AppointmentSlot.booked > capacity, AppointmentSlot.booked),
                                             else_=capacity)).execution_options(synchronize_session=False))
    db.session.refresh(current)
    audit("office_schedule.save", office, actor=actor, before=before,
          after={"hours": schedule.describe_hours(current), **numbers},
          summary=f"Расписание офиса «{office.name}» изменено")
    return current
