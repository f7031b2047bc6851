"""Forms of «Опросы» (E5): the admins' survey and question forms, and the CSRF-only forms of the
consumer's answer and the admins' publish/close/delete buttons (the answers themselves are read
per question by workflows/surveys/answering.py: their fields depend on the survey)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from forms.accounts import DATE_FORMAT, RuDateField
from forms.billing.details import RuIntegerField
from workflows.surveys import rules
from workflows.surveys.builder import QuestionFields, SurveyFields


def _id(value) -> int:
    """A chosen id; 0 for anything else (the builder refuses it with its own message)."""
    return int(value) if str(value).isdigit() and len(str(value)) < 10 else 0


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _date(label):
    return RuDateField(label, format=DATE_FORMAT, validators=[InputRequired(rules.MSG_REQUIRED)],
                       render_kw={"placeholder": "ДД.ММ.ГГГГ", "inputmode": "numeric"})


class FieldErrorsMixin:
    def put_errors(self, errors: dict) -> None:
        """The builder's messages under their fields."""
        for name, message in errors.items():
            self[name].errors = list(self[name].errors) + [str(message)]


class SurveyForm(FieldErrorsMixin, FlaskForm):
    """«Создать опрос» / a draft's title, period and target."""

    title = StringField(_l("Название опроса"), filters=[_strip],
                        validators=[DataRequired(rules.MSG_REQUIRED),
                                    Length(max=300, message=_l("Не более 300 символов"))])
    description = TextAreaField(_l("Описание"), filters=[_strip],
                                validators=[Length(max=5000, message=_l("Не более 5000 символов"))],
                                description=_l("Что потребитель прочтет перед вопросами"))
    starts_on = _date(_l("Дата начала"))
    ends_on = _date(_l("Дата окончания"))
    target = RadioField(_l("Кому адресован опрос"), choices=list(rules.TARGET_LABELS.items()), default="all",
                        validators=[InputRequired(rules.MSG_CHOOSE)], validate_choice=False)
    branch_id = SelectField(_l("Филиал"), coerce=_id, validate_choice=False)
    application_type_id = SelectField(_l("Тип заявки"), coerce=_id, validate_choice=False)

    def __init__(self, branches, types, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch_id.choices = [(0, _l("— выберите филиал —"))] + list(branches)
        self.application_type_id.choices = [(0, _l("— выберите тип заявки —"))] + list(types)

    def values(self) -> SurveyFields:
        return SurveyFields(title=self.title.data, description=self.description.data or "",
                            starts_on=self.starts_on.data, ends_on=self.ends_on.data, target=self.target.data,
                            branch_id=self.branch_id.data or None,
                            application_type_id=self.application_type_id.data or None)


class QuestionForm(FieldErrorsMixin, FlaskForm):
    """«Добавить вопрос» / a draft's question: its kind, wording, options or scale."""

    text = TextAreaField(_l("Текст вопроса"), filters=[_strip],
                         validators=[DataRequired(rules.MSG_REQUIRED),
                                     Length(max=1000, message=_l("Не более 1000 символов"))])
    kind = RadioField(_l("Вид ответа"), choices=list(rules.KIND_LABELS.items()), default="single",
                      validators=[InputRequired(rules.MSG_CHOOSE)], validate_choice=False)
    required = BooleanField(_l("Обязательный вопрос"), default=True)
    options = TextAreaField(_l("Варианты ответа"), description=_l("Каждый вариант с новой строки"),
                            validators=[Length(max=10000, message=_l("Не более 10000 символов"))])
    scale_min = RuIntegerField(_l("Шкала от"), validators=[Optional()])
    scale_max = RuIntegerField(_l("Шкала до"), validators=[Optional()])
    scale_min_label = StringField(_l("Подпись начала шкалы"), filters=[_strip],
                                  validators=[Length(max=100, message=_l("Не более 100 символов"))],
                                  render_kw={"placeholder": _l("например, «Очень плохо»")})
    scale_max_label = StringField(_l("Подпись конца шкалы"), filters=[_strip],
                                  validators=[Length(max=100, message=_l("Не более 100 символов"))],
                                  render_kw={"placeholder": _l("например, «Отлично»")})
    sort_order = RuIntegerField(_l("Порядковый номер"), validators=[Optional()],
                                description=_l("Пусто — в конец опроса"))

    def values(self) -> QuestionFields:
        lines = [line.strip() for line in (self.options.data or "").splitlines() if line.strip()]
        return QuestionFields(kind=self.kind.data, text=self.text.data, required=bool(self.required.data),
                              options=lines, scale_min=self.scale_min.data, scale_max=self.scale_max.data,
                              scale_min_label=self.scale_min_label.data or "",
                              scale_max_label=self.scale_max_label.data or "", sort_order=self.sort_order.data)

    def show(self, question) -> None:
        """Fill the form from a stored question (GET of its edit page)."""
        self.text.data, self.kind.data, self.required.data = question.text, question.kind, question.required
        self.options.data = "\n".join(option.text for option in question.options)
        self.scale_min.data, self.scale_max.data = question.scale_min, question.scale_max
        self.scale_min_label.data = question.scale_min_label or ""
        self.scale_max_label.data = question.scale_max_label or ""
        self.sort_order.data = question.sort_order


class ButtonForm(FlaskForm):
    """A button's form (publish, close, delete a question, send the answers): the CSRF token only."""
