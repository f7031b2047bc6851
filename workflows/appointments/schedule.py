"""Offices' reception schedules as data (E4): which days an office receives, its slots and how
many places each slot has left.

A day is open when it lies between today and today + `days_ahead`, the working-day calendar
does not make it a day off (CalendarDay), and the office has hours for it. A weekend the
calendar declares working (a moved day) takes the hours of the office's first weekday with
hours. Slots run from opening to closing, `slot_minutes` each, never across the break.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from app.core.formatting import app_zone
from app.extensions import db
from app.models import AppointmentSlot, CalendarDay, Office, OfficeHours, OfficeSchedule
from app.models.base import utcnow

WEEKDAYS = ("Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота", "Воскресенье")
WEEKDAYS_SHORT = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")


@dataclass(frozen=True)
class Slot:
    """One slot of a day: its local start, its UTC start (as kept) and the places left."""

    local: datetime
    starts_at: datetime
    free: int

    @property
    def label(self) -> str:
        return self.local.strftime("%H:%M")


def local_now(now: datetime | None = None) -> datetime:
    """The portal's local time as a naive datetime (`now` is naive UTC, like every stored time)."""
    moment = (now or utcnow()).replace(tzinfo=timezone.utc)
    return moment.astimezone(app_zone()).replace(tzinfo=None)


def to_utc(day: date, at: time) -> datetime:
    """The naive UTC moment of a local day and time (how starts_at is kept)."""
    return datetime.combine(day, at, tzinfo=app_zone()).astimezone(timezone.utc).replace(tzinfo=None)


def to_local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc).astimezone(app_zone()).replace(tzinfo=None)


def day_starts(hours: OfficeHours, slot_minutes: int) -> list[time]:
    """The local start times of one day's slots: opening to closing, none across the break."""
    step, starts = timedelta(minutes=slot_minutes), []
    moment = datetime.combine(date.min, hours.opens)
    closes = datetime.combine(date.min, hours.closes)
    pause = None
    if hours.break_from and hours.break_to:
        pause = (datetime.combine(date.min, hours.break_from), datetime.combine(date.min, hours.break_to))
    while moment + step <= closes:
        if pause and moment < pause[1] and moment + step > pause[0]:
            moment = pause[1]  # the first slot after the break starts when it ends
            continue
        starts.append(moment.time())
        moment += step
    return starts


def office_schedule(office_id: int) -> OfficeSchedule | None:
    """An active office's schedule, or None (an office without one takes no bookings)."""
    schedule = db.session.get(OfficeSchedule, office_id)
    if schedule is None or not schedule.office.active or not schedule.hours:
        return None
    return schedule


def _calendar(first: date, last: date) -> dict[date, bool]:
    rows = db.session.execute(select(CalendarDay.day, CalendarDay.is_working)
                              .where(CalendarDay.day.between(first, last)))
    return {day: working for day, working in rows}


def hours_of(schedule: OfficeSchedule, day: date, calendar: dict[date, bool]) -> OfficeHours | None:
    """The office's hours on `day`, or None when it is closed."""
    by_weekday = {h.weekday: h for h in schedule.hours}
    if calendar.get(day) is False:
        return None
    if calendar.get(day) is True and day.weekday() not in by_weekday and day.weekday() >= 5:
        return by_weekday[min(by_weekday)] if by_weekday else None
    return by_weekday.get(day.weekday())


def booked_places(office_id: int, first: datetime, last: datetime) -> dict[datetime, int]:
    """UTC start → places taken, for the office's slots between two UTC moments."""
    rows = db.session.execute(select(AppointmentSlot.starts_at, AppointmentSlot.booked).where(
        AppointmentSlot.office_id == office_id, AppointmentSlot.starts_at >= first,
        AppointmentSlot.starts_at < last))
    return {starts_at: booked for starts_at, booked in rows}


def day_slots(schedule: OfficeSchedule, day: date, *, now: datetime | None = None,
              calendar: dict[date, bool] | None = None, taken: dict[datetime, int] | None = None) -> list[Slot]:
    """Every slot of the day still ahead, with its free places (full ones included, free=0);
    `calendar` and `taken` when the caller read them for several days at once."""
    calendar = _calendar(day, day) if calendar is None else calendar
    hours = hours_of(schedule, day, calendar)
    if hours is None:
        return []
    local = local_now(now)
    starts = [datetime.combine(day, at) for at in day_starts(hours, schedule.slot_minutes)]
    starts = [moment for moment in starts if moment > local]
    if not starts:
        return []
    if taken is None:
        taken = booked_places(schedule.office_id, to_utc(day, time.min), to_utc(day + timedelta(days=1), time.min))
    slots = []
    for moment in starts:
        utc = to_utc(day, moment.time())
        slots.append(Slot(moment, utc, max(schedule.capacity - taken.get(utc, 0), 0)))
    return slots


def bookable_days(schedule: OfficeSchedule, now: datetime | None = None) -> list[date]:
    """The days from today to `days_ahead` on which the office still has a free place."""
    today = local_now(now).date()
    last = today + timedelta(days=schedule.days_ahead)
    calendar = _calendar(today, last)
    taken = booked_places(schedule.office_id, to_utc(today, time.min), to_utc(last + timedelta(days=1), time.min))
    days, day = [], today
    while day <= last:
        if any(slot.free for slot in day_slots(schedule, day, now=now, calendar=calendar, taken=taken)):
            days.append(day)
        day += timedelta(days=1)
    return days


def offices_with_schedules() -> list[Office]:
    """The active offices taking bookings, in their order."""
    return list(db.session.scalars(
        select(Office).join(OfficeSchedule, OfficeSchedule.office_id == Office.id)
        .where(Office.active.is_(True), OfficeSchedule.office_id.in_(select(OfficeHours.office_id)))
        .order_by(Office.sort_order, Office.name)))


def describe_hours(schedule: OfficeSchedule | None) -> list[str]:
    """«пн 09:00–18:00, перерыв 13:00–14:00» per weekday with hours."""
    if schedule is None:
        return []
    lines = []
    for hours in schedule.hours:
        line = f"{WEEKDAYS_SHORT[hours.weekday]} {hours.opens:%H:%M}–{hours.closes:%H:%M}"
        if hours.break_from and hours.break_to:
            line += f", перерыв {hours.break_from:%H:%M}–{hours.break_to:%H:%M}"
        lines.append(line)
    return lines
