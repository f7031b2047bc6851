"""The sandbox provider's forms (D6, D9): its card page (number, MM/YY, CVC — checked, never
stored), «Оплатить» by СБП and «Отменить» (the CSRF token only), and the admin's switch."""
import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, ValidationError
from wtforms.validators import AnyOf, InputRequired, Regexp

from workflows.payments.providers.sandbox import MODES

_NOT_DIGITS = re.compile(r"[\s-]")
MAX_DELAY = 3600


def luhn_ok(number: str) -> bool:
    """The card number's check digit (ISO/IEC 7812)."""
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def _card_number(form, field):
    number = _NOT_DIGITS.sub("", field.data or "")
    if not number.isdigit() or not 13 <= len(number) <= 19:
        raise ValidationError(_l("Номер карты — от 13 до 19 цифр"))
    if not luhn_ok(number):
        raise ValidationError(_l("Проверьте номер карты: в нем ошибка"))


def _expiry(form, field):
    match = re.fullmatch(r"\s*(\d{2})\s*/\s*(\d{2})\s*", field.data or "")
    if match is None or not 1 <= int(match.group(1)) <= 12:
        raise ValidationError(_l("Срок действия — месяц и год, например 08/29"))
    month, year = int(match.group(1)), 2000 + int(match.group(2))
    today = date.today()
    if (year, month) < (today.year, today.month):
        raise ValidationError(_l("Срок действия карты истек"))


class SandboxCardForm(FlaskForm):
    """«Оплата банковской картой» on the sandbox page; nothing typed here is stored."""

    number = StringField(_l("Номер карты"), validators=[InputRequired(_l("Введите номер карты")), _card_number])
    expiry = StringField(_l("Срок действия (ММ/ГГ)"), validators=[
        InputRequired(_l("Введите срок действия карты")), _expiry])
    cvc = StringField(_l("CVC/CVV"), validators=[
        InputRequired(_l("Введите код с обратной стороны карты")),
        Regexp(r"^\d{3}$", message=_l("Код — три цифры с обратной стороны карты"))])


class SandboxActionForm(FlaskForm):
    """«Оплатить» by СБП and «Отменить»: the CSRF token only."""


def _delay_in_range(form, field):
    text = (field.data or "").strip()
    if text.isdigit() and not 0 <= int(text) <= MAX_DELAY:
        raise ValidationError(_l("От 0 до %(max)s секунд", max=MAX_DELAY))


class SandboxSwitchForm(FlaskForm):
    """«Песочница платежей»: what happens when a payer presses «Оплатить»."""

    mode = RadioField(_l("Что происходит после «Оплатить»"), choices=list(MODES.items()), validate_choice=False,
                      validators=[InputRequired(_l("Выберите поведение песочницы")),
                                  AnyOf(list(MODES), message=_l("Выберите поведение песочницы из списка"))])
    delay = StringField(_l("Задержка оплаты, секунд"), validators=[
        InputRequired(_l("Укажите задержку в секундах")),
        Regexp(r"^\s*\d{1,6}\s*$", message=_l("Задержка — целое число секунд")), _delay_in_range])
