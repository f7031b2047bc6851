"""WTForms of the accounts area: registration, sign-in, codes, passwords, TOTP, and «Мои
данные» (A5), one form per legal form built from a table of fields."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, PasswordField, RadioField, StringField, SubmitField
from wtforms.validators import (DataRequired, Email, EqualTo, InputRequired, Length, Optional, Regexp, StopValidation,
                                ValidationError)
from wtforms.widgets import TextInput

from app.core.identifiers import (InvalidIdentifier, normalize_phone, validate_inn, validate_kpp, validate_ogrn,
                                  validate_ogrnip, validate_snils)
from app.models import LegalForm
from workflows.accounts.login import channel_of
from workflows.accounts.passwords import password_problem
from workflows.accounts.profile import REQUIRED_FIELDS

MSG_REQUIRED = _l("Заполните обязательное поле")
MSG_NAME = _l("Поле должно содержать не более 50 символов: русские или латинские буквы, дефис «-» и тире «—»")
MSG_PASSWORDS_DIFFER = _l("Пароли не совпадают")
MSG_EMAIL = _l("Введите корректный адрес электронной почты")
MSG_CONSENT = _l("Необходимо согласие с условиями обработки персональных данных")
MSG_CAPTCHA = _l("Неверно введены символы с картинки")
MSG_CODE = _l("Введите 6 цифр кода подтверждения")

NAME_RE = re.compile(r"^[A-Za-zА-Яа-яЁё]+(?:[-—][A-Za-zА-Яа-яЁё]+)*[-—]?$")


def strip(value):
    return value.strip() if isinstance(value, str) else value


def person_name(form, field):
    """Фамилия, имя, отчество: at most 50 Cyrillic or Latin letters, «-» and «—» (seed 004)."""
    if field.data and (len(field.data) > 50 or not NAME_RE.match(field.data)):
        raise ValidationError(MSG_NAME)


def identifier(validate):
    """A field validator from an app.core.identifiers validator; stores the normalized value."""

    def _check(form, field):
        if not field.data:
            return
        try:
            field.data = validate(field.data)
        except InvalidIdentifier as exc:
            raise StopValidation(str(exc)) from None

    return _check


#: a mobile number, stored as +7XXXXXXXXXX
phone_number = identifier(normalize_phone)


def strong_password(form, field):
    problem = password_problem(field.data)
    if problem:
        raise ValidationError(problem)


def six_digits(form, field):
    value = re.sub(r"\s", "", field.data or "")
    if not re.fullmatch(r"\d{6}", value):
        raise StopValidation(MSG_CODE)
    field.data = value


def code_field(label=_l("Код подтверждения")):
    return StringField(label, filters=[strip], validators=[DataRequired(MSG_REQUIRED), six_digits])


def password_fields(label=_l("Пароль"), confirm_label=_l("Подтвердите пароль")):
    return (
        PasswordField(label, validators=[DataRequired(MSG_REQUIRED), strong_password]),
        PasswordField(confirm_label, validators=[DataRequired(MSG_REQUIRED), EqualTo("password", MSG_PASSWORDS_DIFFER)]),
    )


class RegistrationForm(FlaskForm):
    """One form for the three legal forms; which fields count is data (FIELDS_BY_FORM)."""

    legal_form = RadioField(
        _l("Правовая форма"),
        choices=[(f.value, f.label) for f in LegalForm],
        default=LegalForm.INDIVIDUAL.value,
        validators=[DataRequired(MSG_REQUIRED)],
    )
    snils = StringField(_l("СНИЛС"), filters=[strip], validators=[identifier(validate_snils)])
    inn = StringField(_l("ИНН"), filters=[strip])
    ogrn = StringField(_l("ОГРН"), filters=[strip], validators=[identifier(validate_ogrn)])
    ogrnip = StringField(_l("ОГРНИП"), filters=[strip], validators=[identifier(validate_ogrnip)])
    kpp = StringField(_l("КПП"), filters=[strip], validators=[identifier(validate_kpp)])
    org_name = StringField(_l("Наименование"), filters=[strip], validators=[Length(max=500)])
    last_name = StringField(_l("Фамилия"), filters=[strip], validators=[person_name])
    first_name = StringField(_l("Имя"), filters=[strip], validators=[person_name])
    middle_name = StringField(_l("Отчество"), filters=[strip], validators=[person_name])
    email = StringField(_l("Email"), filters=[strip], validators=[Optional(), Email(MSG_EMAIL, check_deliverability=False)])
    phone = StringField(_l("Сотовый телефон"), filters=[strip], validators=[phone_number])
    password, confirm = password_fields()
    captcha = StringField(_l("Введите символы с картинки"), filters=[strip])
    consent = BooleanField(_l("Я согласен с условиями по обработке персональных данных"))
    submit = SubmitField(_l("Зарегистрироваться"))

    #: per legal form: (required fields, optional fields); other identifier fields are ignored
    FIELDS_BY_FORM = {
        LegalForm.INDIVIDUAL: (("snils", "last_name", "first_name", "email", "phone"), ("middle_name", "inn")),
        LegalForm.ENTREPRENEUR: (("inn", "ogrnip", "org_name", "last_name", "first_name", "email", "phone"),
                                 ("middle_name",)),
        LegalForm.LEGAL_ENTITY: (("inn", "ogrn", "kpp", "org_name", "last_name", "first_name", "email", "phone"),
                                 ("middle_name",)),
    }
    #: ИНН length per legal form: 12 digits for a person, 10 for an organization
    INN_LENGTHS = {LegalForm.INDIVIDUAL: (12,), LegalForm.ENTREPRENEUR: (12,), LegalForm.LEGAL_ENTITY: (10,)}
    PROFILE_FIELDS = ("snils", "inn", "ogrn", "ogrnip", "kpp", "org_name", "last_name", "first_name", "middle_name")

    def __init__(self, *args, captcha_solved: bool = False, captcha_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.captcha_solved = captcha_solved  # checked on the server (workflows/accounts/captcha.py)
        self.captcha_required = captcha_required

    @property
    def form_choice(self) -> LegalForm:
        try:
            return LegalForm(self.legal_form.data)
        except ValueError:
            return LegalForm.INDIVIDUAL

    def fields_for(self, legal_form: LegalForm) -> tuple[str, ...]:
        required, optional = self.FIELDS_BY_FORM[legal_form]
        return required + optional

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        required, optional = self.FIELDS_BY_FORM[self.form_choice]
        shown = set(required) | set(optional)
        for name in self.PROFILE_FIELDS:
            if name not in shown:  # the other tabs' values are not part of this registration
                self[name].errors = []
                self[name].data = None
        for name in required:
            if not self[name].data and not self[name].errors:
                self[name].errors = [MSG_REQUIRED]
        if self.inn.data and not self.inn.errors:
            try:
                self.inn.data = validate_inn(self.inn.data, self.INN_LENGTHS[self.form_choice])
            except InvalidIdentifier as exc:
                self.inn.errors = [str(exc)]
        if not self.consent.data:
            self.consent.errors = [MSG_CONSENT]
        if self.captcha_required and not self.captcha_solved:
            self.captcha.errors = [MSG_CAPTCHA]
        return not any(field.errors for field in self)

    def profile_data(self) -> dict:
        return {name: self[name].data for name in self.fields_for(self.form_choice) if name in self.PROFILE_FIELDS}


class LoginForm(FlaskForm):
    username = StringField(_l("Логин"), filters=[strip], validators=[DataRequired(MSG_REQUIRED)],
                           description=_l("Email, номер телефона, СНИЛС, ОГРН или ОГРНИП"))
    password = PasswordField(_l("Пароль"), validators=[DataRequired(MSG_REQUIRED)])
    remember = BooleanField(_l("Запомнить меня"))
    submit = SubmitField(_l("Войти"))


def email_or_phone(form, field):
    if channel_of(field.data or "") is None:
        raise StopValidation(_l("Введите адрес электронной почты или номер телефона"))


class CodeRequestForm(FlaskForm):
    """«Направить код подтверждения» to an email or phone."""

    destination = StringField(_l("Email или номер телефона"), filters=[strip],
                              validators=[DataRequired(MSG_REQUIRED), email_or_phone])
    remember = BooleanField(_l("Запомнить меня"))
    submit = SubmitField(_l("Направить код подтверждения"))


class ForgotPasswordForm(FlaskForm):
    """«Забыли пароль?»: the login, any of seed 000's identifiers."""

    destination = StringField(_l("Логин"), filters=[strip], validators=[DataRequired(MSG_REQUIRED)],
                              description=_l("Email, номер телефона, СНИЛС, ОГРН или ОГРНИП"))
    submit = SubmitField(_l("Восстановить пароль"))


