"""WTForms of the applications area: data-driven application forms, documents, messages, staff tools."""
import datetime
import decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

MSG_REQUIRED = _l("Поле обязательно для заполнения")
MSG_NUMBER = _l("Введите число")
MSG_INTEGER = _l("Введите целое число")
MSG_DATE = _l("Введите дату в формате ДД.ММ.ГГГГ")
MSG_CHOICE = _l("Выберите значение из списка")
MSG_NEGATIVE = _l("Значение не может быть отрицательным")

FIELD_PREFIX = "f_"


def _field(spec, require: bool):
    """One WTForms field for a FormField row (B3)."""
    validators = [DataRequired(message=MSG_REQUIRED)] if (require and spec.required) else [Optional()]
    kwargs = {"label": spec.label, "description": spec.help_text or ""}
    kind = spec.field_type
    if kind == "text" or kind == "richtext":
        return TextAreaField(validators=validators + [Length(max=20000)], **kwargs)
    if kind == "integer":
        return LocalizedIntegerField(validators=validators + [NumberRange(min=0, message=MSG_NEGATIVE)],
                                     **kwargs)
    if kind == "decimal":
        return LocalizedDecimalField(validators=validators + [NumberRange(min=0, message=MSG_NEGATIVE)],
                                     places=None, **kwargs)
    if kind == "date":
        return LocalizedDateField(validators=validators, **kwargs)
    if kind == "select":
        choices = [("", _l("— выберите —"))] + [(c, c) for c in (spec.choices or [])]
        return ChoiceField(choices=choices, validators=validators, **kwargs)
    if kind == "checkbox":
        return BooleanField(validators=[InputRequired(message=MSG_REQUIRED)] if (require and spec.required)
                            else [Optional()], **kwargs)
    return StringField(validators=validators + [Length(max=500)], **kwargs)


class _StopOnBadInput:
    """A value that could not be read shows one message (ours), not a chain of them."""

    def pre_validate(self, form):
        if self.process_errors:
            self.process_errors = self.process_errors[-1:]
            raise StopValidation()
        super().pre_validate(form)


class LocalizedDecimalField(_StopOnBadInput, DecimalField):
    """Accepts «15,5» as well as «15.5»: Russian users type a comma."""

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        raw = str(valuelist[0]).replace(",", ".").replace(" ", "").replace("\u00a0", "")
        try:
            self.data = decimal.Decimal(raw)
        except (decimal.InvalidOperation, ValueError):
            self.data = None
            raise ValueError(MSG_NUMBER) from None
        if not self.data.is_finite():
            self.data = None
            raise ValueError(MSG_NUMBER)


class LocalizedIntegerField(_StopOnBadInput, IntegerField):
    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = int(str(valuelist[0]).strip())
        except ValueError:
            self.data = None
            raise ValueError(MSG_INTEGER) from None


class LocalizedDateField(_StopOnBadInput, DateField):
    """ДД.ММ.ГГГГ typed by hand, or the ISO value of a date picker."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%d", "%d.%m.%Y"])
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        raw = str(valuelist[0]).strip()
        for fmt in self.format:
            try:
                self.data = datetime.datetime.strptime(raw, fmt).date()
                return
            except ValueError:
                continue
        self.data = None
        raise ValueError(MSG_DATE)


class ChoiceField(SelectField):
    """A select whose wrong value gets our message rather than WTForms' generic one."""

    def pre_validate(self, form):
        if self.data in (None, ""):
            return
        if self.data not in {str(value) for value, _label in self.choices}:
            raise ValidationError(MSG_CHOICE)


class _ApplicationFormBase(FlaskForm):
    action = HiddenField(default="save")

    def field_specs(self):
        return self._specs


def _stored_value(spec, value):
    """A value of Application.data (a string) as its form field takes it; None when unreadable."""
    try:
        if spec.field_type == "date":
            return datetime.date.fromisoformat(value)
        if spec.field_type == "decimal":
            return decimal.Decimal(value)
    except (ValueError, decimal.InvalidOperation):
        return None
    if spec.field_type == "integer":
        return int(value) if str(value).isdigit() else None
    if spec.field_type == "checkbox":
        return value == "1"
    return value


def build_application_form(specs, *, require: bool, formdata=None, data: dict | None = None):
    """The form of one application type and legal form; `require` when submitting."""

    class ApplicationForm(_ApplicationFormBase):
        pass

    for spec in specs:
        setattr(ApplicationForm, FIELD_PREFIX + spec.code, _field(spec, require))
    obj_data = {FIELD_PREFIX + spec.code: _stored_value(spec, (data or {}).get(spec.code))
                for spec in specs if (data or {}).get(spec.code) not in (None, "")}
    form = ApplicationForm(formdata=formdata, data=obj_data) if formdata is not None else ApplicationForm(data=obj_data)
    form._specs = list(specs)
    return form


def form_values(form) -> dict:
    """code → value of a validated application form."""
    return {spec.code: form[FIELD_PREFIX + spec.code].data for spec in form.field_specs()}


