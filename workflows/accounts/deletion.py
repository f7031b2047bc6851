"""«Удалить учетную запись» (A8, seed 004 §2.19): a consumer leaves the portal.

The page lists the linked personal accounts and asks, for each, where its receipt goes from
now on (by email, or on paper to a postal address); a one-time code sent like every other
confirmation (codes.py, purpose «delete_account») confirms. Then, in the request's one
transaction: what is only the person's is deleted (ERASED_ROWS), their names, identifiers and
contacts are blanked on the rows the organization keeps (ERASED_COLUMNS), and the kept rows
(KEPT) point at the same, now anonymous, consumer — «Удаленный пользователь №<id>». The
session version is bumped (every session and remember-me cookie dies, as at logout), the login
is deactivated and renamed, so the same phone and email can register again.

tests/accounts/test_deletion_tables.py checks that every column of the schema that looks like
personal data is named here: a new one has to be classified before the suite is green.
"""
import re
import secrets

from flask_babel import lazy_gettext as _l
from flask_appbuilder import Model
from sqlalchemy import delete, or_, select, update
from werkzeug.security import generate_password_hash

from app.core import audit
from app.core.errors import Forbidden, Invalid
from app.extensions import db
from app.models import AccountLink, ConsumerProfile, KabinetUser
from app.models.base import utcnow
from app.models.deletion import ReceiptAfterDeletion
from app.models.search import search_key
from workflows.accounts import codes

CODE_PURPOSE = "delete_account"
ANONYMOUS = "Удаленный пользователь"
UNLINK_REASON = "Личный кабинет удален потребителем"

MSG_STAFF = _l("Учетными записями сотрудников управляет администратор.")
MSG_EMAIL = _l("Введите корректный адрес электронной почты")
MSG_ADDRESS = _l("Укажите почтовый адрес доставки квитанции")
MSG_NO_CONTACT = _l("Нет подтвержденного телефона или адреса электронной почты для отправки кода.")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

#: rows that are the person's alone, deleted: table → column naming the user (a table absent
#: from the schema is skipped)
ERASED_ROWS = {
    "one_time_code": "user_id", "form_token": "user_id", "notification": "user_id",
    "notification_settings": "user_id", "notification_opt_out": "user_id", "dismissed_hint": "user_id",
    "marketing_sending": "user_id", "outbox_message": "user_id", "oidc_identity": "user_id",
    "qr_login_request": "user_id", "ab_api_key": "user_id", "ab_user_role": "user_id",
    "ab_user_group": "user_id", "api_session": "user_id",
}
#: rows of those rows, deleted first: table → (its column, the parent table of ERASED_ROWS)
ERASED_CHILD_ROWS = {"api_refresh_token": ("session_id", "api_session")}
#: personal columns blanked on the rows that stay: table → {column: value} ({id} = anonymous number)
ERASED_COLUMNS = {
    "ab_user": {"first_name": ANONYMOUS, "last_name": "№{id}", "username": "deleted-{id}",
                "email": "deleted-{id}@deleted.invalid", "phone": None, "phone_confirmed_at": None,
                "email_confirmed_at": None, "totp_secret": None, "totp_enabled": False, "totp_last_counter": None,
                "totp_failures": 0, "totp_failures_since": None, "notify_email": False, "notify_sms": False,
                "must_set_password": False, "locale": None, "last_login": None, "active": False},
    "consumer": {"last_name": ANONYMOUS, "first_name": "№{id}", "middle_name": None, "position": None,
                 "snils": None, "inn": None, "ogrn": None, "ogrnip": None, "kpp": None, "registry_date": None,
                 "org_name": None, "birth_date": None, "birth_place": None, "passport_series": None,
                 "passport_number": None, "passport_issued_by": None, "passport_issued_on": None,
                 "passport_department_code": None, "registration_address": None, "postal_address": None,
                 "search_name": None},  # set again from the anonymous name below
    "account_link": {"receipt_email": None},
    "callback_request": {"phone": "—"},
    "audit_record": {"actor_name": ANONYMOUS + " №{id}", "ip": None},
}
#: what the organization must keep, pointing at the anonymous consumer, and why
KEPT = {
    "application": "заявки: обязательное хранение, в т. ч. адрес объекта",
    "application_event": "история заявок", "message": "переписка по заявкам", "attachment": "документы заявок",
    "appeal": "обращения граждан (59-ФЗ): текст и контакты автора хранятся",
    "consumer_document": "Мои документы: заявления и ответы", "copy_request": "запросы копий документов",
    "document_signature": "подписанные документы: имя подписанта — часть подписи",
    "stored_file": "файлы хранимых документов", "payment": "платежи и чеки (54-ФЗ), в т. ч. адрес для чека",
    "payment_event": "история платежей", "appointment": "записи на прием", "survey_response": "анкеты (без ПДн)",
    "meter_fault": "заявления о неисправности", "meter_reading": "переданные показания",
    "personal_account": "данные биллинга организации", "receipt_after_deletion": "выбор способа получения квитанции",
    "audit_record": "журнал аудита: действия и их содержание",
}

