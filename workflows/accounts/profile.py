"""«Мои данные» completeness (A5): which required profile fields a consumer still lacks.

Submitting an application calls missing_profile_fields(); a non-empty answer sends the
consumer back to the profile with «Внимание! Для подачи заявки необходимо заполнить все
обязательные поля».
"""
from flask_babel import lazy_gettext as _l

from app.core import audit
from app.extensions import db
from app.models import ConsumerProfile, LegalForm
from app.models.base import utcnow
from workflows.accounts import codes
from workflows.accounts.registration import DuplicateError, duplicate_errors

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


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def update_profile(consumer: ConsumerProfile, values: dict) -> list[str]:
    """Save «Мои данные»; returns the changed attributes (audited with before/after)."""
    before, after = {}, {}
    for attr, value in values.items():
        if isinstance(value, str):
            value = value.strip() or None
        if getattr(consumer, attr) != value:
            before[attr], after[attr] = _plain(getattr(consumer, attr)), _plain(value)
            setattr(consumer, attr, value)
    if after:
        user = consumer.user
        user.last_name, user.first_name = consumer.last_name, consumer.first_name
        audit.record("account.profile_updated", consumer, before=before, after=after, summary="Изменены «Мои данные»")
        db.session.flush()
    return list(after)


#: contact change (A5): purpose of the code, user column, confirmation column, message
CONTACTS = {
    "phone": ("change_phone", "sms", "phone_confirmed_at", _l("Номер телефона успешно изменен")),
    "email": ("change_email", "email", "email_confirmed_at", _l("Адрес электронной почты подтвержден")),
}


def send_contact_code(user, kind: str, new_value: str, *, ip: str | None = None):
    """«Направить код подтверждения» to the new phone or email (raises DuplicateError, CodeThrottled)."""
    purpose, channel, _, _ = CONTACTS[kind]
    if (getattr(user, kind) or "").lower() != new_value.lower():
        errors = duplicate_errors({kind: new_value}, exclude_user_id=user.id)
        if errors:
            raise DuplicateError(errors)
    return codes.issue_code(purpose=purpose, channel=channel, destination=new_value, user=user,
                            payload={"user_id": user.id}, ip=ip)


def confirm_contact(user, kind: str, new_value: str, code: str) -> str:
    """Store the new phone or email once the code sent there is right; returns the message."""
    purpose, channel, confirmed_attr, message = CONTACTS[kind]
    new_value = codes.normalize_destination(channel, new_value)
    row = codes.verify_code(purpose=purpose, destination=new_value, code=code)
    if (row.payload or {}).get("user_id") != user.id:
        raise codes.CodeError(codes.MSG_NOT_FOUND)
    errors = duplicate_errors({kind: new_value}, exclude_user_id=user.id)
    if errors:
        raise DuplicateError(errors)
    old = getattr(user, kind)
    setattr(user, kind, new_value)
    setattr(user, confirmed_attr, utcnow())
    audit.record(f"account.{kind}_changed", user, before={kind: old}, after={kind: new_value}, summary=str(message))
    db.session.flush()
    return str(message)


def change_notifications(user, *, email: bool, sms: bool) -> None:
    """«Получать уведомления» by email and by SMS, audited."""
    before = {"notify_email": user.notify_email, "notify_sms": user.notify_sms}
    user.notify_email, user.notify_sms = email, sms
    audit.record("account.notifications_changed", user, before=before,
                 after={"notify_email": user.notify_email, "notify_sms": user.notify_sms})
    db.session.flush()
