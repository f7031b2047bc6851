"""«Подать заявление» (E2, seed 004 §2.11): the consumer picks «Тема заявления», fills the topic's
own fields and the common requisites, attaches documents, agrees to the processing of personal
data and sends; the statement is submitted and numbered in the staff queue with its filled
statement (PDF, from the type's template) attached. Every refusal is raised before anything is
written, so a refused statement leaves no row and no file.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from app.core.errors import NotFound
from app.core.files import MB
from app.models import Application, ConsumerProfile, FormField, Topic
from app.security.access import current_consumer
from workflows.accounts.profile import missing_profile_fields
from workflows.appeals.requisites import (
    Requisites,
    account_choices,
    check_files,
    check_requisites,
    chosen_files,
    file_limits,
    prefilled,
    supplier_choices,
)
from workflows.applications.dictionaries import fields_for
from workflows.applications.drafts import MSG_PROFILE
from workflows.applications.guards import ApplicationError, ProfileIncomplete
from workflows.applications.rules import CONSUMER_SIDE, today
from workflows.applications.service import add_attachment, assign_number, open_draft, save_data, submit
from workflows.documents import history
from workflows.statements import pdf
from workflows.statements.types import COMMON_CODES, active_topics, ensure_type_for, topic_by_code, type_of

#: seed 004 §2.11: what the consumer sees once a statement is sent, and under an empty field
MSG_ACCEPTED = "Ваше обращение принято в работу."
MSG_REQUIRED = "Поле обязательно для заполнения"
MSG_CONSENT = "Для отправки заявления необходимо согласие с «Политикой обработки персональных данных»"
MSG_TOPIC = "Выберите тему заявления из списка"
PDF_TITLE = "Заявление (PDF)"
ATTACHMENT_TITLE = "Документ к заявлению"
#: own fields checked beyond «required»: code → (rule, message)
DIGITS = {"bik": (9, "БИК состоит из 9 цифр"), "bank_account": (20, "Расчетный счет состоит из 20 цифр")}
POSITIVE = {"amount", "debt_amount", "area", "term_months", "residents", "persons"}
NOT_PAST = {"wanted_on"}


class StatementRefused(ApplicationError):
    """The statement is not sent; `field_errors` name the fields (own fields by their code)."""

    category = "warning"


@dataclass(frozen=True)
class StatementForm:
    """What «Подать заявление» shows: the topics, the chosen one's own fields, the requisites."""

    consumer: ConsumerProfile
    topics: list[Topic]
    topic: Topic | None
    own_fields: list[FormField]
    accounts: list[tuple[int, str]]
    suppliers: list[tuple[int, str]]
    requisites: Requisites
    #: labels of «Мои данные» still empty (a statement needs them, like every application)
    missing_profile: list[str]
    #: (one file, all files) in MB (settings «7 МБ», «100 МБ»)
    file_limits_mb: tuple[int, int]


def _consumer(actor) -> ConsumerProfile:
    consumer = current_consumer(actor)
    if consumer is None:
        raise NotFound()
    return consumer


def own_fields(topic: Topic | None, consumer: ConsumerProfile) -> list[FormField]:
    """The topic's own fields (the common block is the form's own); none for a topic an admin
    added before its first statement made its type."""
    app_type = type_of(topic) if topic is not None else None
    if app_type is None:
        return []
    return [f for f in fields_for(app_type, consumer.legal_form) if f.code not in COMMON_CODES]


