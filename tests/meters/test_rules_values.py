"""A typed meter value (D8): digits, one decimal comma or point, at most `digits` before and
`precision` after; every other input has its own message."""
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.meters import rules


@pytest.mark.parametrize("typed, digits, precision, value", [
    ("12345", 6, 0, Decimal("12345")),
    ("12 345", 6, 0, Decimal("12345")),
    ("012345", 5, 0, Decimal("12345")),
    ("12345,6", 6, 1, Decimal("12345.6")),
    ("12345.60", 6, 1, Decimal("12345.6")),
    ("0,125", 5, 3, Decimal("0.125")),
    ("999999", 6, 0, Decimal("999999")),
    (" 7 ", 6, 0, Decimal("7")),
    ("5,", 6, 0, Decimal("5")),
])
def test_accepted_values(typed, digits, precision, value):
    assert rules.parse_value(typed, digits, precision) == (value, None)


@pytest.mark.parametrize("typed, digits, precision, message", [
    ("", 6, 0, rules.EMPTY),
    ("   ", 6, 0, rules.EMPTY),
    (None, 6, 0, rules.EMPTY),
    ("abc", 6, 0, rules.NOT_A_NUMBER),
    ("12a", 6, 0, rules.NOT_A_NUMBER),
    ("1,2,3", 6, 0, rules.NOT_A_NUMBER),
    ("1.2,3", 6, 1, rules.NOT_A_NUMBER),
    (",", 6, 0, rules.NOT_A_NUMBER),
    ("1e5", 6, 0, rules.NOT_A_NUMBER),
    ("١٢٣", 6, 0, rules.NOT_A_NUMBER),    # other scripts' digits
    ("-5", 6, 0, rules.NEGATIVE),
    ("-0,5", 6, 1, rules.NEGATIVE),
    ("\u22125", 6, 0, rules.NEGATIVE),    # a typographic minus
    ("1234567", 6, 0, rules.TOO_MANY_DIGITS.format(digits=6)),
    ("12345,5", 6, 0, rules.NO_FRACTION),
    ("1,25", 6, 1, rules.TOO_MANY_DECIMALS.format(precision=1)),
])
def test_refused_values_say_why(typed, digits, precision, message):
    assert rules.parse_value(typed, digits, precision) == (None, message)


@settings(max_examples=150, deadline=None)
@given(digits=st.integers(4, 8), precision=st.integers(0, 3), data=st.data(), comma=st.booleans())
def test_any_value_the_meter_can_show_is_read_back_exactly(digits, precision, data, comma):
    units = data.draw(st.integers(0, 10 ** (digits + precision) - 1))
    value = Decimal(units).scaleb(-precision)
    typed = rules.shown(value, precision)
    assert rules.parse_value(typed if comma else typed.replace(",", "."), digits, precision) == (value, None)
    assert rules.parse_value(str(10 ** digits + units // 10 ** precision), digits, precision)[1] == \
        rules.TOO_MANY_DIGITS.format(digits=digits)
