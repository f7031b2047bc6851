"""«Написать новое обращение» (E1, seed 004 §2.10): the consumer's appeal becomes an application of
kind «appeal», registered, numbered and in the staff queue with the answer's deadline.
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from app.core.errors import NotFound
from app.core.settings import get_setting
from app.extensions import db
from app.models import Appeal, PersonalAccount, Supplier, Topic, TopicKind
from app.security.access import current_consumer
from app.security.roles import CONSUMER
from workflows.appeals.requisites import (
    MSG_REQUIRED,
    Requisites,
    account_choices,
    check_files,
    check_requisites,
    chosen_files,
    prefilled,
    supplier_choices,
)
from workflows.appeals.types import appeal_type
from workflows.applications.calendar import add_working_days
from workflows.applications.guards import ApplicationError, TransitionContext
from workflows.applications.rules import CONSUMER_SIDE, today
from workflows.applications.service import add_attachment, assign_number, open_draft, save_data, transitions_from
from workflows.applications.transitions import apply_transition

#: seed 004 §2.11: what the consumer sees once an appeal is sent
MSG_ACCEPTED = "Ваше обращение принято в работу."
MSG_CHECK = "Проверьте правильность заполнения полей"
MAX_TEXT = 5000
ATTACHMENT_TITLE = "Вложение к обращению"


class AppealRefused(ApplicationError):
    """The appeal is not sent; `field_errors` name the fields."""

    category = "warning"


@dataclass(frozen=True)
class AppealChoices:
    """What «Написать новое обращение» offers and fills in first."""

    accounts: list[tuple[int, str]]
    suppliers: list[tuple[int, str]]
    topics: list[tuple[int, str]]
    requisites: Requisites


def topic_choices() -> list[tuple[int, str]]:
    """«Тема обращения»: Консультация, Жалоба, Сообщение and the admin's own topics."""
    rows = db.session.execute(select(Topic.id, Topic.name).where(Topic.kind == TopicKind.APPEAL,
                                                                 Topic.active.is_(True))
                              .order_by(Topic.sort_order, Topic.name))
    return [(topic_id, name) for topic_id, name in rows]


def _consumer(actor):
    consumer = current_consumer(actor)
    if consumer is None:
        raise NotFound()
    return consumer


def appeal_choices(actor, account_id: int | None = None) -> AppealChoices:
    """The form's choices; the suppliers are those of `account_id` (as chosen) or the prefilled one."""
    consumer = _consumer(actor)
    requisites = prefilled(consumer, account_id)
    return AppealChoices(account_choices(consumer), supplier_choices(account_id or requisites.account_id),
                         topic_choices(), requisites)


def _check(consumer, values: dict, files) -> dict[str, str]:
    """Every refusal at once, under its field."""
    errors = check_requisites(consumer, values)
    topics = dict(topic_choices())
    raw_topic = str(values.get("topic_id") or "")
    values["topic_id"] = int(raw_topic) if raw_topic.isdigit() and len(raw_topic) < 10 else None
    if not raw_topic:
        errors["topic_id"] = _(MSG_REQUIRED)
    elif values["topic_id"] not in topics:
        errors["topic_id"] = _("Выберите тему обращения из списка")
    values["text"] = (values.get("text") or "").strip()
    if not values["text"]:
        errors["text"] = _(MSG_REQUIRED)
    elif len(values["text"]) > MAX_TEXT:
        errors["text"] = _("Не более %(n)s символов", n=MAX_TEXT)
    errors.update(check_files(files))
    return errors


def write_appeal(actor, values: dict, files=()) -> Appeal:
    """«Отправить»: the appeal registered with its number and files, its answer due in the working
    days of the setting, the organization told; nothing is kept while a field is refused."""
    consumer = _consumer(actor)
    values = dict(values)
    errors = _check(consumer, values, files)
    if errors:
        raise AppealRefused(_(MSG_CHECK), errors)
    application, _reopened = open_draft(consumer, appeal_type(), actor, new=True)
    save_data(application, _data(values), actor)
    for upload in chosen_files(files):
        add_attachment(application, upload, actor, side=CONSUMER_SIDE, title=_(ATTACHMENT_TITLE), notify=False)
    sending = transitions_from(application, {CONSUMER})[0]
    apply_transition(application, sending, TransitionContext(actor=actor, roles={CONSUMER}))
    application.due_on = add_working_days(today(), int(get_setting("appeal_answer_working_days")))
    assign_number(application, None, actor)
    appeal = Appeal(application_id=application.id, consumer_id=consumer.id, account_id=values["account_id"],
                    supplier_id=values["supplier_id"], topic_id=values["topic_id"],
                    full_name=values["full_name"], phone=values["phone"], email=values["email"],
                    submitted_at=application.submitted_at)
    db.session.add(appeal)
    db.session.flush()
    return appeal


def _data(values: dict) -> dict:
    """The application's fields as staff read them on its page."""
    account = db.session.get(PersonalAccount, values["account_id"]) if values["account_id"] else None
    supplier = db.session.get(Supplier, values["supplier_id"]) if values["supplier_id"] else None
    return {"full_name": values["full_name"], "account_number": account.number if account else "",
            "address": account.address if account else "", "supplier": supplier.name if supplier else "",
            "topic": dict(topic_choices())[values["topic_id"]], "text": values["text"],
            "phone": values["phone"], "email": values["email"]}
