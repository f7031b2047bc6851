"""The rules a reading obeys (D8), as data and pure functions: no database, no request.

workflows/meters/readings.py gathers the meter, its history and the branch's window, and asks
these functions; the tests check them directly (tests/meters/test_rules_*.py).

- the window: `outside_window_message`, `reading_period`;
- a typed value: `parse_value` → (Decimal, None) or (None, message);
- against the previous value: `order_verdict` → OK, LOWER (refused) or WRAP (asked, accepted when
  confirmed, stored with rollover=True);
- against the meter's own history: `is_jump` (a consumption far above the usual, or an extra digit).
"""
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from app.core.formatting import format_date

# ---- messages (seed 004 §2.9 where it has them) ----------------------------------------------

OUTSIDE_WINDOW = ("Внести показания Вы можете в период с {day_from} по {day_to} число каждого месяца. "
                  "Просим быть внимательным к этим датам и вовремя вводить показания прибора учета")
NO_WINDOW = "Прием показаний по Вашему филиалу не настроен. Обратитесь в офис обслуживания"
LOWER = ("Показание не принято! Введенные показания меньше ранее переданных показаний. "
         "Проверьте корректность ввода")
WRAP_QUESTION = "Счетчик прошел через ноль?"
WRAP_CONFIRM = "Да, счетчик прошел через ноль"
JUMP_QUESTION = ("Расход {consumption} {unit} намного больше обычного для этого прибора учета. "
                 "Проверьте, не введена ли лишняя цифра. Показания верны?")
JUMP_CONFIRM = "Да, показания верны"
AUTO_READ = "Показания передаются автоматически"
EXPIRED = "Истек срок поверки прибора учета {due}"
EMPTY = "Введите показание"
NOT_A_NUMBER = "Введите число: только цифры и не более одной запятой"
NEGATIVE = "Показание не может быть отрицательным"
TOO_MANY_DIGITS = "Не более {digits} цифр до запятой: столько показывает прибор учета"
NO_FRACTION = "Прибор учета показывает целые числа: введите показание без запятой"
TOO_MANY_DECIMALS = "Не более {precision} цифр после запятой"
NOTHING_TYPED = "Введите текущие показания хотя бы одного прибора учета"
CHANGED = ("Показания уже изменены: их передали в другом окне или другой владелец лицевого счета. "
           "Проверьте показания ниже и передайте их снова, если нужно")
UNKNOWN_METER = "Прибор учета не найден"
PHOTO_TYPES = ("jpg", "jpeg", "png")
PHOTO_TYPE = "Фотография прибора учета: файл JPEG или PNG"
ACCEPTED = "Показания приняты"
REPLACED_BY_CONSUMER = "Заменено потребителем"

#: a consumption this many times the average of the last months asks for confirmation
JUMP_FACTOR = 5
#: months of history the average is taken over
JUMP_MONTHS = 6
#: a wrap is plausible up to this many times the largest monthly consumption seen…
WRAP_FACTOR = 3
#: …or, with no history, up to this share of the meter's range
WRAP_SHARE = Decimal("0.1")

