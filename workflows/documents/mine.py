"""«Мои документы» (E3, seed 004 §2.11): every document the consumer sent and received, newest
first, with filters. One indexed range scan of the ledger (consumer_id, created_at, id) for the
page, then one query each for the page's applications and accounts (no N+1, no COUNT).
"""
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timezone

from flask_babel import gettext as _
from sqlalchemy import select

from app.core.errors import NotFound
from app.core.formatting import app_zone, format_date
from app.core.paging import Page, paginate
from app.extensions import db
from app.models import Application, ApplicationType, ConsumerDocument, DocumentDirection, PersonalAccount, StoredFile
from app.security.access import current_consumer, ensure_own_mailed_receipt
from workflows.billing.links import linked_accounts
from workflows.documents import history, uploads

PER_PAGE = 20
DIRECTIONS = {DocumentDirection.SENT: "Отправлен", DocumentDirection.RECEIVED: "Получен"}
#: «Откуда» of an application-like source, by its kind
ORIGIN_WORDS = {"connection": "Заявка", "message": "Сообщение", "statement": "Заявление", "appeal": "Обращение"}
COPY_ORIGIN = "Запрос копий документов"
MSG_PERIOD = "Дата начала периода позже даты окончания"


@dataclass(frozen=True)
class Filters:
    """What «Мои документы» is narrowed to; empty values mean «все»."""

    direction: str = ""
    type_name: str = ""
    date_from: date | None = None
    date_to: date | None = None
    account_id: int | None = None


@dataclass(frozen=True)
class Row:
    id: int
    created_at: datetime
    direction: str
    type_name: str
    title: str
    source_kind: str
    source_id: int
    application_id: int | None
    account_id: int | None
    period: date | None
    #: «Откуда», filled for the page
    origin: str = ""

    @property
    def direction_label(self) -> str:
        return DIRECTIONS.get(self.direction, self.direction)


@dataclass
class History:
    page: Page
    filters: Filters
    type_choices: list
    account_choices: list
    errors: dict = field(default_factory=dict)


def type_filter_choices() -> list[str]:
    """«Тип документов» of the filter: the upload's types, then what the portal itself sends."""
    names = [name for _id, name in uploads.type_choices()]
    extra = [*history.KIND_TYPE_NAMES.values(), history.SIGNATURE_TYPE, history.COPY_TYPE, history.RECEIPT_TYPE,
             history.OTHER_TYPE]
    return names + [name for name in extra if name not in names]


def _utc_bound(day: date, *, end: bool) -> datetime:
    """The first moment of a Moscow day (of the next one for `end`) in the stored UTC."""
    local = datetime.combine(day, time.min, tzinfo=app_zone())
    if end:
        local = datetime.combine(day.fromordinal(day.toordinal() + 1), time.min, tzinfo=app_zone())
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def _query(consumer_id: int, filters: Filters):
    ledger = ConsumerDocument
    query = select(ledger.id, ledger.created_at, ledger.direction, ledger.type_name, ledger.title,
                   ledger.source_kind, ledger.source_id, ledger.application_id, ledger.account_id,
                   ledger.period).where(ledger.consumer_id == consumer_id)
    if filters.direction in DIRECTIONS:
        query = query.where(ledger.direction == filters.direction)
    if filters.type_name:
        query = query.where(ledger.type_name == filters.type_name)
    if filters.account_id:
        query = query.where(ledger.account_id == filters.account_id)
    if filters.date_from:
        query = query.where(ledger.created_at >= _utc_bound(filters.date_from, end=False))
    if filters.date_to:
        query = query.where(ledger.created_at < _utc_bound(filters.date_to, end=True))
    return query.order_by(ledger.created_at.desc(), ledger.id.desc())


def my_documents(actor, filters: Filters, page: int) -> History:
    """«Мои документы» of the signed-in consumer (404 for anyone who is not one)."""
    consumer = current_consumer(actor)
    if consumer is None:
        raise NotFound()
    links = linked_accounts(consumer)
    accounts = [(account_id, f"{number} — {address}") for account_id, number, address in links]
    errors = {}
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        errors["date_to"] = _(MSG_PERIOD)
        filters = Filters(filters.direction, filters.type_name, None, None, filters.account_id)
    result = paginate(_query(consumer.id, filters), page, PER_PAGE, make=lambda row: Row(*row))
    result.items = _with_origins(result.items, {account_id: number for account_id, number, _address in links})
    return History(result, filters, type_filter_choices(), accounts, errors)


def mailed_receipt(actor, sending_id: int) -> StoredFile:
    """The PDF of a receipt mailed to the consumer, as it was sent (404 for anyone else)."""
    sending = ensure_own_mailed_receipt(actor, sending_id)
    return db.session.get(StoredFile, sending.file_id)


def _with_origins(rows: list[Row], known_accounts: dict[int, str]) -> list[Row]:
    """«Откуда» of every row: «Заявка № …», «Обращение № …», «Лицевой счет …» (two queries at most)."""
    application_ids = {row.application_id for row in rows if row.application_id}
    applications = {}
    if application_ids:
        applications = {app_id: (number, kind, submitted) for app_id, number, kind, submitted in db.session.execute(
            select(Application.id, Application.number, ApplicationType.kind, Application.submitted_at)
            .join(ApplicationType, ApplicationType.id == Application.application_type_id)
            .where(Application.id.in_(application_ids)))}
    missing = {row.account_id for row in rows if row.account_id and row.account_id not in known_accounts}
    accounts = dict(known_accounts)
    if missing:  # an account unlinked since: its number read once for the page
        accounts.update(db.session.execute(select(PersonalAccount.id, PersonalAccount.number)
                                           .where(PersonalAccount.id.in_(missing))).all())
    return [_origin_of(row, applications, accounts) for row in rows]


def _origin_of(row: Row, applications: dict, accounts: dict) -> Row:
    if row.application_id in applications:
        number, kind, submitted = applications[row.application_id]
        word = _(ORIGIN_WORDS.get(kind, "Заявка"))
        origin = f"{word} № {number}" if number else f"{word} от {format_date(submitted)}"
    elif row.account_id in accounts:
        origin = _("Лицевой счет %(number)s", number=accounts[row.account_id])
    elif row.source_kind == "copy":
        origin = _(COPY_ORIGIN)
    else:
        origin = ""
    return replace(row, origin=origin)
