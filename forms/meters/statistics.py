"""«Статистика» (D7): the period, service, day zone and chart type, sent by GET (it changes
nothing, so no CSRF token)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField
from wtforms.validators import InputRequired

from forms.billing.details import MSG_MONTH, RuMonthField

ZONE_CHOICES = [("", _l("Все зоны")), ("T1", "Т1"), ("T2", "Т2"), ("T3", "Т3")]


class StatisticsForm(FlaskForm):
    class Meta:
        csrf = False

    period_from = RuMonthField(_l("Начало периода"), validators=[InputRequired(MSG_MONTH)],
                               render_kw={"placeholder": "ГГГГ-ММ"})
    period_to = RuMonthField(_l("Конец периода"), validators=[InputRequired(MSG_MONTH)],
                             render_kw={"placeholder": "ГГГГ-ММ"})
    #: any id is harmless: the statistics count only the account's own meters (the same for a zone
    #: or chart type not on the list: every zone, a line chart)
    service = SelectField(_l("Услуга"), default="", validate_choice=False)
    zone = SelectField(_l("Суточная зона"), choices=ZONE_CHOICES, default="", validate_choice=False)
    chart = RadioField(_l("Вид графика"), choices=[("line", _l("Линейный график")), ("bar", _l("Столбчатая диаграмма"))],
                       default="line", validate_choice=False)

    def offer_services(self, services: list[tuple[int, str]]) -> None:
        self.service.choices = [("", str(_l("Все услуги")))] + [(str(i), name) for i, name in services]

    @property
    def service_id(self) -> int | None:
        return int(self.service.data) if (self.service.data or "").isdigit() else None

    @property
    def zone_code(self) -> str | None:
        """A zone of the list, else every zone (a tampered value is not an error worth a message)."""
        return self.zone.data if self.zone.data in dict(ZONE_CHOICES) and self.zone.data else None