_NUMBER = re.compile(r"^(\d*)(?:[.,](\d*))?$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def zone_codes(zones: int) -> list[str]:
    """The zone fields of a meter: T1, or T1–T2, or T1–T3."""
    return [f"T{n}" for n in range(1, max(1, min(zones or 1, 3)) + 1)]


def outside_window_message(day_from, day_to) -> str:
    if not day_from or not day_to:
        return NO_WINDOW
    return OUTSIDE_WINDOW.format(day_from=day_from, day_to=day_to)


def expired_message(due: date) -> str:
    return EXPIRED.format(due=format_date(due))


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def reading_period(window, today: date) -> date:
    """The month a reading counts for: the month its window opened (a window 25 → 5 counts its
    days in the next month for the month it opened in); outside the window, today's month."""
    if window is not None and window.is_open:
        return first_of_month(window.opens_on)
    return first_of_month(today)


def months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def parse_value(text, digits: int, precision: int) -> tuple[Decimal | None, str | None]:
    """A value as typed («12345,6», «12 345.6») → (Decimal, None), or (None, the message)."""
    raw = _SPACES.sub("", str(text or ""))
    if not raw:
        return None, EMPTY
    if raw[0] in "-\u2212" and _NUMBER.match(raw[1:]) and any(c.isdigit() for c in raw):
        return None, NEGATIVE
    match = _NUMBER.match(raw)
    if not match or not (match.group(1) or match.group(2)) or not raw.isascii():
        return None, NOT_A_NUMBER
    whole, fraction = match.group(1) or "0", (match.group(2) or "").rstrip("0")
    if len(whole.lstrip("0")) > digits:
        return None, TOO_MANY_DIGITS.format(digits=digits)
    if fraction and precision == 0:
        return None, NO_FRACTION
    if len(fraction) > precision:
        return None, TOO_MANY_DECIMALS.format(precision=precision)
    try:
        return Decimal(f"{whole}.{fraction or '0'}").quantize(Decimal(1).scaleb(-precision)), None
    except InvalidOperation:  # pragma: no cover - the pattern admits digits only
        return None, NOT_A_NUMBER


# ---- the order of readings and rollover ---------------------------------------------------

OK, LOWER_VALUE, WRAP = "ok", "lower", "wrap"


def wrapped_consumption(new: Decimal, previous: Decimal, digits: int) -> Decimal:
    """What the meter counted if it passed 10**digits − 1 and started again from zero."""
    return new + Decimal(10) ** digits - previous


def wrap_plausible(new: Decimal, previous: Decimal, digits: int, largest_monthly: Decimal | None,
                   months: int = 1) -> bool:
    """A wrap is plausible when what it implies is small against the meter's history: at most
    WRAP_FACTOR × the largest monthly consumption seen (per month passed), or, with no history,
    at most WRAP_SHARE of the meter's range."""
    counted = wrapped_consumption(new, previous, digits)
    if largest_monthly is not None and largest_monthly > 0:
        return counted <= WRAP_FACTOR * largest_monthly * max(months, 1)
    return counted <= WRAP_SHARE * Decimal(10) ** digits


def order_verdict(new: Decimal, previous: Decimal | None, digits: int, largest_monthly: Decimal | None,
                  months: int = 1) -> str:
    """OK when there is nothing earlier or the value did not go down; WRAP when it went down and a
    pass through zero is plausible (ask); LOWER otherwise (refuse)."""
    if previous is None or new >= previous:
        return OK
    return WRAP if wrap_plausible(new, previous, digits, largest_monthly, months) else LOWER_VALUE


# ---- history and the jump guard -----------------------------------------------------------

@dataclass(frozen=True)
class Point:
    """One month's reading of one zone: the value, and whether the meter wrapped before it."""

    period: date
    value: Decimal
    rollover: bool = False


@dataclass(frozen=True)
class History:
    #: the largest consumption per month between two readings seen (None: fewer than two readings)
    largest_monthly: Decimal | None
    #: the average consumption per month over the last JUMP_MONTHS months (None: no history)
    average_monthly: Decimal | None


def history_of(points: list[Point], digits: int, until: date | None = None) -> History:
    """The consumption a zone's readings (one per month, any order) show."""
    points = sorted(points, key=lambda p: p.period)
    steps = []
    for before, after in zip(points, points[1:]):
        months = max(months_between(before.period, after.period), 1)
        used = (wrapped_consumption(after.value, before.value, digits) if after.rollover
                else after.value - before.value)
        if used >= 0:
            steps.append((after.period, months, used))
    if not steps:
        return History(None, None)
    largest = max(used / months for _, months, used in steps)
    # the months before `until` (the current one), or up to and including the last reading's
    end_index = months_between(date(1, 1, 1), until) if until else months_between(date(1, 1, 1), steps[-1][0]) + 1
    recent = [(m, u) for period, m, u in steps
              if end_index - months_between(date(1, 1, 1), period) <= JUMP_MONTHS] or [steps[-1][1:]]
    average = sum(u for _, u in recent) / sum(m for m, _ in recent)
    return History(largest, average)


def is_jump(new: Decimal, previous: Decimal | None, consumption: Decimal, average_monthly: Decimal | None,
            months: int = 1) -> bool:
    """A consumption above JUMP_FACTOR × the usual, or — with no history — a value about ten
    times the previous one (an extra digit typed)."""
    if previous is None or consumption <= 0:
        return False
    if average_monthly is not None and average_monthly > 0:
        return consumption > JUMP_FACTOR * average_monthly * max(months, 1)
    return previous > 0 and new >= 9 * previous


def shown(value: Decimal | None, precision: int) -> str:
    """A meter value as the page shows it and the field takes it back: «12345,6»."""
    if value is None:
        return ""
    return format(value.quantize(Decimal(1).scaleb(-precision)), "f").replace(".", ",")
