"""Browser journey (E4): a consumer books an appointment — each choice submits its step through
appointments.js (no inline script) — sees «Вы записаны на прием …», then cancels it and the
time is offered again; no page reports a policy violation or a script error."""
import pytest

from app.extensions import db
from tests.appointments import builders as b
from tests.browser_helpers import browser_login
from tests.factories import PASSWORD, make_consumer
from tests.foundation.test_csp_browser import watch

pytestmark = pytest.mark.browser


def test_a_consumer_books_and_cancels(live_server, page, ctx):
    consumer = make_consumer(commit=False)
    office = b.office()
    topic = b.topics()[0]
    db.session.commit()
    day, office_id, topic_id, email = b.ru(b.tomorrow()), office.id, topic.id, consumer.email
    browser_login(page, live_server, email, PASSWORD)
    seen = watch(page)  # CSP violations, console messages, script errors

    page.goto(f"{live_server}/my/appointments/")
    with page.expect_navigation():
        page.click("[data-test=book]")
    with page.expect_navigation():
        page.select_option("#topic", str(topic_id))
    with page.expect_navigation():
        page.select_option("#office", str(office_id))
    with page.expect_navigation():
        page.select_option("#day", day)
    page.check("input[name=time][value='09:00']")
    with page.expect_navigation():
        page.click("[data-test=confirm-book]")
    assert f"Вы записаны на прием {day} в 09:00" in page.inner_text(".alert-success")
    assert page.locator("[data-test=appointment]").count() == 1

    with page.expect_navigation():
        page.click("[data-test=cancel]")
    with page.expect_navigation():
        page.click("[data-test=confirm-cancel]")
    assert "Запись на прием отменена" in page.inner_text(".alert-success")
    assert page.locator("[data-test=no-upcoming]").count() == 1
    page.goto(f"{live_server}/my/appointments/new?topic={topic_id}&office={office_id}&day={day}")
    assert page.locator("input[name=time][value='09:00']").count() == 1
    assert seen == []
