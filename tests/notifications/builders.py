"""Notices and settings for the notifications tests."""
from datetime import datetime

from app.extensions import db
from app.models import Notification


def notice(user, title: str, *, template: str = "application_status", created: datetime | None = None,
           read: bool = False, link: str | None = None) -> Notification:
    created = created or datetime(2026, 11, 10, 9, 0)
    row = Notification(user_id=user.id, title=title, body=f"Текст: {title}", template=template, created_at=created,
                       read_at=created if read else None, link=link)
    db.session.add(row)
    db.session.flush()
    return row


def titles(html: str) -> list[str]:
    """The titles of the notices a history page lists, in order."""
    import re

    return re.findall(r'<h4 class="list-group-item-heading"><a href="[^"]+">([^<]+)</a>', html)
