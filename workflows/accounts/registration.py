"""Registration (A1, A7) and confirmation of the phone and email (A2)."""
from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.core import audit, lifetimes
from app.core.errors import Invalid
from app.extensions import db
from app.models import ConsumerProfile, KabinetUser, LegalForm
from app.models.base import utcnow
from app.core.notifications.notify import notify_organization, queue_email
from app.core.users import create_consumer
from workflows.accounts import codes

#: the seed messages for identifiers that already have a cabinet (field → message)
DUPLICATE_MESSAGES = {
    "phone": _l("На указанный номер уже зарегистрирован личный кабинет. Внесите другой номер телефона."),
    "email": _l("Указанная электронная почта уже зарегистрирована в личном кабинете. Укажите другой адрес."),
    "snils": _l("Указанный СНИЛС уже зарегистрирован в личном кабинете. Укажите другой СНИЛС."),
    "ogrn": _l("Указанный ОГРН уже зарегистрирован в личном кабинете. Укажите другой ОГРН."),
    "ogrnip": _l("Указанный ОГРНИП уже зарегистрирован в личном кабинете. Укажите другой ОГРНИП."),
}
#: which identifier column lives where, for the duplicate check
_USER_COLUMNS = {"phone": KabinetUser.phone, "email": KabinetUser.email}
_PROFILE_COLUMNS = {"snils": ConsumerProfile.snils, "ogrn": ConsumerProfile.ogrn, "ogrnip": ConsumerProfile.ogrnip}

#: profile fields a registration stores, per legal form (the form shows the same set)
PROFILE_FIELDS = {
    LegalForm.INDIVIDUAL: ("snils", "last_name", "first_name", "middle_name", "inn"),
    LegalForm.ENTREPRENEUR: ("inn", "ogrnip", "org_name", "last_name", "first_name", "middle_name"),
    LegalForm.LEGAL_ENTITY: ("inn", "ogrn", "kpp", "org_name", "last_name", "first_name", "middle_name"),
}


class DuplicateError(Invalid):
    """Some identifiers already have a cabinet: `errors` is field → seed message."""

    category = "danger"

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def duplicate_errors(values: dict, *, exclude_user_id: int | None = None) -> dict[str, str]:
    """field → message for each given identifier that another account already uses."""
    errors = {}
    for field, value in values.items():
        if not value:
            continue
        if field in _USER_COLUMNS:
            column = _USER_COLUMNS[field]
            query = select(KabinetUser.id).where(func.lower(column) == value.lower())
            if exclude_user_id is not None:
                query = query.where(KabinetUser.id != exclude_user_id)
        elif field in _PROFILE_COLUMNS:
            query = select(ConsumerProfile.id).where(_PROFILE_COLUMNS[field] == value)
            if exclude_user_id is not None:
                query = query.where(ConsumerProfile.user_id != exclude_user_id)
        else:
            continue
        if db.session.scalar(query.limit(1)) is not None:
            errors[field] = str(DUPLICATE_MESSAGES[field])
    return errors


def register_consumer(*, legal_form: LegalForm, email: str, phone: str, password: str, profile: dict,
                      ip: str | None = None) -> KabinetUser:
    """Create an unconfirmed consumer, send the phone code and the email link, tell the organization.

    Raises DuplicateError with the seed messages when an identifier is taken. Flushes.
    """
    fields = {key: profile.get(key) or None for key in PROFILE_FIELDS[legal_form]}
    errors = duplicate_errors({"email": email, "phone": phone, **{k: fields.get(k) for k in _PROFILE_COLUMNS}})
    if errors:
        raise DuplicateError(errors)
    consumer = create_consumer(
        user_fields={"email": email, "phone": phone, "password": password,
                     "first_name": fields["first_name"], "last_name": fields["last_name"]},
        profile_fields={"legal_form": legal_form.value, **fields},
    )
    user = consumer.user
    user.must_set_password = False
    audit.record("account.registered", user, actor=user,
                 summary=f"Регистрация: {legal_form.label}", after={"email": user.email, "phone": user.phone})
    send_phone_code(user, ip=ip)
    send_email_link(user, ip=ip)
    notify_organization("account_registered", consumer=consumer, user=user)
    return user


def send_phone_code(user, *, ip: str | None = None):
    """«Отправить код»: an SMS code confirming the user's phone."""
    return codes.issue_code(purpose="confirm_phone", channel=codes.SMS, destination=user.phone, user=user, ip=ip)


def resend_phone_code(user, phone: str, *, ip: str | None = None):
    """«Отправить код» before the phone is confirmed; a corrected number replaces the old one.

    Raises DuplicateError when another cabinet has the number, CodeThrottled when asked too often.
    """
    if phone != user.phone:
        errors = duplicate_errors({"phone": phone}, exclude_user_id=user.id)
        if errors:
            raise DuplicateError(errors)
        audit.record("account.phone_corrected", user, actor=user, before={"phone": user.phone}, after={"phone": phone},
                     summary="Номер телефона исправлен до подтверждения")
        user.phone = phone
        db.session.flush()
    return send_phone_code(user, ip=ip)


def confirm_phone(user, code: str) -> None:
    """The SMS code proves the phone: registration is complete (raises CodeError)."""
    codes.verify_code(purpose="confirm_phone", destination=user.phone, code=code)
    user.phone_confirmed_at = utcnow()
    audit.record("account.phone_confirmed", user, actor=user, summary="Номер телефона подтвержден")
    db.session.flush()


def send_email_link(user, *, ip: str | None = None):
    """The letter with the link that confirms the email (seed 000: a link, no code to type).

    An earlier link stops working. Raises CodeThrottled when asked too often. Flushes.
    """
    row = codes.issue_code(purpose="confirm_email", channel=codes.EMAIL, destination=user.email, user=user,
                           with_link=True, link_lifetime=lifetimes.EMAIL_CONFIRMATION_LINK, ip=ip, send=False)
    context = {"user": user, "link": row.plain_link, "hours": email_link_hours(),
               "app_name": current_app.config.get("APP_NAME")}
    subject = render_template("notifications/account_confirm_email.subject.j2", **context).strip()
    body = render_template("notifications/account_confirm_email.txt.j2", **context).strip()
    queue_email(user.email, subject, body, user_id=user.id, template="account_confirm_email",
                expires_at=row.expires_at)
    return row


def email_link_hours() -> int:
    """How many hours the emailed confirmation link lives, as the letter and the page say it."""
    return lifetimes.whole(lifetimes.EMAIL_CONFIRMATION_LINK, lifetimes.HOUR)


def mark_email_confirmed(user) -> None:
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        audit.record("account.email_confirmed", user, actor=user, summary="Адрес электронной почты подтвержден")
        db.session.flush()


def confirm_email_by_link(token: str) -> KabinetUser:
    """The emailed link proves the address; returns its user (raises CodeError)."""
    row = codes.verify_link(purpose="confirm_email", token=token)
    user = db.session.get(KabinetUser, row.user_id) if row.user_id else None
    if user is None or (user.email or "").lower() != row.destination:
        raise codes.CodeError(codes.MSG_LINK_INVALID)
    mark_email_confirmed(user)
    return user
