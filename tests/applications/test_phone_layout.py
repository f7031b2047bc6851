"""G2 on a phone (375 px, headless Chromium): the main consumer and staff pages fit the
screen — no sideways scrolling — and lists turn into cards with labelled values."""
import pytest

from app.models import LegalForm
from app.security.roles import ORG_ADMIN
from tests.applications.conftest import COMPLETE_PROFILE, make_submitted, move
from tests.browser_helpers import browser_login, browser_logout
from tests.factories import PASSWORD, make_consumer, make_staff

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def assert_fits_the_screen(page, url):
    page.goto(url)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{url} scrolls sideways by {overflow}px"


def assert_rows_are_cards(page, table):
    assert not page.is_visible(f"[data-test={table}] thead")
    assert page.locator(f"[data-test={table}] tbody tr").first.bounding_box()["width"] <= PHONE["width"]
    label = page.evaluate(f"""getComputedStyle(
        document.querySelector('[data-test={table}] td[data-label="Дата подачи"]'), '::before').content""")
    assert "Дата подачи" in label  # the column name stands before its value


def test_consumer_and_staff_pages_fit_a_phone(live_server, page, reference_data):
    consumer = make_consumer(LegalForm.LEGAL_ENTITY, **COMPLETE_PROFILE[LegalForm.LEGAL_ENTITY])
    staff = make_staff(ORG_ADMIN)
    application = make_submitted(consumer)
    move(application, "review", "missing_data", staff, with_document=True)
    page.set_viewport_size(PHONE)

    browser_login(page, live_server, consumer.email, PASSWORD)
    for path in ("/my/applications/", f"/my/applications/{application.id}", "/my/profile/", "/my/notifications/"):
        assert_fits_the_screen(page, live_server + path)
    page.goto(f"{live_server}/my/applications/")
    assert_rows_are_cards(page, "my-applications")
    browser_logout(page, live_server)

    browser_login(page, live_server, staff.email, PASSWORD)
    for path in ("/staff/queue/", f"/staff/applications/{application.id}", "/admin/settings/", "/admin/staff/",
                 "/admin/audit/", "/admin/statuses/list/"):
        assert_fits_the_screen(page, live_server + path)
    page.goto(f"{live_server}/staff/queue/")
    assert_rows_are_cards(page, "queue")
