"""Russian identifiers: normalisation and checksum validation.

ИНН and ОГРН/ОГРНИП checksums come from python-stdnum; it has no СНИЛС module, so the
СНИЛС control number (ПФР rules) is computed here. Each validator returns the
normalised digits or raises InvalidIdentifier with the message shown under the field.
"""
import re

from stdnum.exceptions import ValidationError
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn


class InvalidIdentifier(ValueError):
    """The value is not a valid identifier; str() is the user-facing message."""


def digits(value: str | None) -> str:
    return re.sub(r"\D", "", value or "")


def snils_checksum(number: str) -> int:
    total = sum(int(d) * (9 - i) for i, d in enumerate(number[:9]))
    if total < 100:
        return total
    if total in (100, 101):
        return 0
    remainder = total % 101
    return 0 if remainder in (100,) else remainder if remainder < 100 else 0


def validate_snils(value: str) -> str:
    number = digits(value)
    if len(number) != 11:
        raise InvalidIdentifier("СНИЛС должен содержать 11 цифр")
    if int(number[:9]) > 1001998 and snils_checksum(number) != int(number[9:]):
        raise InvalidIdentifier("Некорректный СНИЛС: не совпадает контрольное число")
    return number


def validate_inn(value: str, lengths: tuple[int, ...] = (10, 12)) -> str:
    number = digits(value)
    if len(number) not in lengths:
        wanted = " или ".join(str(n) for n in lengths)
        raise InvalidIdentifier(f"ИНН должен содержать {wanted} цифр")
    try:
        stdnum_inn.validate(number)
    except ValidationError:
        raise InvalidIdentifier("Некорректный ИНН: не совпадает контрольное число") from None
    return number


def validate_ogrn(value: str) -> str:
    number = digits(value)
    if len(number) != 13:
        raise InvalidIdentifier("ОГРН должен содержать 13 цифр")
    try:
        stdnum_ogrn.validate(number)
    except ValidationError:
        raise InvalidIdentifier("Некорректный ОГРН: не совпадает контрольное число") from None
    return number


def ogrnip_check_digit(first14: str) -> str:
    """The last digit of (first 14 digits mod 13). python-stdnum 2.2 compares the whole
    remainder, so it rejects the real ОГРНИП whose remainder is 10–12; we do not use it here."""
    return str(int(first14) % 13 % 10)


def validate_ogrnip(value: str) -> str:
    number = digits(value)
    if len(number) != 15:
        raise InvalidIdentifier("ОГРНИП должен содержать 15 цифр")
    if number[0] not in "34" or ogrnip_check_digit(number[:14]) != number[14]:
        raise InvalidIdentifier("Некорректный ОГРНИП: не совпадает контрольное число")
    return number


KPP_RE = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")


def validate_kpp(value: str) -> str:
    kpp = (value or "").strip().upper()
    if not KPP_RE.match(kpp):
        raise InvalidIdentifier("КПП должен содержать 9 символов: 4 цифры, 2 цифры или латинские буквы, 3 цифры")
    return kpp


def normalize_phone(value: str) -> str:
    """+7XXXXXXXXXX from «8 (912) 345-67-89», «+7 912 …» or «912…»."""
    number = digits(value)
    if len(number) == 11 and number[0] in "78":
        number = number[1:]
    if len(number) != 10 or number[0] not in "3489":
        raise InvalidIdentifier("Введите номер телефона в формате +7 (XXX) XXX-XX-XX")
    return "+7" + number


def format_snils(number: str) -> str:
    n = digits(number)
    return f"{n[0:3]}-{n[3:6]}-{n[6:9]}-{n[9:11]}" if len(n) == 11 else number


def format_phone(phone: str) -> str:
    n = digits(phone)
    if len(n) != 11:
        return phone
    return f"+7 ({n[1:4]}) {n[4:7]}-{n[7:9]}-{n[9:11]}"


def mask_phone(phone: str) -> str:
    """+7 (912) ***-**-89 — for evidence records and messages."""
    n = digits(phone)
    if len(n) != 11:
        return "***"
    return f"+7 ({n[1:4]}) ***-**-{n[9:11]}"


def make_snils(first9: str) -> str:
    """A valid СНИЛС from its first nine digits (demo data and tests)."""
    return first9 + f"{snils_checksum(first9):02d}"
