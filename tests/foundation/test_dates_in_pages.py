"""Issue 12: dates as DD.MM.YYYY everywhere. Every page a consumer and a staff member reach is
rendered (tracker dates, deadlines and history filled in) and its visible text has no ISO date;
values of `<input type="date">` are the browser's format and are not text."""
import re
from datetime import date
from html.parser import HTMLParser

import pytest

from app.extensions import db
from tests.foundation.portal_pages import START_PAGES, crawl, user_of

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
HIDDEN = {"script", "style", "template"}


class VisibleText(HTMLParser):
    """The text a person reads: no markup, attributes, scripts or styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in HIDDEN

    def handle_endtag(self, tag):
        self.hidden -= tag in HIDDEN and self.hidden > 0

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def iso_dates(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    text = " ".join(parser.parts)
    return [text[max(0, m.start() - 40): m.end() + 10] for m in ISO_DATE.finditer(text)]


def test_the_finder_sees_text_only():
    assert iso_dates('<p>Срок 2026-03-01</p>') != []
    assert iso_dates('<input type="date" value="2026-03-01"><p data-day="2026-03-01">01.03.2026</p>') == []


def _fill_dates():
    """The demo application gets tracker dates (kept as ISO text in JSON)."""
    from sqlalchemy import select

    from app.models import Application, ApplicationType
    from workflows.applications import service

    # the demo's connection application (appeals and statements have no stage tracker)
    application = db.session.scalar(select(Application).join(ApplicationType).where(
        Application.submitted_at.isnot(None), ApplicationType.has_stage_tracker.is_(True)).limit(1))
    service.update_tracker(application, {"2": {"date": date(2026, 3, 1)}, "3": {"date": date(2026, 3, 5)}},
                           user_of("Staff"))
    db.session.commit()
    return application.id


#: where each role sees the stage tracker (the crawl opens two pages of a kind: the queue's first
#: items are appeals and statements now)
TRACKER_PAGES = {"Consumer": "/my/applications/{id}", "Staff": "/staff/applications/{id}",
                 "OrgAdmin": "/staff/applications/{id}", "Admin": "/staff/applications/{id}"}


@pytest.mark.parametrize("role", ["Consumer", "Staff", "OrgAdmin", "Admin"])
def test_no_page_shows_an_iso_date(app, client, login, portal, role):
    tracker_page = TRACKER_PAGES[role].format(id=_fill_dates())
    login(user_of(role))
    pages = [(url, html) for url, response, html in crawl(app, client, [tracker_page, *START_PAGES[role]], limit=150)
             if response.status_code < 400]
    found = {url: dates for url, html in pages if (dates := iso_dates(html))}
    assert found == {}, f"{role}: ISO dates on {len(found)} pages: {found}"
    assert any("01.03.2026" in html for _, html in pages), "the stage tracker was among the pages"