def statement_form(actor, topic_code: str | None, account_id: int | None = None) -> StatementForm:
    """«Подать заявление» for the signed-in consumer, with the chosen topic's fields."""
    consumer = _consumer(actor)
    topic = topic_by_code(topic_code)
    requisites = prefilled(consumer, account_id)
    return StatementForm(consumer, active_topics(), topic, own_fields(topic, consumer), account_choices(consumer),
                         supplier_choices(requisites.account_id), requisites,
                         missing_profile_fields(consumer), tuple(limit // MB for limit in file_limits()))


def _check_own(fields: list[FormField], values: dict) -> dict[str, str]:
    errors = {}
    for field in fields:
        value = values.get(field.code)
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            if field.required:
                errors[field.code] = _(MSG_REQUIRED)
            continue
        if field.code in DIGITS:
            length, message = DIGITS[field.code]
            if not (str(value).strip().isdigit() and len(str(value).strip()) == length):
                errors[field.code] = _(message)
        elif field.code in POSITIVE and isinstance(value, (int, Decimal)) and value <= 0:
            errors[field.code] = _("Значение должно быть больше нуля")
        elif field.code in NOT_PAST and isinstance(value, date) and value < today():
            errors[field.code] = _("Дата не может быть в прошлом")
    first, last = values.get("period_from"), values.get("period_to")
    if isinstance(first, date) and isinstance(last, date) and last < first and "period_to" not in errors:
        errors["period_to"] = _("Дата окончания периода не может быть раньше даты начала")
    return errors


def _refusals(consumer, topic, fields, own: dict, requisites: dict, text: str, consent: bool, files) -> dict:
    """Field → message for everything wrong at once (requisites normalized in place)."""
    errors = {} if topic is not None else {"topic": _(MSG_TOPIC)}
    errors.update(_check_own(fields, own))
    errors.update(check_requisites(consumer, requisites))
    if not (text or "").strip():
        errors["text"] = _(MSG_REQUIRED)
    elif len(text) > 5000:
        errors["text"] = _("Не более 5000 символов")
    if not consent:
        errors["consent"] = _(MSG_CONSENT)
    errors.update(check_files(files))
    return errors


def _data(own: dict, requisites: dict, text: str, accounts, suppliers) -> dict:
    account = dict(accounts).get(requisites["account_id"], "")
    return {**own, "full_name": requisites["full_name"], "account_number": account.split(" — ", 1)[0],
            "supplier": dict(suppliers).get(requisites["supplier_id"], ""), "text": text.strip(),
            "phone": requisites["phone"], "email": requisites["email"]}


def refusals(actor, code: str | None, own: dict, requisites: dict, text: str, consent: bool, files=()) -> dict:
    """Field → message for everything wrong with the statement as typed (empty: it may be sent)."""
    consumer = _consumer(actor)
    topic = topic_by_code(code)
    return _refusals(consumer, topic, own_fields(topic, consumer), own, requisites, text, consent, files)


def file_statement(actor, code: str | None, own: dict, requisites: dict, text: str, consent: bool,
                   files=()) -> Application:
    """«Отправить заявление»: the statement submitted, numbered, in the staff queue, with the
    consumer's documents and its filled statement (PDF) attached."""
    consumer = _consumer(actor)
    topic = topic_by_code(code)
    fields = own_fields(topic, consumer)
    errors = _refusals(consumer, topic, fields, own, requisites, text, consent, files)
    if errors:
        raise StatementRefused(_("Проверьте правильность заполнения полей"), errors)
    if missing_profile_fields(consumer):
        raise ProfileIncomplete(_(MSG_PROFILE))
    application, _reopened = open_draft(consumer, ensure_type_for(topic), actor, new=True)
    values = _data({f.code: own.get(f.code) for f in fields}, requisites, text, account_choices(consumer),
                   supplier_choices(requisites["account_id"]))
    save_data(application, values, actor)
    for upload in chosen_files(files):
        add_attachment(application, upload, actor, side=CONSUMER_SIDE, title=_(ATTACHMENT_TITLE), notify=False)
    submit(application, actor)
    assign_number(application, None, actor)
    attach_statement_pdf(application, actor)
    return application


def attach_statement_pdf(application: Application, actor) -> None:
    """The filled statement as a PDF document of the statement, which both sides download."""
    name = f"Заявление {application.number or application.id}.pdf".replace("/", "-")
    upload = FileStorage(stream=BytesIO(pdf.statement_pdf(application)), filename=name,
                         content_type=pdf.PDF_MIME)
    attachment = add_attachment(application, upload, actor, side=CONSUMER_SIDE, title=_(PDF_TITLE), notify=False)
    history.record_as_statement(attachment)  # «Мои документы»: the statement once, as this PDF
