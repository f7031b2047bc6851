"""Forms of «Подать заявление» (E2): the topic chosen (a GET form, so the page works without
JavaScript) and the statement itself — the requisites every appeal and statement carries
(forms/appeals.py), «Текст заявления», «Выбрать документ» and the 152-ФЗ consent. The topic's own
fields are the applications area's data-driven form (forms/applications.py:build_application_form),
posted with this one under the same CSRF token. The rules live in workflows/statements/filing.py."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, Form, HiddenField, SelectField, TextAreaField

from forms.appeals import RequisitesForm
from forms.applications import FIELD_PREFIX, build_application_form, form_values


class TopicForm(Form):
    """«Тема заявления»: choosing one reloads the page with its own fields (?topic=…)."""

    topic = SelectField(_l("Тема заявления"), choices=[])

    def setup(self, topics, chosen: str | None):
        self.topic.choices = [("", _l("— выберите тему —"))] + [(t.code, t.name) for t in topics]
        self.topic.data = chosen or ""
        return self


class StatementForm(RequisitesForm):
    """The statement: the chosen topic (hidden), the requisites, the text, documents, consent."""

    topic = HiddenField()
    text = TextAreaField(_l("Текст заявления"), render_kw={"rows": 6, "maxlength": 5000},
                         description=_l("Опишите ситуацию и, при необходимости, приложите документы"))
    files = MultipleFileField(_l("Выбрать документ"))
    consent = BooleanField(_l("Согласие с «Политикой обработки персональных данных»"))

    required_fields = RequisitesForm.required_fields + ("text", "consent")


def own_fields_form(fields, formdata=None):
    """The topic's own fields (FormField rows), read as typed; «required» is the workflow's check,
    so that every empty field gets its message with the rest of the refusals."""
    return build_application_form(fields, require=False, formdata=formdata)


def own_values(form) -> dict:
    """code → value of the own fields that could be read (a date typed wrong stays None)."""
    return form_values(form)


def show_own_errors(form, field_errors: dict[str, str]) -> None:
    """The workflow's messages under the own fields (keyed by the field's code)."""
    for code, message in field_errors.items():
        name = FIELD_PREFIX + code
        if name in form and not form[name].errors:  # a value typed wrong keeps its own message
            form[name].errors = list(form[name].errors) + [message]
