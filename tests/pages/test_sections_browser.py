"""Browser journey (E6): an admin adds a promotion in «Разделы сайта», writes its text in the
page editor with ДД.ММ.ГГГГ dates, publishes it; the menu of a visitor gets «Акции» and the page
shows it. (The dates are text boxes: a browser's date picker would show none of them.)"""
import pytest

from tests.browser_helpers import browser_login
from tests.factories import PASSWORD
from tests.pages.section_builders import day

pytestmark = pytest.mark.browser


def test_admin_publishes_a_promotion_and_a_visitor_sees_it(live_server, page, pages, org_admin):
    browser_login(page, live_server, org_admin.email, PASSWORD)
    page.goto(f"{live_server}/admin/content/promotion/")
    page.fill("input[name=title]", "Скидка на поверку")
    page.fill("input[name=starts_on]", day(-1).strftime("%d.%m.%Y"))
    page.fill("input[name=ends_on]", day(10).strftime("%d.%m.%Y"))
    with page.expect_navigation():
        page.click("[data-test=create-entry] button[type=submit]")
    assert page.input_value("input[name=ends_on]") == day(10).strftime("%d.%m.%Y")
    page.locator(".ql-editor").click()
    page.keyboard.type("Поверка со скидкой 20 %")
    page.fill("input[name=ends_on]", day(20).strftime("%d.%m.%Y"))
    with page.expect_navigation():
        page.click("input[name=publish]")
    assert "Опубликовано" in page.inner_text("body")
    assert page.input_value("input[name=ends_on]") == day(20).strftime("%d.%m.%Y")

    page.context.clear_cookies()
    page.goto(f"{live_server}/faq/")
    page.click("[data-test=menu-group]:has-text('Сервисы')")  # «Акции» is in the «Сервисы» dropdown
    with page.expect_navigation():
        page.click("a[href='/promotions/']")
    promotion = page.inner_text("[data-test=promotion]")
    assert "Скидка на поверку" in promotion and "Поверка со скидкой 20 %" in promotion
    assert day(20).strftime("%d.%m.%Y") in promotion
