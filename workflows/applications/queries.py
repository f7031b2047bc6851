"""List queries of «Мои заявки» and the staff queue: indexed, paginated, a fixed number of SQL queries.

Pages are fetched with LIMIT n+1 (app/core/paging.py), so a page costs the same at ten thousand
and at a million applications.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.core.paging import Page, paginate
from app.models import (
    Application,
    ApplicationEvent,
    ApplicationType,
    Attachment,
    ConsumerProfile,
    Message,
    Status,
)
from app.models.search import search_key
from app.security.access import scope_applications

PAGE_SIZE = 20


@dataclass(frozen=True, slots=True)
class ListedStatus:
    """What a list shows of a status: its name and the flags that pick the label and the actions."""
    name: str
    is_final: bool
    is_draft: bool
    consumer_editable: bool


@dataclass(slots=True)
class ListedApplication:
    """One row of «Мои заявки»: the columns the list shows, read without loading ORM objects
    (hydrating twenty applications with their status and type cost more than the query)."""
    id: int
    number: str | None
    type_name: str
    object_address: str | None
    subject: str | None
    submitted_at: datetime | None
    status: ListedStatus
    free_status: str | None
    due_on: date | None
    status_changed_at: datetime | None

    @property
    def display_status(self) -> str:
        return self.free_status or self.status.name


MY_APPLICATIONS = (
    select(Application.id, Application.number, ApplicationType.name, Application.object_address,
           Application.data["subject"].as_string(), Application.submitted_at,
           Status.name, Status.is_final, Status.is_draft, Status.consumer_editable,
           Application.free_status, Application.due_on, Application.status_changed_at)
    .join(Application.status).join(Application.application_type)
    .order_by(Application.created_at.desc(), Application.id.desc())
)


def my_applications(user, *, page: int = 1, per_page: int = PAGE_SIZE) -> Page:
    """B6: the consumer's applications and messages, newest first, with status and type."""
    statuses: dict[tuple, ListedStatus] = {}

    def listed(row) -> ListedApplication:
        (id_, number, type_name, address, subject, submitted_at,
         status_name, is_final, is_draft, editable, free_status, due_on, changed_at) = row
        flags = (status_name, is_final, is_draft, editable)
        status = statuses.get(flags) or statuses.setdefault(flags, ListedStatus(*flags))
        return ListedApplication(id_, number, type_name, address, subject, submitted_at, status,
                                 free_status, due_on, changed_at)

    return paginate(scope_applications(MY_APPLICATIONS, user), page, per_page, make=listed)


#: the queue's filters by kind of item (ApplicationType.kind → the filter's label)
QUEUE_KINDS = {"appeal": "Обращения", "statement": "Заявления"}


@dataclass
class QueueFilters:
    status_id: int | None = None
    type_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    overdue: bool = False
    due: bool = False
    q: str = ""
    #: ApplicationType.kind values ticked («appeal»: «Обращения», «statement»: «Заявления»); () for every kind
    kinds: tuple = ()
    extra: dict = field(default_factory=dict)


def staff_queue(user, filters: QueueFilters, *, today: date, page: int = 1, per_page: int = PAGE_SIZE) -> Page:
    """B7: every submitted item with the applicant, filtered and searched, one query per page."""
    query = (
        select(Application)
        .where(Application.submitted_at.is_not(None))
        .options(
            joinedload(Application.status),
            joinedload(Application.application_type),
            joinedload(Application.consumer).joinedload(ConsumerProfile.user),
        )
    )
    if filters.status_id:
        query = query.where(Application.status_id == filters.status_id)
    if filters.type_id:
        query = query.where(Application.application_type_id == filters.type_id)
    if filters.kinds:
        query = query.where(Application.application_type_id.in_(
            select(ApplicationType.id).where(ApplicationType.kind.in_(filters.kinds))))
    if filters.date_from:
        query = query.where(Application.submitted_at >= datetime.combine(filters.date_from, time.min))
    if filters.date_to:
        query = query.where(Application.submitted_at < datetime.combine(filters.date_to + timedelta(days=1), time.min))
    if filters.overdue or filters.due:
        open_status = select(Status.id).where(Status.is_final.is_(False), Status.is_draft.is_(False),
                                              Status.consumer_editable.is_(False))
        query = query.where(Application.status_id.in_(open_status), Application.due_on.is_not(None))
        if filters.overdue:
            query = query.where(Application.due_on < today)
        else:
            query = query.where(Application.due_on >= today, Application.due_on <= today + timedelta(days=3))
    term = (filters.q or "").strip()
    if term:
        query = query.where(_search_condition(term))
    if filters.overdue or filters.due:
        query = query.order_by(Application.due_on, Application.id)
    else:
        query = query.order_by(Application.submitted_at.desc(), Application.id.desc())
    return paginate(scope_applications(query, user), page, per_page)


