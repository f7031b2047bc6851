"""Forms of «Обращения» (E1): the requisites every appeal and statement (E2) carries, and the appeal.

The rules (what is required, whose account, whose supplier, file limits) live in
workflows/appeals/requisites.py; these forms carry the values, the CSRF token and the labels,
and show the workflow's messages under their fields (`show_errors`).
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import SelectField, StringField, TextAreaField

from forms.billing.details import PeriodForm
from workflows.appeals.requisites import Requisites


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class _FreeSelectField(SelectField):
    """A select whose value the workflow checks (against the consumer's own accounts), so that a
    refused value comes back with its message instead of WTForms' «Not a valid choice»."""

    def pre_validate(self, form):
        pass


class RequisitesForm(FlaskForm):
    """ФИО, «Номер лицевого счета», «Поставщик», «Номер телефона», «E-mail» (seed 004 §2.10)."""

    full_name = StringField(_l("ФИО"), filters=[_strip], render_kw={"maxlength": 300, "autocomplete": "name"})
    account_id = _FreeSelectField(_l("Номер лицевого счета"), choices=[])
    supplier_id = _FreeSelectField(_l("Поставщик"), choices=[])
    phone = StringField(_l("Номер телефона"), filters=[_strip], render_kw={"autocomplete": "tel", "inputmode": "tel"})
    email = StringField(_l("E-mail"), filters=[_strip], render_kw={"autocomplete": "email", "inputmode": "email"})

    #: fields the page marks with «*» (the selects only when there is something to choose)
    required_fields = ("full_name", "phone", "email")

    def setup(self, accounts: list[tuple[int, str]], suppliers: list[tuple[int, str]],
              requisites: Requisites | None = None):
        """Fill the selects and, on the first showing (GET), the prefilled values."""
        self.account_id.choices = [("", "—")] + [(str(i), label) for i, label in accounts]
        self.supplier_id.choices = [("", "—")] + [(str(i), label) for i, label in suppliers]
        for name in self.required_fields + (("account_id",) if accounts else ()) + (("supplier_id",) if suppliers else ()):
            self[name].flags.required = True
        if requisites is not None and not self.is_submitted():
            self.full_name.data = requisites.full_name
            self.account_id.data = str(requisites.account_id or "")
            self.supplier_id.data = str(requisites.supplier_id or "")
            self.phone.data = requisites.phone
            self.email.data = requisites.email
        return self

    def requisites_values(self) -> dict:
        """The requisites as typed, for workflows.appeals.requisites.check_requisites."""
        return {name: getattr(self, name).data for name in ("full_name", "account_id", "supplier_id", "phone", "email")}

    def show_errors(self, field_errors: dict[str, str]) -> None:
        """Put the workflow's messages under their fields (unknown keys are ignored)."""
        for name, message in field_errors.items():
            field = getattr(self, name, None)
            if field is not None and hasattr(field, "errors"):
                field.errors = list(field.errors or []) + [message]


class AppealForm(RequisitesForm):
    """«Написать новое обращение»."""

    topic_id = _FreeSelectField(_l("Тема обращения"), choices=[])
    text = TextAreaField(_l("Текст обращения"), filters=[_strip], render_kw={"rows": 8, "maxlength": 5000})
    files = MultipleFileField(_l("Вложения"))

    required_fields = RequisitesForm.required_fields + ("topic_id", "text")

    def setup_topics(self, topics: list[tuple[int, str]]):
        self.topic_id.choices = [("", "—")] + [(str(i), name) for i, name in topics]
        return self


class HistoryFilterForm(PeriodForm):
    """«История обращений»: the months from–to (GET, no CSRF token, like every history's period)."""