#: what the page tells the consumer before the code (ERASED_* and KEPT in words)
ERASED_FOR_PEOPLE = (
    _l("ФИО, СНИЛС, ИНН, ОГРН, ОГРНИП, КПП, паспортные данные, дата и место рождения, адреса"),
    _l("номер телефона, адрес электронной почты, логин и пароль, двухфакторный вход"),
    _l("настройки уведомлений, согласие на рассылку, подсказки, уведомления в личном кабинете"),
    _l("подключение лицевых счетов к личному кабинету"),
)
KEPT_FOR_PEOPLE = (
    _l("заявки, обращения, заявления и подписанные документы"),
    _l("платежи и показания приборов учета"),
    _l("журнал действий (аудит)"),
)


class StaffCannotDelete(Forbidden):
    """Staff and admin accounts are managed by admins, not deleted by their owners."""

    default_message = MSG_STAFF


def ensure_consumer(user: KabinetUser) -> ConsumerProfile:
    if user.consumer is None or user.is_staff:
        raise StaffCannotDelete()
    return user.consumer


def active_links(consumer: ConsumerProfile) -> list[AccountLink]:
    return list(db.session.scalars(select(AccountLink).where(
        AccountLink.consumer_id == consumer.id, AccountLink.unlinked_at.is_(None)).order_by(AccountLink.id)))


def clean_choices(links: list[AccountLink], raw: dict[int, dict]) -> dict[str, dict]:
    """{link id: {"electronic", "email", "address"}} checked; Invalid with field_errors
    ("email-<id>", "address-<id>") when an email is malformed or a postal address is missing."""
    choices, errors = {}, {}
    for link in links:
        given = raw.get(link.id, {})
        electronic = given.get("delivery") == "electronic"
        email = (given.get("email") or "").strip().lower() or None
        address = " ".join((given.get("address") or "").split()) or None
        if electronic and not (email and EMAIL_RE.match(email)):
            errors[f"email-{link.id}"] = str(MSG_EMAIL)
        if not electronic and not address:
            errors[f"address-{link.id}"] = str(MSG_ADDRESS)
        choices[str(link.id)] = {"electronic": electronic, "email": email if electronic else None,
                                 "address": None if electronic else address}
    if errors:
        error = Invalid(next(iter(errors.values())))
        error.field_errors = errors
        raise error
    return choices


def code_destination(user: KabinetUser) -> tuple[str, str]:
    """(channel, destination) of the confirmation code: the confirmed phone, else the confirmed email."""
    if user.phone and user.phone_confirmed_at:
        return codes.SMS, user.phone
    if user.email and user.email_confirmed_at:
        return codes.EMAIL, user.email
    raise Invalid(MSG_NO_CONTACT)


def request_deletion(user: KabinetUser, raw_choices: dict[int, dict]) -> str:
    """Check the receipt choices and send the code; the choices wait in the code's row (never in
    the cookie). Returns where the code went."""
    consumer = ensure_consumer(user)
    choices = clean_choices(active_links(consumer), raw_choices)
    channel, destination = code_destination(user)
    codes.issue_code(purpose=CODE_PURPOSE, channel=channel, destination=destination, user=user,
                     payload={"user_id": user.id, "receipts": choices})
    return destination


