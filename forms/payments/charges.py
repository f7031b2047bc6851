"""«Начисления и оплаты» (D5): the tab, the period and the supplier, sent by GET (it changes
nothing, so no CSRF token)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.validators import InputRequired

from forms.billing.details import MSG_MONTH, RuMonthField


class ChargesForm(FlaskForm):
    class Meta:
        csrf = False

    tab = HiddenField(default="events")
    period_from = RuMonthField(_l("Начало периода"), validators=[InputRequired(MSG_MONTH)],
                               render_kw={"placeholder": "ГГГГ-ММ"})
    period_to = RuMonthField(_l("Конец периода"), validators=[InputRequired(MSG_MONTH)],
                             render_kw={"placeholder": "ГГГГ-ММ"})
    #: any id is harmless: the page reads only the account's own rows (another id = every supplier)
    supplier = SelectField(_l("Поставщик услуг"), default="", validate_choice=False)

    def offer_suppliers(self, suppliers: list[tuple[int, str]]) -> None:
        self.supplier.choices = [("", str(_l("Все поставщики")))] + [(str(i), name) for i, name in suppliers]

    @property
    def supplier_id(self) -> int | None:
        return int(self.supplier.data) if (self.supplier.data or "").isdigit() else None
