"""Issue 12 in Chromium: a stage note («Добавить статус») reads and looks apart from status changes;
the refusal comment stands in «Причина отказа»; a document to be signed shows once."""
import pytest

from app.extensions import db
from tests.applications.conftest import make_submitted, move
from tests.browser_helpers import browser_login, browser_logout
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def background(locator) -> str:
    return locator.evaluate("row => getComputedStyle(row.cells[0]).backgroundColor")


def test_stage_note_looks_apart_and_refusal_comment_is_in_its_panel(live_server, page, consumer, staff, ctx):
    application = make_submitted(consumer)
    db.session.commit()
    app_id, staff_email, consumer_email = application.id, staff.email, consumer.email

    browser_login(page, live_server, staff_email, PASSWORD)
    page.goto(f"{live_server}/staff/applications/{app_id}")
    page.fill("[data-test=note-form] input[name=text]", "Ведется проектирование")
    page.click("[data-test=add-note]")
    page.wait_for_load_state("networkidle")
    browser_logout(page, live_server)

    browser_login(page, live_server, consumer_email, PASSWORD)
    page.goto(f"{live_server}/my/applications/{app_id}")
    note = page.locator("[data-test=history] tr[data-kind=note]")
    change = page.locator("[data-test=history] tr[data-kind=status]").first
    assert note.inner_text().split("\t")[-1].strip() == "Ход работ: Ведется проектирование"
    assert change.inner_text().split("\t")[-1].strip().startswith("Статус изменен: ")
    assert background(note) != background(change)  # a stage item, visibly not a status change
    assert note.locator("td").first.evaluate("td => getComputedStyle(td).borderLeftWidth") == "4px"
    browser_logout(page, live_server)

    move(application, "review", "refused", staff, with_document=True, comment="Нет свободной мощности")
    browser_login(page, live_server, consumer_email, PASSWORD)
    page.goto(f"{live_server}/my/applications/{app_id}")
    refusal = page.locator("[data-test=refusal-reason]")
    assert refusal.is_visible()
    assert "Нет свободной мощности" in refusal.inner_text() and "letter.pdf" in refusal.inner_text()
