"""Reading one cell of a billing file: amounts «1 234,56», dates DD.MM.YYYY, months MM.YYYY,
booleans да/нет. Each parser takes the cell as read (a string from a CSV, any JSON value) and
returns the value, or raises RowError with the Russian reason shown in the error file."""
import re
from datetime import date
from functools import lru_cache
from decimal import Decimal

#: spaces a spreadsheet puts between thousands: space, no-break space, narrow no-break space
THOUSANDS = re.compile(r"[ \u00a0\u202f]")
#: sign, the whole part (plain or in groups of three), the fraction after a comma or a point
NUMERAL = re.compile(r"(-?)\+?(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,](\d+))?")
DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
MONTH = re.compile(r"(\d{1,2})\.(\d{4})")
ISO_MONTH = re.compile(r"(\d{4})-(\d{2})")
TRUE = {"да", "1", "true", "yes", "д", "y"}
FALSE = {"нет", "0", "false", "no", "н", "n"}


class RowError(ValueError):
    """One row refused: `reason` in Russian, `column` the header at fault (None: the whole row)."""

    def __init__(self, reason: str, column: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.column = column


def text(value) -> str:
    if type(value) is str:
        return value.strip()
    if isinstance(value, (dict, list)):
        raise RowError("Ожидается строка, а не вложенный объект")
    if isinstance(value, bool):
        return "да" if value else "нет"
    return str(value).strip()


def decimal(value) -> Decimal:
    """«1 234,56», «1234.56», «-12,5» or a JSON number; without trailing zeros after the point
    (192,000 and 192 are one value, and one row hash)."""
    if type(value) is not str:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise RowError(f"«{value}» — не число (пример: 1 234,56)")
        value = str(value)
    match = NUMERAL.fullmatch(value.strip())
    if match is None:
        if "," in value and "." in value:
            raise RowError(f"Число «{value}» записано неверно: нужна одна десятичная запятая")
        raise RowError(f"«{value}» — не число (пример: 1 234,56)")
    sign, whole, fraction = match.groups()
    if len(whole) > 3 and not whole.isdigit():
        whole = THOUSANDS.sub("", whole)
    if fraction:
        fraction = fraction.rstrip("0")
    return Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}")


def not_negative(value) -> Decimal:
    number = decimal(value)
    if number < 0:
        raise RowError(f"Значение не может быть отрицательным: «{value}»")
    return number


def positive(value) -> Decimal:
    number = decimal(value)
    if number <= 0:
        raise RowError(f"Сумма должна быть больше нуля: «{value}»")
    return number


#: the largest INTEGER a database column holds
MAX_INTEGER = 2**31 - 1


def integer(value) -> int:
    number = decimal(value)
    if number != number.to_integral_value() or number < 0:
        raise RowError(f"Ожидается целое неотрицательное число, а не «{value}»")
    if number > MAX_INTEGER:
        raise RowError(f"Слишком большое число: «{value}»")
    return int(number)


def _make_date(year: int, month: int, day: int, value) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise RowError(f"Такой даты нет: «{value}»") from None


def day(value) -> date:
    """DD.MM.YYYY (also YYYY-MM-DD, as JSON writers put it)."""
    return _day(text(value))


@lru_cache(maxsize=8192)
def _day(raw: str) -> date:
    value = raw
    if match := DATE.fullmatch(raw):
        d, m, y = (int(part) for part in match.groups())
        return _make_date(y, m, d, value)
    if match := ISO_DATE.fullmatch(raw[:10]) if len(raw) in (10, 19) else None:
        y, m, d = (int(part) for part in match.groups())
        return _make_date(y, m, d, value)
    raise RowError(f"Дата «{value}» записана неверно: нужно ДД.ММ.ГГГГ")


def month(value) -> date:
    """MM.YYYY or 01.MM.YYYY (also YYYY-MM): the first day of the month."""
    return _month(text(value))


@lru_cache(maxsize=4096)
def _month(raw: str) -> date:
    value = raw
    if match := MONTH.fullmatch(raw):
        m, y = (int(part) for part in match.groups())
        return _make_date(y, m, 1, value)
    if match := ISO_MONTH.fullmatch(raw):
        y, m = (int(part) for part in match.groups())
        return _make_date(y, m, 1, value)
    try:
        first = day(value)
    except RowError:
        first = None
    if first is None or first.day != 1:
        raise RowError(f"Месяц «{value}» записан неверно: нужно ММ.ГГГГ или 01.ММ.ГГГГ")
    return first


def boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise RowError(f"Ожидается «да» или «нет», а не «{value}»")


def choice(options: dict):
    """A parser accepting the codes of `options` or their Russian labels (any case)."""
    lookup = {key.lower(): key for key in options} | {label.lower(): key for key, label in options.items()}

    def parse(value) -> str:
        found = lookup.get(text(value).lower())
        if found is None:
            raise RowError(f"Неизвестное значение «{value}»; допустимо: {', '.join(options)}")
        return found

    return parse


def zone_names(value) -> dict:
    """«День|Ночь» → {"T1": "День", "T2": "Ночь"} (a JSON object is taken as it is)."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    names = [part.strip() for part in text(value).split("|")]
    if len(names) > 3 or not all(names):
        raise RowError("Названия зон: до трех, через «|», например «День|Ночь»")
    return {f"T{index}": name for index, name in enumerate(names, start=1)}


def fitting(column):
    """A check refusing what the database `column` would refuse — too long a text, too many
    digits — or None when it refuses nothing a parser returns."""
    length = getattr(column.type, "length", None)
    scale = getattr(column.type, "scale", None)
    if length:
        def check_length(value):
            if type(value) is str and len(value) > length:
                raise RowError(f"Слишком длинное значение: более {length} символов")
        return check_length
    if scale is not None:
        limit = Decimal(10) ** (column.type.precision - scale)
        unit = Decimal(10) ** scale

        def check_digits(value):
            if (value * unit) % 1:
                raise RowError(f"Не более {scale} знаков после запятой: «{value}»")
            if not -limit < value < limit:
                raise RowError(f"Слишком большое число: «{value}»")
        return check_digits
    return None
