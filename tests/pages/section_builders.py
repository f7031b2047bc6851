"""Builders of the sections' entries (E6) for the pages area's tests: created and published
through the same services the editor uses."""
from datetime import date, timedelta

from app.extensions import db
from app.models import InfoPage
from workflows.pages import sections, service
from workflows.pages.promotions import moscow_today


def entry(code: str, title: str, body: str = "<p>Текст</p>", *, publish: bool = True, **details) -> InfoPage:
    """An entry of section `code`, its text published unless `publish` is False; committed."""
    page = sections.create_entry(code, title, details)
    version = service.save_draft(page, title, body)
    if publish:
        service.publish(page, version)
    db.session.commit()
    return page


def promotion(title: str, *, starts: int, ends: int, publish: bool = True) -> InfoPage:
    """A promotion running from `starts` to `ends` days from today (Moscow date)."""
    today = moscow_today()
    return entry(sections.PROMOTION, title, f"<p>Условия: {title}</p>", publish=publish,
                 starts_on=today + timedelta(days=starts), ends_on=today + timedelta(days=ends))


def day(offset: int) -> date:
    return moscow_today() + timedelta(days=offset)
