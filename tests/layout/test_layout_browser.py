"""The consumer's layout in Chromium: one menu row on a desktop, «Меню» on a phone, a
visible «Выход» that signs out, the organization's name in the header."""
import pytest

from app.models import LegalForm
from tests.applications.conftest import COMPLETE_PROFILE
from tests.browser_helpers import browser_login
from tests.factories import PASSWORD, make_consumer

pytestmark = pytest.mark.browser

MENU_LINKS = "#kb-menu > li > a"
#: the menu row: its links and the toggles of its dropdowns
MENU_ENTRIES = "#kb-menu > li > a, #kb-menu > li > button"


@pytest.fixture
def consumer(ctx):
    return make_consumer()


def test_desktop_menu_fits_one_row_and_is_reached_with_tab(live_server, page, consumer):
    page.set_viewport_size({"width": 1280, "height": 800})
    browser_login(page, live_server, consumer.email, PASSWORD)
    page.goto(f"{live_server}/my/applications/")
    assert "АО «Электросети»" in page.inner_text("[data-test=org-name]")
    entries = page.locator("#kb-menu > li > a:visible, #kb-menu > li > button:visible")
    assert entries.count() >= 6
    tops = [entries.nth(i).bounding_box()["y"] for i in range(entries.count())]
    assert max(tops) - min(tops) <= 4, tops
    assert not page.is_visible("[data-test=menu-toggle]")

    reached = []
    for _ in range(20):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.getAttribute('href') || document.activeElement.innerText"))
        if reached[-1].startswith("Заявки"):
            break
    assert "#main" in reached, reached  # the skip link first
    page.keyboard.press("Enter")  # the dropdown opens from the keyboard
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/my/applications/new"
    assert page.locator("#kb-menu a[href='/my/applications/']").is_visible()


def test_phone_menu_folds_into_a_button_that_works_with_the_keyboard(live_server, page, consumer):
    page.set_viewport_size({"width": 375, "height": 740})
    browser_login(page, live_server, consumer.email, PASSWORD)
    page.goto(f"{live_server}/my/applications/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.is_visible("[data-test=logout]")
    assert not page.locator(MENU_LINKS).first.is_visible()
    toggle = page.locator("[data-test=menu-toggle]")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.focus()
    page.keyboard.press("Enter")
    page.locator(MENU_LINKS).first.wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"
    with page.expect_navigation():  # networkidle alone could answer before the click's navigation began
        page.locator("#kb-menu a[href='/my/notifications/']").click()
    assert page.url.endswith("/my/notifications/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_visible_logout_signs_out(live_server, page, consumer):
    page.set_viewport_size({"width": 1280, "height": 800})
    browser_login(page, live_server, consumer.email, PASSWORD)
    logout = page.locator("[data-test=logout]")
    assert logout.is_visible() and "Выход" in logout.inner_text()
    logout.click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server}/my/applications/")
    assert "/login/" in page.url
    assert not page.locator("[data-test=logout]").count()


def test_no_consumer_page_scrolls_sideways_on_a_phone(live_server, page, reference_data):
    consumer = make_consumer(LegalForm.LEGAL_ENTITY, **COMPLETE_PROFILE[LegalForm.LEGAL_ENTITY])
    page.set_viewport_size({"width": 375, "height": 740})
    browser_login(page, live_server, consumer.email, PASSWORD)
    hrefs = page.eval_on_selector_all("#kb-menu a", "links => links.map(a => a.getAttribute('href'))")
    assert "/my/applications/new" in hrefs and "/my/appeals/" in hrefs
    too_wide = {}
    for href in hrefs:
        page.goto(f"{live_server}{href}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            too_wide[href] = width
    assert too_wide == {}
