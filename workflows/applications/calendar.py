"""Working-day clock (B12): Monday–Friday, corrected by the admin-edited CalendarDay rows."""
from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import CalendarDay

#: deadlines never reach further than this many calendar days per working day asked
_SPAN = 3


def _exceptions(start: date, end: date) -> dict[date, bool]:
    rows = db.session.execute(
        select(CalendarDay.day, CalendarDay.is_working).where(CalendarDay.day.between(start, end))
    ).all()
    return {day: working for day, working in rows}


def is_working_day(day: date, exceptions: dict[date, bool] | None = None) -> bool:
    if exceptions is None:
        exceptions = _exceptions(day, day)
    if day in exceptions:
        return exceptions[day]
    return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself not counted)."""
    exceptions = _exceptions(start, start + timedelta(days=days * _SPAN + 30))
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if is_working_day(current, exceptions):
            left -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when end < start)."""
    if end < start:
        return -working_days_between(end, start)
    exceptions = _exceptions(start, end)
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, exceptions):
            count += 1
    return count