def _search_condition(term: str):
    """Number (exact), ФИО or organization name (any part, any case: «ветрова анна»), identifiers
    (digits), object address (any part, any case). Folded keys are compared (app.models.search),
    so Cyrillic matches in any case on SQLite too; still one statement with the page."""
    key = search_key(term) or ""
    digits = "".join(ch for ch in term if ch.isdigit())
    conditions = [ConsumerProfile.search_name.contains(key, autoescape=True)]
    if digits and len(digits) >= 10:
        conditions += [ConsumerProfile.inn == digits, ConsumerProfile.ogrn == digits,
                       ConsumerProfile.ogrnip == digits, ConsumerProfile.snils == digits]
    matching = select(ConsumerProfile.id).where(or_(*conditions))
    return or_(Application.number == term, Application.consumer_id.in_(matching),
               Application.search_address.contains(key, autoescape=True))


def queue_dictionaries():
    """Type and status choices of the queue filters, in one query."""
    statuses = db.session.scalars(
        select(Status).join(Status.application_type).options(joinedload(Status.application_type))
        .where(Status.is_draft.is_(False))
        .order_by(ApplicationType.sort_order, Status.application_type_id, Status.sort_order)
    ).all()
    types = list(dict.fromkeys(s.application_type for s in statuses))
    return types, statuses


def _application_detail_statements():
    application = (
        select(Application)
        .where(Application.id == bindparam("application_id"))
        .options(
            joinedload(Application.status),
            joinedload(Application.application_type),
            joinedload(Application.consumer).joinedload(ConsumerProfile.user),
        )
    )
    events = (
        select(ApplicationEvent).where(ApplicationEvent.application_id == bindparam("application_id"))
        .options(joinedload(ApplicationEvent.actor)).order_by(ApplicationEvent.id)
    )
    attachments = (
        select(Attachment).where(Attachment.application_id == bindparam("application_id"))
        .options(joinedload(Attachment.file)).order_by(Attachment.id)
    )
    return application, events, attachments


def _messages_statement():
    return (
        select(Message).where(Message.application_id == bindparam("application_id"))
        .options(joinedload(Message.author), selectinload(Message.attachments).joinedload(Attachment.file))
        .order_by(Message.created_at, Message.id)
    )


# Built once: the application page runs them on every view, and building a statement with
# its loader options (or letting selectinload build one per load) costs SQLAlchemy more
# than running it.
APPLICATION_DETAIL, EVENTS_OF_APPLICATION, ATTACHMENTS_OF_APPLICATION = _application_detail_statements()
MESSAGES_OF_APPLICATION = _messages_statement()


def application_detail(application_id: int):
    """One application with everything its page shows: three statements."""
    params = {"application_id": application_id}
    application = db.session.scalar(APPLICATION_DETAIL, params)
    if application is not None:
        set_committed_value(application, "events", db.session.scalars(EVENTS_OF_APPLICATION, params).all())
        set_committed_value(application, "attachments", db.session.scalars(ATTACHMENTS_OF_APPLICATION, params).all())
    return application


def messages_of(application_id: int):
    return db.session.scalars(MESSAGES_OF_APPLICATION, {"application_id": application_id}).all()
