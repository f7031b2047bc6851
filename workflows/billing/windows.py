"""The branch's window for meter readings (D3, D8): from `reading_day_from` to `reading_day_to` of
each month, both days included; a window may span the month boundary (25 → 5). Moscow time
decides which day it is. The home page (issue 13) and the readings (issue 14) read it here.
"""
import calendar
from datetime import date, datetime, timezone
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import has_app_context

from app.core.formatting import app_zone
from app.models.base import utcnow

MOSCOW = ZoneInfo("Europe/Moscow")


class ReadingWindow(NamedTuple):
    #: readings are accepted today
    is_open: bool
    #: open: days left, today included (1 on the last day); closed: days until it opens
    days: int
    #: first and last day of the current window (open) or of the next one (closed)
    opens_on: date
    closes_on: date


def local_day(moment: date | datetime) -> date:
    """The Moscow date of `moment`: a naive datetime is UTC (as the house keeps times)."""
    if not isinstance(moment, datetime):
        return moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(app_zone() if has_app_context() else MOSCOW).date()


def today() -> date:
    """The organization's date now."""
    return local_day(utcnow())


def _day_of(year: int, month: int, day: int) -> date:
    """`day` of the month, or its last day when the month is shorter (31 in February → 28/29)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _shift(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


def _window_starting(year: int, month: int, day_from: int, day_to: int) -> tuple[date, date]:
    start = _day_of(year, month, day_from)
    if day_from <= day_to:
        return start, _day_of(year, month, day_to)
    next_year, next_month = _shift(year, month, 1)
    return start, _day_of(next_year, next_month, day_to)


def reading_window(branch, today: date | datetime) -> ReadingWindow | None:
    """Whether the branch accepts readings on `today` (a date, or a moment turned into the Moscow
    date), for how many more days, or in how many days it opens; None when the branch has no
    reading days."""
    day_from, day_to = getattr(branch, "reading_day_from", None), getattr(branch, "reading_day_to", None)
    if not day_from or not day_to:
        return None
    today = local_day(today)
    windows = [_window_starting(*_shift(today.year, today.month, by), day_from, day_to) for by in (-1, 0, 1)]
    for opens_on, closes_on in windows:
        if opens_on <= today <= closes_on:
            return ReadingWindow(True, (closes_on - today).days + 1, opens_on, closes_on)
    opens_on, closes_on = next(w for w in windows if w[0] > today)
    return ReadingWindow(False, (opens_on - today).days, opens_on, closes_on)
