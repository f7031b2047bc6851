"""Errors are announced and tied to their fields (ГОСТ Р 52872-2019 / WCAG 3.3.1, 3.3.2, 4.1.3):
a form sent empty shows each error with role="alert", named by its input's aria-describedby,
and the input says it is invalid (aria-invalid); required inputs say so (aria-required)."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Application
from tests.browser_helpers import browser_login
from tests.foundation.portal_pages import DEMO_PASSWORD, ROLE_EMAILS

pytestmark = pytest.mark.browser

ERRORS_TIED = """() => Array.from(document.querySelectorAll('.kb-error')).map(error => {
  const input = error.id && document.querySelector(`[aria-describedby~="${error.id}"]`);
  return {text: error.innerText.trim(), role: error.getAttribute('role'),
          input: input ? input.name : null, invalid: input ? input.getAttribute('aria-invalid') : null};
})"""


def send_empty(page):
    page.locator(".kb-page form[method=post] [type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def assert_errors_tied_and_announced(page, where):
    errors = page.evaluate(ERRORS_TIED)
    assert errors, f"{where}: no error shown after sending the form empty"
    for error in errors:
        assert error["role"] == "alert", (where, error)
        assert error["input"] and error["invalid"] == "true", (where, error)


@pytest.mark.parametrize("url", ["/register/", "/password/forgot/", "/login/code/", "/verify-signature/"])
def test_form_errors_are_tied_to_their_fields_and_announced(live_server, page, portal, url):
    page.goto(live_server + url)
    send_empty(page)
    assert_errors_tied_and_announced(page, url)


def test_draft_errors_are_tied_to_their_fields_and_announced(live_server, page, portal):
    draft = db.session.scalar(select(Application.id).where(Application.submitted_at.is_(None)))
    browser_login(page, live_server, ROLE_EMAILS["Consumer"], DEMO_PASSWORD)
    page.goto(f"{live_server}/my/applications/{draft}/edit")
    required = page.locator("#application-form :is(input, textarea)[aria-required=true]")
    assert required.count() >= 1, "no required field is marked aria-required on the draft"
    for n in range(required.count()):
        required.nth(n).fill("")
    page.click("[data-test=submit]")
    page.wait_for_load_state("networkidle")
    assert_errors_tied_and_announced(page, "draft")


def test_registration_marks_the_chosen_forms_required_fields(live_server, page, portal):
    """The fields a legal form requires change with the chosen form: so does aria-required."""
    page.goto(f"{live_server}/register/")
    group = page.locator("[role=radiogroup]")
    assert group.get_attribute("aria-labelledby") and page.locator(f"#{group.get_attribute('aria-labelledby')}").inner_text()
    for n in range(page.locator("input[name=legal_form]").count()):
        page.locator("input[name=legal_form]").nth(n).check()
        marked = page.evaluate("""() => Array.from(document.querySelectorAll('.kb-form-part')).filter(p => p.offsetParent)
            .map(p => [!!p.querySelector('label.kb-required'),
                       (p.querySelector('input, select, textarea') || {}).getAttribute?.('aria-required') === 'true'])""")
        assert marked and all(star == aria for star, aria in marked), marked
