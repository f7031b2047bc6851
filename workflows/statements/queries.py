"""«Мои заявления»: the consumer's statements (every type of kind «statement»: those of «Подать
заявление» and the meters' and accounts' own), newest first, one query a page."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.core.errors import NotFound
from app.core.paging import Page, paginate
from app.models import Application, ApplicationKind, ApplicationType, Status
from app.security.access import current_consumer, scope_applications

PAGE_SIZE = 20


@dataclass(frozen=True, slots=True)
class ListedStatement:
    id: int
    number: str | None
    topic: str
    submitted_at: datetime | None
    status: str
    is_final: bool


MY_STATEMENTS = (
    select(Application.id, Application.number, ApplicationType.name, Application.submitted_at,
           Status.name, Application.free_status, Status.is_final)
    .join(Application.status).join(Application.application_type)
    .where(ApplicationType.kind == ApplicationKind.STATEMENT, Application.submitted_at.is_not(None))
    .order_by(Application.submitted_at.desc(), Application.id.desc())
)


def my_statements(actor, page: int = 1) -> Page:
    """The signed-in consumer's sent statements: number, topic, date, status."""
    if current_consumer(actor) is None:
        raise NotFound()

    def listed(row) -> ListedStatement:
        id_, number, topic, submitted_at, status, free_status, is_final = row
        return ListedStatement(id_, number, topic, submitted_at, free_status or status, is_final)

    return paginate(scope_applications(MY_STATEMENTS, actor), page, PAGE_SIZE, make=listed)
