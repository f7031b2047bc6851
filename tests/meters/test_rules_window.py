"""The reading window (D8): inside, its edges, across the month (25 → 5), Moscow midnight with the
clock frozen; the period a reading counts for; the message with the branch's actual days."""
from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest
import time_machine

from app.models.base import utcnow
from workflows.billing.windows import reading_window
from workflows.meters import rules


def branch(day_from, day_to):
    return SimpleNamespace(reading_day_from=day_from, reading_day_to=day_to)


@pytest.mark.parametrize("days, today, is_open, left, period", [
    ((15, 25), date(2026, 3, 14), False, 1, date(2026, 3, 1)),
    ((15, 25), date(2026, 3, 15), True, 11, date(2026, 3, 1)),
    ((15, 25), date(2026, 3, 20), True, 6, date(2026, 3, 1)),
    ((15, 25), date(2026, 3, 25), True, 1, date(2026, 3, 1)),
    ((15, 25), date(2026, 3, 26), False, 20, date(2026, 3, 1)),
    ((25, 5), date(2026, 11, 24), False, 1, date(2026, 11, 1)),
    ((25, 5), date(2026, 11, 25), True, 11, date(2026, 11, 1)),
    ((25, 5), date(2026, 12, 3), True, 3, date(2026, 11, 1)),    # counts for the month it opened
    ((25, 5), date(2027, 1, 5), True, 1, date(2026, 12, 1)),     # across the year too
    ((25, 5), date(2027, 1, 6), False, 19, date(2027, 1, 1)),
    ((1, 31), date(2026, 2, 28), True, 1, date(2026, 2, 1)),     # «31» is February's last day
])
def test_the_window_and_the_period(days, today, is_open, left, period):
    window = reading_window(branch(*days), today)
    assert (window.is_open, window.days) == (is_open, left)
    assert rules.reading_period(window, today) == period


@pytest.mark.parametrize("utc, is_open", [
    (datetime(2026, 3, 25, 20, 59, 59), True),   # 23:59:59 in Moscow, the last day
    (datetime(2026, 3, 25, 21, 0, 0), False),    # 00:00 in Moscow, the day after
    (datetime(2026, 3, 14, 20, 59, 59), False),  # 23:59:59 in Moscow, the day before
    (datetime(2026, 3, 14, 21, 0, 0), True),     # 00:00 in Moscow, the first day (still the 14th in UTC)
])
def test_moscow_midnight_decides_with_the_clock_frozen(utc, is_open):
    with time_machine.travel(utc.replace(tzinfo=timezone.utc), tick=False):
        assert reading_window(branch(15, 25), utcnow()).is_open is is_open


def test_the_message_outside_the_window_has_the_branch_days():
    assert rules.outside_window_message(25, 5) == (
        "Внести показания Вы можете в период с 25 по 5 число каждого месяца. Просим быть внимательным "
        "к этим датам и вовремя вводить показания прибора учета")
    assert rules.outside_window_message(None, None) == rules.NO_WINDOW
    assert reading_window(branch(None, None), date(2026, 3, 20)) is None
