"""ГОСТ Р 52872-2019 (WCAG 2.1 AA): axe-core finds no serious or critical violation on the
login and registration pages, on every consumer page, and on the staff queue, the staff
application page and a FAB list, nor on the forms showing their errors (issue 12,
«Доступно всем»)."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Application
from tests.accessibility.axe import axe_violations, describe, load_axe
from tests.accessibility.test_form_errors import send_empty
from tests.browser_helpers import browser_login
from tests.foundation.portal_pages import DEMO_PASSWORD, ROLE_EMAILS

pytestmark = pytest.mark.browser

MISSING_PAGE = "/no-such-page/"  # the portal's own 404 page
PAGES = {
    None: ["/", "/login/", "/login/code/", "/password/forgot/", "/page/help", "/page/info", "/page/privacy",
           "/verify-signature/", MISSING_PAGE],
    "Consumer": ["/", "/my/applications/", "/my/applications/new", "/my/applications/new?type=message",
                 "/my/applications/{draft}/edit", "/my/applications/{submitted}", "/my/notifications/",
                 "/my/profile/", "/my/security/", "/my/security/totp/", "/my/password/", "/documents/copies/",
                 "/page/help", "/verify-signature/"],
}
STAFF_PAGES = {
    "Staff": ["/staff/queue/", "/staff/applications/{submitted}"],
    # FAB's list (row checkboxes, search, actions) and form; Kabinet's staff and settings screens
    "OrgAdmin": ["/admin/topics/list/", "/admin/topics/add", "/admin/staff/", "/admin/settings/"],
}
#: what a page must show for its scan to count (the parts the issue names)
MUST_SHOW = {
    "/my/applications/{submitted}": ["[data-test=documents] [data-test=document]", "[data-test=message]",
                                     "[data-test=documents-panel] [data-test=sign-document]",
                                     "[data-test=documents-panel] [data-test=pep-request-form]"],
    "/my/applications/{draft}/edit": ["#application-form", "[data-test=documents] [data-test=document]"],
    "/admin/topics/list/": ["input.action_check", "input.action_check_all"],
}


def application_ids():
    return {"draft": db.session.scalar(select(Application.id).where(Application.submitted_at.is_(None))),
            "submitted": db.session.scalar(select(Application.id).where(Application.submitted_at.is_not(None)))}


def scan(page, url):
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert response.ok or (url.endswith(MISSING_PAGE) and response.status == 404), (url, response.status)
    return describe(url, axe_violations(page))


def report(found):
    print("\n".join(found))
    assert found == [], f"{len(found)} serious/critical axe violations:\n" + "\n".join(found)


def scan_pages_of(page, live_server, role, urls):
    load_axe(page)
    if role is not None:
        browser_login(page, live_server, ROLE_EMAILS[role], DEMO_PASSWORD)
    ids = application_ids()
    found = []
    for url in urls:
        found += scan(page, live_server + url.format(**ids))
        for selector in MUST_SHOW.get(url, []):
            assert page.locator(selector).count(), f"{url} shows no {selector}: its scan would miss it"
    return found


@pytest.mark.parametrize("role", list(PAGES))
def test_pages_have_no_serious_violation(live_server, page, portal, role):
    report(scan_pages_of(page, live_server, role, PAGES[role]))


@pytest.mark.parametrize("role", list(STAFF_PAGES))
def test_staff_pages_have_no_serious_violation(live_server, page, portal, role):
    report(scan_pages_of(page, live_server, role, STAFF_PAGES[role]))


def test_registration_of_each_legal_form_has_no_serious_violation(live_server, page, portal):
    load_axe(page)
    found = scan(page, f"{live_server}/register/")
    forms = page.locator("input[name=legal_form]")
    assert forms.count() >= 3
    for n in range(forms.count()):
        forms.nth(n).check()
        found += describe(f"/register/ ({forms.nth(n).get_attribute('value')})", axe_violations(page))
    report(found)


@pytest.mark.parametrize("url", ["/register/", "/password/forgot/", "/login/code/", "/verify-signature/"])
def test_form_with_errors_has_no_serious_violation(live_server, page, portal, url):
    load_axe(page)
    page.goto(live_server + url)
    send_empty(page)
    report(describe(url + " (errors)", axe_violations(page)))
