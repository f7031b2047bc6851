"""«История обращений» (E1, seed 004 §2.10): the consumer's appeals by month, of one account or all,
for a period of months within the last 3 years; and one appeal's card with its answers."""
import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from itertools import groupby

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import aliased

from app.core.formatting import app_zone
from app.core.identifiers import format_phone
from app.extensions import db
from app.models import Appeal, Application, ApplicationEvent, Attachment, Status, Topic
from app.security.access import current_consumer, ensure_own_appeal, ensure_own_appeal_attachment
from workflows.appeals.requisites import account_choices
from workflows.applications.queries import application_detail
from workflows.billing.periods import PeriodRefused, PeriodRule, add_months
from workflows.meters.history import MONTHS

#: «с месяца, предшествующего текущему»: the previous and the current month first, 3 years at most
PERIOD = PeriodRule("История обращений", default_months=2)
PER_PAGE = 50


@dataclass(frozen=True)
class AppealRow:
    id: int
    submitted_at: datetime
    topic: str
    number: str | None
    status: str
    is_final: bool
    #: the organization's answer (the comment of the final status), None before it
    answer: str | None


@dataclass
class History:
    accounts: list[tuple[int, str]]
    account_id: int | None
    first: date
    last: date
    #: («Ноябрь 2026», its appeals newest first), newest month first
    months: list[tuple[str, list[AppealRow]]] = field(default_factory=list)
    page: int = 1
    has_next: bool = False
    #: field → message of a refused period (nothing is listed then)
    period_errors: dict[str, str] = field(default_factory=dict)


def _utc_start(month: date) -> datetime:
    """The month's first moment in the portal's zone, as the naive UTC the columns keep."""
    local = datetime.combine(month, time.min, tzinfo=app_zone())
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def _answer_subquery():
    """The newest comment of a move into a final status: the organization's answer."""
    final = aliased(Status)
    return (select(ApplicationEvent.comment)
            .join(final, and_(final.id == ApplicationEvent.to_status_id, final.is_final.is_(True)))
            .where(ApplicationEvent.application_id == Appeal.application_id, ApplicationEvent.kind == "status",
                   ApplicationEvent.comment.is_not(None))
            .order_by(ApplicationEvent.id.desc()).limit(1).correlate(Appeal).scalar_subquery())


@functools.cache
def _history_query(by_account: bool):
    """The page's statement, built once per process with its values as parameters: building the
    select with its joins and subquery cost ≈ 0.5 ms of the page's 3.5 ms CPU (bench/RESULTS.md)."""
    query = (select(Appeal.id, Appeal.submitted_at, Topic.name, Application.number, Status.name, Status.is_final,
                    Application.free_status, _answer_subquery())
             .join(Application, Application.id == Appeal.application_id)
             .join(Status, Status.id == Application.status_id)
             .join(Topic, Topic.id == Appeal.topic_id)
             .where(Appeal.consumer_id == bindparam("consumer_id"), Appeal.submitted_at >= bindparam("since"),
                    Appeal.submitted_at < bindparam("until"))
             .order_by(Appeal.submitted_at.desc(), Appeal.id.desc())
             .limit(bindparam("limit")).offset(bindparam("offset")))
    return query.where(Appeal.account_id == bindparam("account_id")) if by_account else query


def _rows(consumer_id: int, account_id: int | None, first: date, last: date, page: int) -> list[AppealRow]:
    values = dict(consumer_id=consumer_id, since=_utc_start(first), until=_utc_start(add_months(last, 1)),
                  limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE)
    if account_id is not None:
        values["account_id"] = account_id
    return [AppealRow(id_, at, topic, number, free or status, final, answer)
            for id_, at, topic, number, status, final, free, answer
            in db.session.execute(_history_query(account_id is not None), values)]


def month_title(moment: datetime) -> str:
    local = moment.replace(tzinfo=timezone.utc).astimezone(app_zone())
    return f"{MONTHS[local.month - 1]} {local.year}"


def appeals_history(actor, account_id: int | None, first: date | None, last: date | None,
                    page: int = 1) -> History:
    """The appeals of the period (default: the previous and the current month), grouped by month;
    a period beyond 3 years is refused with its message, an account not the consumer's shows none."""
    consumer = current_consumer(actor)
    accounts = account_choices(consumer)
    if first is None or last is None:
        first, last = PERIOD.default()
    result = History(accounts, account_id, first, last, page=max(page, 1))
    try:
        result.first, result.last = PERIOD.check(first, last)
    except PeriodRefused as exc:
        result.period_errors[exc.field] = exc.message
        return result
    if consumer is None or (account_id is not None and account_id not in dict(accounts)):
        return result
    rows = _rows(consumer.id, account_id, result.first, result.last, result.page)
    result.has_next = len(rows) > PER_PAGE
    result.months = [(title, list(items)) for title, items in
                     groupby(rows[:PER_PAGE], key=lambda row: month_title(row.submitted_at))]
    return result


@dataclass(frozen=True)
class AppealCard:
    appeal: Appeal
    application: Application
    #: the consumer's files and the organization's (live ones)
    attachments: list
    #: (when, status name, comment) of every status change the consumer may see
    history: list
    #: (when, status name, text) of the organization's answers
    answers: list
    #: «+7 (912) 345-67-89»
    phone: str


def appeal_card(actor, appeal_id: int) -> AppealCard:
    """The card: status, text, files, the organization's answers and the history (404 to others)."""
    appeal = ensure_own_appeal(actor, appeal_id)
    application = application_detail(appeal.application_id)
    events = [e for e in application.events if e.kind == "status" and e.visible_to_consumer
              and not (e.to_status is not None and e.to_status.is_draft)]
    answers = [(e.at, e.status_name, e.comment) for e in events
               if e.comment and e.to_status is not None and e.to_status.is_final]
    attachments = [a for a in application.attachments if a.deleted_at is None]
    return AppealCard(appeal, application, attachments, [(e.at, e.status_name, e.comment) for e in events],
                      answers, format_phone(appeal.phone))


def appeal_of_application(actor, application_id: int) -> Appeal:
    """The consumer's appeal of the application a notification links to (404 to others)."""
    return ensure_own_appeal(actor, application_id=application_id)


def appeal_file(actor, appeal_id: int, attachment_id: int) -> Attachment:
    """A file of the consumer's own appeal (theirs or the organization's answer's); 404 to others."""
    return ensure_own_appeal_attachment(actor, appeal_id, attachment_id)

