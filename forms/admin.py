"""WTForms of the admin area (F2, F5, F6, F7); the page editor's are in forms/pages.py."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
)

from app.core.labels import ROLE_LABELS
from app.security.roles import ORG_ADMIN, STAFF
from workflows.payments import bank_details as bd

#: the roles an organization admin gives (workflows/admin/staff.py MANAGED_ROLES), by name
STAFF_ROLE_CHOICES = [(role, ROLE_LABELS[role]) for role in (STAFF, ORG_ADMIN)]

REQUIRED = _l("Поле обязательно для заполнения")


class ConfirmForm(FlaskForm):
    """A POST button with nothing but the CSRF token (publish, restore, block …)."""


class TestMessageForm(FlaskForm):
    channel = SelectField(_l("Канал"), choices=[("email", "Email"), ("sms", "SMS")])
    recipient = StringField(_l("Адрес или телефон получателя"), validators=[DataRequired(REQUIRED), Length(max=320)])
    send = SubmitField(_l("Отправить тестовое сообщение"))


#: format checks for requisites in the settings form
SETTING_PATTERNS = {
    "org_inn": (r"^(\d{10}|\d{12})$", _l("ИНН должен содержать 10 или 12 цифр")),
    "org_kpp": (r"^\d{4}[\dA-Z]{2}\d{3}$", _l("КПП должен содержать 9 символов")),
    "org_ogrn": (r"^(\d{13}|\d{15})$", _l("ОГРН должен содержать 13 цифр")),
    "org_bank_bik": (r"^\d{9}$", _l("БИК должен содержать 9 цифр")),
    "mail_port": (r"^\d{1,5}$", _l("Введите номер порта")),
    "org_bank_account": (r"^\d{20}$", _l("Номер счета должен содержать 20 цифр")),
    "org_bank_corr_account": (r"^\d{20}$", _l("Номер счета должен содержать 20 цифр")),
}


def settings_form_class(specs):
    """One form over every organization setting (F2), built from app.core.settings.SPECS."""

    class SettingsForm(FlaskForm):
        pass

    for spec in specs:
        label = spec.label
        if spec.kind == "bool":
            field = BooleanField(label)
        elif spec.kind == "int":
            field = IntegerField(label, validators=[InputRequired(REQUIRED), NumberRange(min=0, max=100000,
                                                    message=_l("Введите число от 0 до 100000"))])
        elif spec.kind == "email":
            field = EmailField(label, validators=[Optional(), Email(message=_l("Некорректный адрес электронной почты"))])
        elif spec.kind == "url":
            field = StringField(label, validators=[Optional(), URL(require_tld=False, message=_l("Введите адрес, начинающийся с http:// или https://"))])
        elif spec.kind == "text":
            field = TextAreaField(label, validators=[Optional(), Length(max=5000)])
        elif spec.kind == "secret":
            field = PasswordField(label, validators=[Optional(), Length(max=300)],
                                  description=_l("Оставьте пустым, чтобы не менять"))
        elif spec.kind == "choice":
            field = SelectField(label, choices=list(spec.choices),
                                validators=[InputRequired(REQUIRED)])
        elif spec.kind == "image":
            field = FileField(label, description=_l("PNG, JPG или GIF"))
        else:
            validators = [Optional(), Length(max=500)]
            if spec.key in SETTING_PATTERNS:
                pattern, message = SETTING_PATTERNS[spec.key]
                validators.append(Regexp(pattern, message=message))
            field = StringField(label, validators=validators)
        setattr(SettingsForm, spec.key, field)
    SettingsForm.loaded = HiddenField()
    SettingsForm.gateway_totp = StringField(
        _l("Код из приложения-аутентификатора"), validators=[Optional(), Length(max=10)],
        description=_l("Нужен, только если вы меняете настройки почты и SMS"),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    SettingsForm.save = SubmitField(_l("Сохранить"))
    return SettingsForm


class AuditSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    q = StringField(_l("Поиск"))
    action = StringField(_l("Действие"))
    object_type = StringField(_l("Объект"))
    date_from = DateField(_l("С"), validators=[Optional()], format="%Y-%m-%d")
    date_to = DateField(_l("По"), validators=[Optional()], format="%Y-%m-%d")


class ConsumerSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("ФИО, email, телефон, СНИЛС, ИНН, ОГРН или ОГРНИП"))


class ReportPeriodForm(FlaskForm):
    class Meta:
        csrf = False

    date_from = DateField(_l("С"), validators=[Optional()], format="%Y-%m-%d")
    date_to = DateField(_l("По"), validators=[Optional()], format="%Y-%m-%d")


LEGAL_FORM_CHOICES = [
    ("individual", "Физическое лицо"),
    ("entrepreneur", "Индивидуальный предприниматель"),
    ("legal_entity", "Юридическое лицо"),
]
NAME_RE = r"^[A-Za-zА-Яа-яЁё\-— ]+$"
NAME_MESSAGE = _l("Допустимы только русские или латинские буквы, «-» и «—»")


class OpenAccountForm(FlaskForm):
    """A6: staff open an account for a consumer who came to the office."""

    legal_form = SelectField(_l("Правовая форма"), choices=LEGAL_FORM_CHOICES, default="individual")
    last_name = StringField(_l("Фамилия"), validators=[DataRequired(REQUIRED), Length(max=50, message=_l("Не более 50 символов")), Regexp(NAME_RE, message=NAME_MESSAGE)])
    first_name = StringField(_l("Имя"), validators=[DataRequired(REQUIRED), Length(max=50, message=_l("Не более 50 символов")), Regexp(NAME_RE, message=NAME_MESSAGE)])
    middle_name = StringField(_l("Отчество"), validators=[Optional(), Length(max=50, message=_l("Не более 50 символов")), Regexp(NAME_RE, message=NAME_MESSAGE)])
    email = EmailField(_l("Email"), validators=[DataRequired(REQUIRED), Email(message=_l("Некорректный адрес электронной почты")), Length(max=320)])
    phone = StringField(_l("Сотовый телефон"), validators=[DataRequired(REQUIRED)])
    snils = StringField(_l("СНИЛС"))
    inn = StringField(_l("ИНН"))
    ogrn = StringField(_l("ОГРН"))
    ogrnip = StringField(_l("ОГРНИП"))
    kpp = StringField(_l("КПП"))
    org_name = StringField(_l("Наименование"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Открыть личный кабинет"))


class StaffForm(FlaskForm):
    """F5: a staff member added by an organization admin."""

    last_name = StringField(_l("Фамилия"), validators=[DataRequired(REQUIRED), Length(max=64, message=_l("Не более 64 символов"))])
    first_name = StringField(_l("Имя"), validators=[DataRequired(REQUIRED), Length(max=64, message=_l("Не более 64 символов"))])
    email = EmailField(_l("Email"), validators=[DataRequired(REQUIRED), Email(message=_l("Некорректный адрес электронной почты")), Length(max=320)])
    role = SelectField(_l("Роль"), choices=STAFF_ROLE_CHOICES)
    submit = SubmitField(_l("Добавить сотрудника"))


class StaffRoleForm(FlaskForm):
    role = SelectField(_l("Роль"), choices=STAFF_ROLE_CHOICES)


class BankDetail:
    """A supplier's bank detail checked by workflows/payments/bank_details.py (issue 15): its
    message goes under the field; an empty value is left to the other validators (a supplier
    without details gets no payment QR). `with_bic`: the check needs the form's BIC too."""

    def __init__(self, problem, with_bic: bool = False):
        self.problem, self.with_bic = problem, with_bic

    def __call__(self, form, field):
        value = (field.data or "").strip()
        if not value:
            return
        message = self.problem(value, (form.bik.data or "").strip()) if self.with_bic else self.problem(value)
        if message:
            raise StopValidation(message)


def supplier_validators() -> dict:
    """FAB's validators_columns of the supplier screen."""
    return {"bik": [BankDetail(bd.bic_problem)], "inn": [BankDetail(bd.inn_problem)],
            "kpp": [BankDetail(bd.kpp_problem)],
            "account": [BankDetail(bd.settlement_account_problem, with_bic=True)],
            "corr_account": [BankDetail(bd.correspondent_account_problem, with_bic=True)]}
