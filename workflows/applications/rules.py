"""Small rules of the applications area every use case reads: sides, today, rich text, links."""
from datetime import date
from decimal import Decimal, InvalidOperation

import nh3

from app.core.formatting import _local
from app.models import Application
from app.models.base import utcnow

CONSUMER_SIDE = "consumer"
ORGANIZATION_SIDE = "organization"

#: tags a message or rich-text field may keep (nh3 drops everything else, and all scripts)
RICH_TAGS = {"p", "br", "b", "strong", "i", "em", "u", "s", "ul", "ol", "li", "blockquote", "a", "h3", "h4"}


def today() -> date:
    """The organization's local date (deadlines count in it)."""
    return _local(utcnow()).date()


def sanitize_html(raw: str | None) -> str:
    return nh3.clean(raw or "", tags=RICH_TAGS, attributes={"a": {"href"}}, link_rel="noopener noreferrer").strip()


def plain_text(html: str | None) -> str:
    return nh3.clean(html or "", tags=set()).strip()


def is_editable_by_consumer(application: Application) -> bool:
    return application.status.is_draft or application.status.consumer_editable


def is_overdue(application: Application, on: date | None = None) -> bool:
    return bool(application.due_on and application.due_on < (on or today())
                and not application.status.is_final and not application.status.is_draft
                and not application.status.consumer_editable)


def live_attachments(application: Application) -> list:
    return [a for a in application.attachments if a.deleted_at is None]


#: kinds whose consumer page is their area's own (an appeal's card shows the organization's answer)
CONSUMER_PAGES = {"appeal": "/my/appeals/by-application/{id}"}


def consumer_link(application: Application) -> str:
    page = CONSUMER_PAGES.get(application.application_type.kind, "/my/applications/{id}")
    return page.format(id=application.id)


def staff_link(application: Application) -> str:
    return f"/staff/applications/{application.id}"


def parse_decimal(raw: str) -> Decimal | None:
    try:
        return Decimal(str(raw).replace(",", ".").replace(" ", ""))
    except (InvalidOperation, ValueError):
        return None
