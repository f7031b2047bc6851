"""«Уведомления» (E7): the history's filter (GET, no CSRF token: it changes nothing), the buttons
that mark notices read (CSRF only), the settings page and the admins' marketing mailing."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from forms.accounts import DATE_FORMAT, MSG_REQUIRED, RuDateField, strip

#: «Показать»
STATE_CHOICES = [("all", _l("Все")), ("unread", _l("Непрочитанные")), ("read", _l("Прочитанные"))]


def _not_before_since(form, field):
    if field.data and form.since.data and field.data < form.since.data:
        raise ValidationError(_l("Дата окончания периода не может быть раньше даты начала"))


class HistoryFilterForm(FlaskForm):
    class Meta:
        csrf = False

    state = SelectField(_l("Показать"), choices=STATE_CHOICES, default="all", validate_choice=False)
    since = RuDateField(_l("С"), format=DATE_FORMAT, validators=[Optional()],
                        render_kw={"placeholder": "ДД.ММ.ГГГГ", "inputmode": "numeric"})
    until = RuDateField(_l("По"), format=DATE_FORMAT, validators=[Optional(), _not_before_since],
                        render_kw={"placeholder": "ДД.ММ.ГГГГ", "inputmode": "numeric"})
    kind = SelectField(_l("Вид события"), default="", validate_choice=False)

    def offer_kinds(self, kinds) -> None:
        self.kind.choices = [("", str(_l("Все события")))] + [(kind.code, str(kind.label)) for kind in kinds]


class ButtonForm(FlaskForm):
    """An empty form: its CSRF token protects a button («Отметить …», «Скрыть подсказку»)."""


def settings_form_class(kinds, channels):
    """The settings form: one checkbox per kind × channel (named «<kind>__<channel>»), the consent
    and the hints."""

    class SettingsForm(FlaskForm):
        marketing_consent = BooleanField(_l("Я согласен получать уведомления и рекламную продукцию по электронной "
                                            "почте"))
        show_hints = BooleanField(_l("Отображать подсказки"))

    for kind in kinds:
        for channel, label in channels.items():
            setattr(SettingsForm, f"{kind.code}__{channel}", BooleanField(label))
    return SettingsForm


class MarketingForm(FlaskForm):
    subject = StringField(_l("Тема письма"), filters=[strip],
                          validators=[DataRequired(MSG_REQUIRED), Length(max=200)])
    body = TextAreaField(_l("Текст письма"), filters=[strip],
                         validators=[DataRequired(MSG_REQUIRED), Length(max=20000)], render_kw={"rows": 10})