def confirm_deletion(user: KabinetUser, code: str) -> int:
    """The code is right: erase the person (see the module's docstring); returns the anonymous number."""
    consumer = ensure_consumer(user)
    _channel, destination = code_destination(user)
    row = codes.verify_code(purpose=CODE_PURPOSE, destination=destination, code=code)
    if (row.payload or {}).get("user_id") != user.id:
        raise codes.CodeError(codes.MSG_NOT_FOUND)
    number = consumer.id
    _record_receipts(consumer, row.payload.get("receipts") or {})
    _erase(user, consumer, number)
    record = audit.record("account.deleted", actor=user, object_type="ConsumerProfile", object_id=consumer.id,
                          summary=f"Личный кабинет удален потребителем: {anonymous_label(number)}")
    record.ip = None  # the deletion is audited without the person's data
    return number


def _record_receipts(consumer: ConsumerProfile, choices: dict) -> None:
    now = utcnow()
    for link in active_links(consumer):
        choice = choices.get(str(link.id))
        if choice is not None:
            db.session.add(ReceiptAfterDeletion(account_id=link.account_id, consumer_id=consumer.id,
                                                electronic=choice["electronic"], email=choice["email"],
                                                postal_address=choice["address"]))
        link.unlinked_at, link.unlinked_by_id, link.unlink_reason = now, consumer.user_id, UNLINK_REASON
        link.receipt_electronic = False
    db.session.flush()


def _erase(user: KabinetUser, consumer: ConsumerProfile, number: int) -> None:
    tables = Model.metadata.tables
    contacts = [c for c in (user.phone, (user.email or "").lower()) if c]
    for name, (column, parent) in ERASED_CHILD_ROWS.items():
        if name in tables and parent in tables:
            owned = select(tables[parent].c.id).where(tables[parent].c[ERASED_ROWS[parent]] == user.id)
            db.session.execute(delete(tables[name]).where(tables[name].c[column].in_(owned)))
    for name, column in ERASED_ROWS.items():
        if name in tables:
            db.session.execute(delete(tables[name]).where(tables[name].c[column] == user.id))
    db.session.execute(delete(tables["one_time_code"]).where(tables["one_time_code"].c.destination.in_(contacts)))
    db.session.execute(delete(tables["outbox_message"]).where(tables["outbox_message"].c.recipient.in_(contacts)))
    owners = {"ab_user": ("id", user.id), "consumer": ("id", consumer.id),
              "account_link": ("consumer_id", consumer.id), "callback_request": ("consumer_id", consumer.id),
              "audit_record": ("actor_id", user.id)}
    for name, values in ERASED_COLUMNS.items():
        if name not in tables:
            continue
        column, key = owners[name]
        filled = {c: v.format(id=number) if isinstance(v, str) else v for c, v in values.items()}
        db.session.execute(update(tables[name]).where(tables[name].c[column] == key).values(**filled))
    db.session.execute(update(KabinetUser.__table__).where(KabinetUser.id == user.id).values(
        password=generate_password_hash(secrets.token_urlsafe(32)),
        session_version=KabinetUser.session_version + 1))
    audits = tables["audit_record"]
    about_person = or_((audits.c.object_type == "KabinetUser") & (audits.c.object_id == str(user.id)),
                       (audits.c.object_type == "ConsumerProfile") & (audits.c.object_id == str(consumer.id)))
    db.session.execute(update(audits).where(about_person).values(object_label=anonymous_label(number)))
    db.session.execute(update(ConsumerProfile.__table__).where(ConsumerProfile.id == consumer.id).values(
        search_name=search_key(anonymous_label(number), None), updated_at=utcnow()))
    db.session.expire_all()


def anonymous_label(consumer_id: int) -> str:
    return f"{ANONYMOUS} №{consumer_id}"

