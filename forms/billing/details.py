"""Forms of «Реквизиты лицевого счета» (D4): the tariff history period, the data-change statement,
and the admins' upload of a tariff document."""
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, Field, SelectField, StringField, TextAreaField
from wtforms.fields import MonthField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import TextInput

from workflows.billing.data_change import MAX_AREA, MSG_REQUIRED, STOVE_TYPES

MSG_MONTH = _l("Выберите месяц (ММ.ГГГГ)")
MSG_CONSENT = _l("Необходимо согласие с условиями обработки персональных данных")


class RuMonthField(MonthField):
    """A month as the browser's month picker sends it (ГГГГ-ММ) or typed (ММ.ГГГГ)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%Y-%m", "%m.%Y"], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(MSG_MONTH)) from exc


class PeriodForm(FlaskForm):
    """«История тарифов»: from–to months, sent by GET (it changes nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    period_from = RuMonthField(_l("Начало периода"), validators=[InputRequired(MSG_MONTH)],
                               render_kw={"placeholder": "ГГГГ-ММ"})
    period_to = RuMonthField(_l("Конец периода"), validators=[InputRequired(MSG_MONTH)],
                             render_kw={"placeholder": "ГГГГ-ММ"})


class RuDecimalField(Field):
    """A decimal typed the Russian way («54,30», «1 054,3»); shown with a comma."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message or _l("Введите число, например 54,30")

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format(Decimal(self.data), "f").replace(".", ",")

    def process_formdata(self, valuelist):
        raw = "".join((valuelist[0] if valuelist else "").split()).replace(",", ".")
        if not raw:
            self.data = None
            return
        try:
            self.data = Decimal(raw)
        except InvalidOperation as exc:
            self.data = None
            raise ValueError(str(self.message)) from exc
        if not self.data.is_finite():
            self.data = None
            raise ValueError(str(self.message))


class RuIntegerField(Field):
    """A whole number; anything else («2,5», «два») says so under the field."""

    widget = TextInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not raw:
            return
        if not raw.lstrip("-").isdigit() or len(raw) > 6:
            raise ValueError(str(_l("Введите целое число")))
        self.data = int(raw)


def _within(message, *, maximum):
    """A number typed is from 0 to `maximum` (an empty or unreadable one has its own message)."""

    def check(form, field):
        if field.data is not None and field.data < 0:
            raise ValidationError(str(message))
        if field.data is not None and field.data > maximum:
            raise ValidationError(str(_l("Слишком большое значение")))

    return check


def _area(label):
    return RuDecimalField(label, validators=[Optional(), _within(_l("Площадь не может быть отрицательной"),
                                                                 maximum=MAX_AREA)])


def _count(label):
    return RuIntegerField(label, validators=[Optional(), _within(_l("Введите целое неотрицательное число"),
                                                                 maximum=1000)])


class DataChangeForm(FlaskForm):
    """«Заявление на изменение данных по лицевому счету», prefilled with what the billing knows;
    only the values changed matter, a field left empty keeps its value."""

    owner_name = StringField(_l("ФИО"), validators=[Optional(), Length(max=300, message=_l("Не более 300 символов"))])
    area_total = _area(_l("Общая площадь, м²"))
    area_living = _area(_l("Жилая площадь, м²"))
    owners_count = _count(_l("Количество собственников"))
    registered_count = _count(_l("Количество зарегистрированных"))
    residing_count = _count(_l("Количество проживающих"))
    rooms = _count(_l("Количество комнат"))
    stove_type = SelectField(_l("Тип плиты"), validators=[Optional()], validate_choice=True)
    electric_heating = SelectField(_l("Наличие электроотопительной установки"), validators=[Optional()],
                                   choices=[("", "—"), ("1", _l("Есть")), ("0", _l("Нет"))])
    comment = TextAreaField(_l("Комментарий"), validators=[DataRequired(_l(MSG_REQUIRED)), Length(max=2000)],
                            description=_l("Опишите причину изменения данных, при необходимости — документ, "
                                           "на основании которого они меняются"))
    consent = BooleanField(_l("Согласие с «Политикой обработки персональных данных»"),
                           validators=[DataRequired(MSG_CONSENT)],
                           description=_l("в соответствии с Федеральным законом № 152-ФЗ от 27.07.2006 г. "
                                          "«О персональных данных»"))

    def offer_stove_types(self, current: str | None) -> None:
        """The usual stove types and the one the billing names for this account."""
        names = list(STOVE_TYPES) + ([current] if current and current not in STOVE_TYPES else [])
        self.stove_type.choices = [("", "—")] + [(name, name) for name in names]

    def values(self) -> dict:
        """The typed values as the command takes them (None = left empty)."""
        heating = {"1": True, "0": False}.get(self.electric_heating.data or "")
        return {"owner_name": self.owner_name.data, "area_total": self.area_total.data,
                "area_living": self.area_living.data, "owners_count": self.owners_count.data,
                "registered_count": self.registered_count.data, "residing_count": self.residing_count.data,
                "rooms": self.rooms.data, "stove_type": self.stove_type.data or None, "electric_heating": heating}

    @staticmethod
    def initial(values: dict) -> dict:
        """The account's values as the form's data (the flag as its choice)."""
        data = dict(values)
        flag = data.get("electric_heating")
        data["electric_heating"] = "" if flag is None else ("1" if flag else "0")
        return data


class TariffDocumentForm(FlaskForm):
    """«Документы об утверждении тарифов»: the PDF of one document."""

    file = FileField(_l("Файл документа (PDF)"), validators=[FileRequired(_l("Выберите файл"))])
