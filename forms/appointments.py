"""Forms of «Запись на прием» and «Заказ обратного звонка» (E4). They render and carry the CSRF
token; the values are checked by the commands (workflows/appointments/), which name every wrong
field, so a form and a script meet the same rules."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from workflows.appointments import offices
from workflows.appointments.callbacks import interval_label
from workflows.appointments.rules import CALLBACK_INTERVALS
from workflows.appointments.schedule import WEEKDAYS


class ActionForm(FlaskForm):
    """A POST button (cancel, mark): the CSRF token only."""


class BookForm(FlaskForm):
    """«Записаться»: the choices of the GET steps, sent once more with the chosen time."""

    topic = HiddenField()
    office = HiddenField()
    day = HiddenField()
    time = StringField(_l("Время"))


class CallbackForm(FlaskForm):
    """«Заказ обратного звонка»."""

    topic = SelectField(_l("Тема"), validate_choice=False)
    phone = StringField(_l("Номер телефона"), description=_l("В формате +7 (XXX) XXX-XX-XX"))
    day = StringField(_l("Дата звонка"), description=_l("ДД.ММ.ГГГГ"))
    interval = SelectField(_l("Удобное время звонка"), validate_choice=False,
                           choices=[("", "—")] + [(code, interval_label(code)) for code in CALLBACK_INTERVALS])
    comment = TextAreaField(_l("Комментарий"))

    def values(self) -> dict:
        return {name: self[name].data for name in ("topic", "phone", "day", "interval", "comment")}

    def put_errors(self, errors: dict) -> None:
        for name, message in errors.items():
            if name in self:
                self[name].errors = list(self[name].errors or []) + [message]


class HandleCallbackForm(FlaskForm):
    """«Звонок выполнен» / «Не дозвонились» with a comment."""

    comment = TextAreaField(_l("Комментарий"))


def schedule_form_class():
    """The office schedule form: the numbers, then four times for each weekday."""

    class ScheduleForm(FlaskForm):
        slot_minutes = StringField(_l("Длительность приема, минут"))
        capacity = StringField(_l("Мест в одном интервале"))
        days_ahead = StringField(_l("Запись открыта на дней вперед"))

        def values(self) -> dict:
            return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}

        def put_errors(self, errors: dict) -> None:
            for name, message in errors.items():
                if name in self:
                    self[name].errors = list(self[name].errors or []) + [message]

        def weekday_fields(self, weekday: int) -> list:
            return [self[offices.field_name(weekday, part)] for part in offices.PARTS]

    labels = {"opens": "начало приема", "closes": "конец приема", "break_from": "начало перерыва",
              "break_to": "конец перерыва"}
    for weekday, name in enumerate(WEEKDAYS):
        for part in offices.PARTS:
            setattr(ScheduleForm, offices.field_name(weekday, part), StringField(f"{name}: {labels[part]}"))
    return ScheduleForm


ScheduleForm = schedule_form_class()
