"""«Мои данные» (A5): one form per legal form, built from a table of fields."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, StringField, SubmitField
from wtforms.widgets import TextInput
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp

from app.core.identifiers import validate_inn, validate_kpp
from app.models import LegalForm
from forms.auth import MSG_EMAIL, MSG_REQUIRED, identifier, person_name, phone_number, strip
from workflows.accounts.profile import REQUIRED_FIELDS

DATE_FORMAT = "%d.%m.%Y"
MSG_DATE = _l("Введите дату в формате ДД.ММ.ГГГГ")


def _text(label, max_length, *validators):
    return lambda: StringField(label, filters=[strip], validators=[Length(max=max_length), *validators])


class RuDateField(DateField):
    """DD.MM.YYYY typed as text (a browser's type=date would send YYYY-MM-DD), with a Russian
    message for a wrong date."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(MSG_DATE) from None


def _date(label):
    return lambda: RuDateField(label, format=DATE_FORMAT, validators=[Optional()],
                             render_kw={"placeholder": "ДД.ММ.ГГГГ", "inputmode": "numeric"})


#: attribute → field factory (labels from the seeds)
FIELD_FACTORIES = {
    "org_name": _text(_l("Наименование"), 500),
    "last_name": _text(_l("Фамилия"), 50, person_name),
    "first_name": _text(_l("Имя"), 50, person_name),
    "middle_name": _text(_l("Отчество"), 50, person_name),
    "position": _text(_l("Должность"), 200),
    "inn": lambda: StringField(_l("ИНН"), filters=[strip], validators=[identifier(lambda v: validate_inn(v, (12,)))]),
    "kpp": lambda: StringField(_l("КПП"), filters=[strip], validators=[identifier(validate_kpp)]),
    "registry_date": _date(_l("Дата внесения записи в реестр")),
    "birth_date": _date(_l("Дата рождения")),
    "birth_place": _text(_l("Место рождения"), 300),
    "passport_series": _text(_l("Серия паспорта"), 4, Regexp(r"^\d{4}$|^$", message=_l("Серия паспорта — 4 цифры"))),
    "passport_number": _text(_l("Номер паспорта"), 6, Regexp(r"^\d{6}$|^$", message=_l("Номер паспорта — 6 цифр"))),
    "passport_issued_by": _text(_l("Кем выдан"), 300),
    "passport_issued_on": _date(_l("Дата выдачи")),
    "passport_department_code": _text(_l("Код подразделения"), 7,
                                      Regexp(r"^\d{3}-\d{3}$|^$", message=_l("Код подразделения в формате 000-000"))),
    "registration_address": _text(_l("Адрес регистрации"), 500),
    "postal_address": _text(_l("Почтовый адрес"), 500),
}

#: per legal form: sections of (title, editable attributes); identifiers used to sign in
#: (СНИЛС, ОГРН, ОГРНИП, ИНН of ИП/ЮЛ) are shown read-only
LAYOUT = {
    LegalForm.INDIVIDUAL: [
        (_l("Личные данные"), ["last_name", "first_name", "middle_name", "inn", "birth_date", "birth_place"]),
        (_l("Паспортные данные"), ["passport_series", "passport_number", "passport_issued_by",
                                   "passport_issued_on", "passport_department_code"]),
        (_l("Адреса"), ["registration_address", "postal_address"]),
    ],
    LegalForm.ENTREPRENEUR: [
        (_l("Личные данные"), ["org_name", "registry_date", "last_name", "first_name", "middle_name",
                               "birth_date", "birth_place"]),
        (_l("Паспортные данные"), ["passport_series", "passport_number", "passport_issued_by",
                                   "passport_issued_on", "passport_department_code"]),
        (_l("Адреса"), ["registration_address", "postal_address"]),
    ],
    LegalForm.LEGAL_ENTITY: [
        (_l("Личные данные"), ["org_name", "kpp", "registry_date"]),
        (_l("Данные о представителе"), ["last_name", "first_name", "middle_name", "position"]),
        (_l("Адреса"), ["registration_address", "postal_address"]),
    ],
}

#: labels that differ by legal form
LABELS = {
    (LegalForm.ENTREPRENEUR, "org_name"): _l("Наименование ИП"),
    (LegalForm.LEGAL_ENTITY, "org_name"): _l("Наименование организации"),
    (LegalForm.ENTREPRENEUR, "registry_date"): _l("Дата внесения в ЕГРИП"),
    (LegalForm.LEGAL_ENTITY, "registry_date"): _l("Дата выдачи ОГРН"),
    (LegalForm.LEGAL_ENTITY, "registration_address"): _l("Юридический адрес"),
}

#: read-only identifiers shown at the top, per legal form
READ_ONLY = {
    LegalForm.INDIVIDUAL: ["snils"],
    LegalForm.ENTREPRENEUR: ["inn", "ogrnip"],
    LegalForm.LEGAL_ENTITY: ["inn", "ogrn"],
}

_form_classes: dict[LegalForm, type] = {}


def profile_form_class(legal_form: LegalForm) -> type:
    """The «Мои данные» form of one legal form; required fields get DataRequired."""
    if legal_form not in _form_classes:
        attrs = {}
        required = REQUIRED_FIELDS[legal_form]
        for _title, names in LAYOUT[legal_form]:
            for name in names:
                if name in READ_ONLY[legal_form]:
                    continue
                field = FIELD_FACTORIES[name]()
                kwargs = dict(field.kwargs)
                kwargs["label"] = LABELS.get((legal_form, name), kwargs.get("label", field.args[0] if field.args else name))
                validators = list(kwargs.get("validators") or [])
                if name in required:
                    validators = [v for v in validators if not isinstance(v, Optional)]
                    # a date that does not parse keeps its own message: InputRequired looks at the raw text
                    required_check = InputRequired if isinstance(field.field_class, type) and issubclass(
                        field.field_class, DateField) else DataRequired
                    validators.insert(0, required_check(MSG_REQUIRED))
                kwargs["validators"] = validators
                attrs[name] = field.field_class(**kwargs)
        attrs["submit"] = SubmitField(_l("Сохранить"))
        _form_classes[legal_form] = type(f"ProfileForm_{legal_form.name}", (FlaskForm,), attrs)
    return _form_classes[legal_form]


def profile_sections(form, legal_form: LegalForm):
    """(title, [bound fields]) in layout order, for the template."""
    return [(title, [form[name] for name in names if name in form]) for title, names in LAYOUT[legal_form]]


class PhoneForm(FlaskForm):
    phone = StringField(_l("Номер телефона"), filters=[strip], validators=[DataRequired(MSG_REQUIRED), phone_number])
    submit = SubmitField(_l("Направить код подтверждения"))


class EmailForm(FlaskForm):
    email = StringField(_l("Адрес электронной почты"), filters=[strip],
                        validators=[DataRequired(MSG_REQUIRED), Email(MSG_EMAIL, check_deliverability=False)])
    submit = SubmitField(_l("Направить код подтверждения"))


class NotificationsForm(FlaskForm):
    notify_email = BooleanField(_l("Получать уведомления по электронной почте"))
    notify_sms = BooleanField(_l("Получать уведомления по SMS"))
    submit = SubmitField(_l("Сохранить"))

