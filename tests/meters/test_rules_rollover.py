"""Lower readings, rollover and the jump guard (D8) as properties: for any meter of 4–8 digits a
value not lower than the last is taken without a question; a lower one is asked «Счетчик прошел
через ноль?» exactly when a pass through zero is plausible, and refused otherwise."""
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.meters import rules

SETTINGS = settings(max_examples=200, deadline=None)


@st.composite
def meter_values(draw):
    digits = draw(st.integers(4, 8))
    top = 10 ** digits - 1
    return digits, Decimal(draw(st.integers(0, top))), Decimal(draw(st.integers(0, top)))


@SETTINGS
@given(meter_values())
def test_without_history_a_lower_value_is_asked_iff_the_wrap_is_within_a_tenth(values):
    digits, last, new = values
    verdict = rules.order_verdict(new, last, digits, None)
    counted_through_zero = 10 ** digits - last + new
    if new >= last:
        assert verdict == rules.OK
    elif counted_through_zero * 10 <= 10 ** digits:
        assert verdict == rules.WRAP
    else:
        assert verdict == rules.LOWER_VALUE


@SETTINGS
@given(meter_values(), st.integers(1, 5000))
def test_with_history_a_wrap_is_plausible_iff_within_three_months_of_the_largest(values, largest):
    digits, last, new = values
    verdict = rules.order_verdict(new, last, digits, Decimal(largest))
    if new >= last:
        assert verdict == rules.OK
    else:
        plausible = 10 ** digits - last + new <= 3 * largest
        assert verdict == (rules.WRAP if plausible else rules.LOWER_VALUE)


def test_nothing_earlier_takes_any_value():
    assert rules.order_verdict(Decimal(0), None, 6, None) == rules.OK


def test_the_seed_example_a_lower_reading_is_refused():
    # 12 345 after 12 400 on a six-digit meter: a wrap would mean 999 945 counted
    assert rules.order_verdict(Decimal(12345), Decimal(12400), 6, Decimal(150)) == rules.LOWER_VALUE
    assert rules.order_verdict(Decimal(20), Decimal(999_950), 6, Decimal(150)) == rules.WRAP


def _points(*values, rollover_at=()):
    return [rules.Point(date(2025 + (6 + n) // 12, (6 + n) % 12 + 1, 1), Decimal(v), n in rollover_at)
            for n, v in enumerate(values)]


def test_history_counts_a_confirmed_wrap_and_months_without_reading():
    history = rules.history_of(_points(9920, 9950, 30, 130, rollover_at=(2,)), 4)  # 30, 80, 100
    assert history.largest_monthly == Decimal(100) and history.average_monthly == Decimal(70)
    gap = rules.history_of([rules.Point(date(2025, 1, 1), Decimal(0)), rules.Point(date(2025, 4, 1), Decimal(300))], 6)
    assert gap.largest_monthly == Decimal(100) and gap.average_monthly == Decimal(100)
    assert rules.history_of(_points(100), 6) == rules.History(None, None)


def test_the_average_is_of_the_last_six_months():
    # July 2025 … February 2026: 1000 in August, then 10 a month; March's average is of September–February
    history = rules.history_of(_points(0, 1000, 1010, 1020, 1030, 1040, 1050, 1060), 6, until=date(2026, 3, 1))
    assert history.average_monthly == Decimal(10) and history.largest_monthly == Decimal(1000)
    in_april = rules.history_of(_points(0, 1000, 1010, 1020, 1030, 1040, 1050, 1060), 6, until=date(2026, 4, 1))
    assert in_april.average_monthly == Decimal(10)
    in_february = rules.history_of(_points(0, 1000, 1010, 1020, 1030, 1040, 1050), 6, until=date(2026, 2, 1))
    assert in_february.average_monthly == Decimal(1050) / 6


@pytest.mark.parametrize("new, previous, used, average, months, jump", [
    (Decimal(1500), Decimal(1000), Decimal(500), Decimal(100), 1, False),   # exactly 5×
    (Decimal(1501), Decimal(1000), Decimal(501), Decimal(100), 1, True),
    (Decimal(2000), Decimal(1000), Decimal(1000), Decimal(100), 3, False),  # three months in one
    (Decimal(10100), Decimal(1000), Decimal(9100), None, 1, True),          # an extra digit, no history
    (Decimal(1100), Decimal(1000), Decimal(100), None, 1, False),
    (Decimal(50), None, Decimal(0), Decimal(100), 1, False),
])
def test_the_jump_guard(new, previous, used, average, months, jump):
    assert rules.is_jump(new, previous, used, average, months) is jump


@SETTINGS
@given(st.integers(1, 10_000), st.integers(0, 10_000))
def test_a_consumption_within_five_times_the_average_never_asks(average, used):
    asked = rules.is_jump(Decimal(10 ** 6), Decimal(1), Decimal(used), Decimal(average))
    assert asked is (used > 5 * average)
