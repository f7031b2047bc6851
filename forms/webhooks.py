"""«Вебхуки» (G2): registering an endpoint, and the buttons that only need the CSRF token."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, ValidationError, widgets
from wtforms.validators import DataRequired, Length

from app.core.notifications.webhooks import url_problem
from app.models.webhooks import WEBHOOK_EVENT_LABELS


def _known_events(form, field):
    if any(event not in WEBHOOK_EVENT_LABELS for event in field.data or ()):
        raise ValidationError(_l("Выберите события из списка"))


def _allowed_url(form, field):
    problem = url_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class EndpointForm(FlaskForm):
    """«Добавить получателя»: a name, the address, the events it wants."""

    name = StringField(_l("Название (какая система получает события)"), validators=[
        DataRequired(_l("Укажите название")), Length(max=200, message=_l("Не длиннее 200 символов"))])
    url = StringField(_l("Адрес (URL)"), validators=[
        DataRequired(_l("Укажите адрес")), Length(max=500, message=_l("Не длиннее 500 символов")), _allowed_url])
    events = SelectMultipleField(_l("События"), choices=list(WEBHOOK_EVENT_LABELS.items()),
                                 option_widget=widgets.CheckboxInput(), widget=widgets.ListWidget(prefix_label=False),
                                 validate_choice=False,
                                 validators=[DataRequired(_l("Выберите хотя бы одно событие")), _known_events])


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token («Отключить», «Повторить сейчас»)."""
