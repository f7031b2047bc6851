"""«Мои данные» completeness (A5): which required profile fields a consumer still lacks.

Submitting an application calls missing_profile_fields(); a non-empty answer sends the
consumer back to the profile with «Внимание! Для подачи заявки необходимо заполнить все
обязательные поля».
"""
from app.models import ConsumerProfile, LegalForm

#: profile attribute → label, per legal form; required fields are marked «*» in the form
REQUIRED_FIELDS: dict[LegalForm, dict[str, str]] = {
    LegalForm.INDIVIDUAL: {
        "last_name": "Фамилия",
        "first_name": "Имя",
        "snils": "СНИЛС",
        "birth_date": "Дата рождения",
        "passport_series": "Серия паспорта",
        "passport_number": "Номер паспорта",
        "passport_issued_by": "Кем выдан",
        "passport_issued_on": "Дата выдачи",
        "registration_address": "Адрес регистрации",
        "postal_address": "Почтовый адрес",
    },
    LegalForm.ENTREPRENEUR: {
        "org_name": "Наименование ИП",
        "last_name": "Фамилия",
        "first_name": "Имя",
        "inn": "ИНН",
        "ogrnip": "ОГРНИП",
        "registry_date": "Дата внесения в ЕГРИП",
        "registration_address": "Адрес регистрации",
        "postal_address": "Почтовый адрес",
    },
    LegalForm.LEGAL_ENTITY: {
        "org_name": "Наименование организации",
        "inn": "ИНН",
        "ogrn": "ОГРН",
        "kpp": "КПП",
        "last_name": "Фамилия",
        "first_name": "Имя",
        "position": "Должность",
        "registration_address": "Юридический адрес",
        "postal_address": "Почтовый адрес",
    },
}


def missing_profile_fields(consumer: ConsumerProfile) -> list[str]:
    """Labels of the required fields this consumer has not filled in, in form order."""
    required = REQUIRED_FIELDS[consumer.form]
    return [label for attr, label in required.items() if getattr(consumer, attr) in (None, "")]


def profile_is_complete(consumer: ConsumerProfile) -> bool:
    return not missing_profile_fields(consumer)