def _document_choices(document_types):
    return [(0, _l("— другой документ (введите название) —"))] + [(d.id, d.name) for d in document_types]


class AttachmentForm(FlaskForm):
    """«Добавить документ»: name from the list or typed, file, comment (B4)."""

    document_type_id = SelectField(_l("Название документа"), coerce=int, validators=[Optional()])
    title = StringField(_l("Название документа (если его нет в списке)"), validators=[Optional(), Length(max=300)])
    file = FileField(_l("Файл"), validators=[FileRequired(message=_l("Выберите файл"))])
    comment = TextAreaField(_l("Комментарий"), validators=[Optional(), Length(max=5000)])

    def setup(self, document_types):
        self.document_type_id.choices = _document_choices(document_types)
        return self

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and not self.document_type_id.data and not (self.title.data or "").strip():
            self.title.errors.append(_l("Выберите название документа из списка или введите его"))
            return False
        return ok


PURPOSES = [
    ("", _l("Документ")),
    ("invoice", _l("Счет на оплату технологического присоединения")),
    ("missing_data", _l("Недостающие данные")),
    ("refusal_reason", _l("Причина отказа")),
    ("contract", _l("Договор")),
]


class StaffAttachmentForm(AttachmentForm):
    purpose = SelectField(_l("Назначение"), choices=PURPOSES, validators=[Optional()])
    needs_two_sided_signature = BooleanField(_l("Необходима двухсторонняя электронная подпись"))


class MessageForm(FlaskForm):
    """«Добавить сообщение» (B10); the text is sanitized by the service."""

    body = TextAreaField(_l("Сообщение"), validators=[DataRequired(message=_l("Введите текст сообщения")),
                                                      Length(max=20000)])
    file = FileField(_l("Документ"), validators=[Optional()])
    file_title = StringField(_l("Название документа"), validators=[Optional(), Length(max=300)])


class StaffSaveForm(FlaskForm):
    """Staff item page: «Регистрационный номер», status, and what the transition needs."""

    version = HiddenField(validators=[DataRequired()])
    number = StringField(_l("Регистрационный номер"), validators=[Optional(), Length(max=64)])
    assign_number = BooleanField(_l("Присвоить следующий номер автоматически"))
    transition_id = SelectField(_l("Текущий статус"), coerce=int, validators=[Optional()])
    free_status = StringField(_l("Или введите свой статус"), validators=[Optional(), Length(max=200)])
    comment = TextAreaField(_l("Комментарий"), validators=[Optional(), Length(max=5000)])
    status_document_type_id = SelectField(_l("Документ к статусу"), coerce=int, validators=[Optional()])
    status_document_title = StringField(_l("Название документа"), validators=[Optional(), Length(max=300)])
    status_file = FileField(_l("Файл"), validators=[Optional()])

    def setup(self, transitions, document_types):
        self.transition_id.choices = [(0, _l("— не менять —"))] + [(t.id, transition_label(t)) for t in transitions]
        self.status_document_type_id.choices = _document_choices(document_types)
        return self


def transition_label(transition) -> str:
    """A status choice names the status it leads to; the action too where it says something else
    («Отказать → Отказано»), not where it repeats it («Подготовка оферты договора»)."""
    target = transition.to_status.name
    if " ".join(transition.name.lower().split()) == " ".join(target.lower().split()):
        return target
    return f"{transition.name} → {target}"


class StageNoteForm(FlaskForm):
    """«Добавить статус»: a stage note such as «Ведется проектирование»."""

    text = StringField(_l("Статус"), validators=[DataRequired(message=MSG_REQUIRED), Length(max=200)])


class NewApplicationForm(FlaskForm):
    type_code = HiddenField(validators=[DataRequired()])
    new = HiddenField(default="")


class ConfirmForm(FlaskForm):
    """An empty form: its CSRF token protects a button (delete, read …)."""


def build_tracker_form(stages, tracker: dict, formdata=None):
    """B9: a date and/or a mark per stage."""

    class TrackerForm(FlaskForm):
        pass

    data = {}
    for stage in stages:
        key = stage.code.replace(".", "_")
        setattr(TrackerForm, f"date_{key}", LocalizedDateField(stage.label, validators=[Optional()]))
        if stage.states:
            setattr(TrackerForm, f"state_{key}", SelectField(
                stage.label, choices=[("", "—")] + [(s, s) for s in stage.states], validators=[Optional()]))
        value = (tracker or {}).get(stage.code) or {}
        if value.get("date"):
            data[f"date_{key}"] = datetime.date.fromisoformat(value["date"])
        if value.get("state"):
            data[f"state_{key}"] = value["state"]
    form = TrackerForm(formdata=formdata, data=data) if formdata is not None else TrackerForm(data=data)
    form.stages = stages
    return form


def tracker_values(form) -> dict:
    values = {}
    for stage in form.stages:
        key = stage.code.replace(".", "_")
        state_field = getattr(form, f"state_{key}", None)
        values[stage.code] = {"date": form[f"date_{key}"].data,
                              "state": state_field.data if state_field is not None else None}
    return values
