"""What a statement template may use: the documented whitelist of placeholders (C1, F4) and
the values they take for one application, or the sample values of a preview.

Only the names in PLACEHOLDERS are filled; anything else a template uses renders empty
and is listed on upload (workflows/documents/templates.py).
"""
from datetime import datetime

from flask_babel import gettext as _

from app.core.formatting import format_date, format_datetime
from app.core.settings import get_setting
from app.models import Application, ApplicationType, FormField

#: the documented whitelist: group → attribute → what it holds (shown on the admin page)
PLACEHOLDERS: dict[str, dict[str, str]] = {
    "applicant": {
        "full_name": "ФИО заявителя (представителя)",
        "display_name": "Наименование или ФИО заявителя",
        "legal_form": "Правовая форма («Физическое лицо» …)",
        "org_name": "Наименование ИП / организации",
        "position": "Должность представителя",
        "snils": "СНИЛС",
        "inn": "ИНН",
        "ogrn": "ОГРН",
        "ogrnip": "ОГРНИП",
        "kpp": "КПП",
        "registry_date": "Дата внесения в ЕГРЮЛ/ЕГРИП",
        "email": "Email",
        "phone": "Телефон",
        "birth_date": "Дата рождения",
        "birth_place": "Место рождения",
        "passport": "Паспорт: серия и номер",
        "passport_issued_by": "Паспорт: кем выдан",
        "passport_issued_on": "Паспорт: дата выдачи",
        "passport_department_code": "Паспорт: код подразделения",
        "registration_address": "Адрес регистрации / юридический адрес",
        "postal_address": "Почтовый адрес",
    },
    "application": {
        "number": "Регистрационный номер",
        "type": "Тип заявки",
        "status": "Текущий статус",
        "created": "Дата создания",
        "submitted": "Дата подачи",
        "object_address": "Объект (адрес)",
    },
    "organization": {
        "name": "Полное наименование организации",
        "short_name": "Краткое наименование",
        "inn": "ИНН организации",
        "kpp": "КПП организации",
        "ogrn": "ОГРН организации",
        "address": "Адрес организации",
        "phone": "Телефон организации",
        "email": "Email организации",
    },
    "fields": {"<код поля>": "Значение поля формы заявки по его коду, например {{ fields.object_address }}"},
    "field_rows": {"label, value": "Все заполненные поля заявки по порядку: {%tr for row in field_rows %}"},
    "today": {"": "Сегодняшняя дата (ДД.ММ.ГГГГ)"},
}
SCALARS = {"today", "field_rows"}


def _organization() -> dict:
    return {key: get_setting(f"org_{key}") or "" for key in PLACEHOLDERS["organization"]}


def _display_value(field: FormField | None, value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Да") if value else _("Нет")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if field is not None and field.field_type == "date" and isinstance(value, str) and len(value) == 10:
        try:
            return format_date(datetime.strptime(value, "%Y-%m-%d").date())
        except ValueError:
            return value
    if field is not None and field.field_type == "select" and field.choices:
        for choice in field.choices:
            if isinstance(choice, (list, tuple)) and len(choice) == 2 and str(choice[0]) == str(value):
                return str(choice[1])
            if isinstance(choice, dict) and str(choice.get("value")) == str(value):
                return str(choice.get("label", value))
    return str(value)


def application_context(application: Application) -> dict:
    """Everything a template may use for one application (the whitelist, filled)."""
    consumer = application.consumer
    user = consumer.user
    passport = " ".join(p for p in (consumer.passport_series, consumer.passport_number) if p)
    applicant = {
        "full_name": consumer.full_name,
        "display_name": consumer.display_name,
        "legal_form": consumer.form.label,
        "org_name": consumer.org_name or "",
        "position": consumer.position or "",
        "snils": dict(consumer.identifiers).get("СНИЛС", ""),
        "inn": consumer.inn or "",
        "ogrn": consumer.ogrn or "",
        "ogrnip": consumer.ogrnip or "",
        "kpp": consumer.kpp or "",
        "registry_date": format_date(consumer.registry_date),
        "email": user.email or "",
        "phone": user.phone or "",
        "birth_date": format_date(consumer.birth_date),
        "birth_place": consumer.birth_place or "",
        "passport": passport,
        "passport_issued_by": consumer.passport_issued_by or "",
        "passport_issued_on": format_date(consumer.passport_issued_on),
        "passport_department_code": consumer.passport_department_code or "",
        "registration_address": consumer.registration_address or "",
        "postal_address": consumer.postal_address or "",
    }
    fields = list(application.application_type.fields)
    by_code = {f.code: f for f in fields}
    data = application.data or {}
    values = {code: _display_value(by_code.get(code), value) for code, value in data.items()}
    rows = [{"label": f.label, "value": values[f.code]} for f in fields if values.get(f.code)]
    return {
        "applicant": applicant,
        "application": {
            "number": application.number or "",
            "type": application.application_type.name,
            "status": application.display_status,
            "created": format_date(application.created_at),
            "submitted": format_datetime(application.submitted_at),
            "object_address": application.object_address or "",
        },
        "organization": _organization(),
        "fields": values,
        "field_rows": rows,
        "today": format_date(datetime.now()),
    }


def sample_context(application_type: ApplicationType | None = None) -> dict:
    """Sample data for the preview and the upload check."""
    fields = list(application_type.fields) if application_type is not None else []
    values = {f.code: f"«{f.label}» (пример)" for f in fields}
    return {
        "applicant": {
            **{key: f"{label} (пример)" for key, label in PLACEHOLDERS["applicant"].items()},
            "full_name": "Иванов Иван Иванович",
            "display_name": "Иванов Иван Иванович",
            "legal_form": "Физическое лицо",
            "snils": "049-114-804-49",
            "inn": "500100732259",
            "email": "ivanov@example.ru",
            "phone": "+79123456789",
            "birth_date": "01.02.1980",
            "passport": "4500 123456",
        },
        "application": {
            "number": "ТП-2026-00001",
            "type": application_type.name if application_type is not None else "Заявка",
            "status": "На рассмотрении",
            "created": format_date(datetime.now()),
            "submitted": format_datetime(datetime.now()),
            "object_address": "г. Казань, ул. Примерная, д. 1",
        },
        "organization": _organization(),
        "fields": values,
        "field_rows": [{"label": f.label, "value": values[f.code]} for f in fields],
        "today": format_date(datetime.now()),
    }

