"""Browser journey (A9): the waiting page's script notices the phone's approval and signs in by
itself — a real QR read from the page, a second browser context as the phone."""
from urllib.parse import urlsplit

import pytest

from tests.browser_helpers import browser_login
from tests.accounts.test_qr_login import read_qr, returning_consumer
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_the_waiting_page_signs_in_once_the_phone_approves(live_server, page, browser, ctx):
    consumer = returning_consumer()
    page.goto(f"{live_server}/login/")
    page.click("[data-test=qr-login]")
    path = urlsplit(read_qr(page.get_attribute("[data-test=qr-image]", "src"))).path

    phone_context = browser.new_context(locale="ru-RU", user_agent="Phone")
    try:
        phone = phone_context.new_page()
        browser_login(phone, live_server, consumer.email, PASSWORD)
        phone.goto(f"{live_server}{path}")
        assert "HeadlessChrome" in phone.inner_text("[data-test=qr-browser]")
        phone.click("[data-test=qr-approve]")
        assert "Вход подтвержден" in phone.inner_text("[data-test=message]")
    finally:
        phone_context.close()
    page.wait_for_url(lambda url: "/login" not in url, timeout=8_000)
    assert urlsplit(page.url).path == "/" and page.locator("[data-test=logout]").count() == 1