class CodeForm(FlaskForm):
    code = code_field()
    submit = SubmitField(_l("Подтвердить"))


class ResendForm(FlaskForm):
    """«Отправить код» again, to the registered number or to a corrected one (seed 001)."""

    phone = StringField(_l("Мобильный телефон"), filters=[strip], validators=[DataRequired(MSG_REQUIRED), phone_number])
    submit = SubmitField(_l("Отправить код"))


class SendLinkForm(FlaskForm):
    """«Отправить письмо повторно»: a new email confirmation link (nothing but the CSRF token)."""
    submit = SubmitField(_l("Отправить письмо повторно"))


class TotpForm(FlaskForm):
    code = code_field(_l("Код из приложения"))
    submit = SubmitField(_l("Подтвердить"))


class ResetByCodeForm(FlaskForm):
    code = code_field()
    password, confirm = password_fields(_l("Введите новый пароль"), _l("Подтверждение пароля"))
    submit = SubmitField(_l("Сменить пароль"))


class NewPasswordForm(FlaskForm):
    password, confirm = password_fields(_l("Введите новый пароль"), _l("Подтверждение пароля"))
    submit = SubmitField(_l("Сменить пароль"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Пароль"), validators=[DataRequired(MSG_REQUIRED)])
    password, confirm = password_fields(_l("Новый пароль"), _l("Повторить новый пароль"))
    submit = SubmitField(_l("Изменить пароль"))


class LogoutForm(FlaskForm):
    """«Выйти»: nothing but the CSRF token, so that no other site can sign the user out."""
    submit = SubmitField(_l("Выйти"))


# ---- «Мои данные» (A5) ----------------------------------------------------------------------
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

