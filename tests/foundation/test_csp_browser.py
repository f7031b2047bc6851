"""Under the Content-Security-Policy (issue 10, point 13) the portal still works in a real
browser: no page of any role reports a policy violation or a console message, the page
editor formats and saves, the report chart draws, and FAB's lists still search, delete
after confirmation and run actions on checked rows; select2 and the datepicker still start."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Application, InfoPage, Status, Topic
from tests.browser_helpers import browser_login
from tests.foundation.portal_pages import DEMO_PASSWORD, ROLE_EMAILS, user_of

pytestmark = pytest.mark.browser

REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', function (e) {
  window.kbReport('CSP ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') +
                  ' at ' + e.sourceFile + ':' + e.lineNumber);
});
"""


def watch(page):
    """Everything a page reports: CSP violations, console messages, script errors."""
    seen = []
    page.expose_function("kbReport", lambda text: seen.append(text))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: seen.append(f"console {message.type}: {message.text}")
            if message.type not in ("verbose", "debug")  # Chromium's DOM hints
            and not message.text.startswith("Failed to load resource") else None)  # see "response"
    page.on("response", lambda response: seen.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    page.on("pageerror", lambda error: seen.append(f"script error: {error}"))
    return seen


def visit(page, url):
    response = page.goto(url)
    # a page's late requests (Swagger UI builds the OpenAPI document, seconds on a loaded CI box)
    # must finish before "nothing reported" means anything; the wait is longer than a click's
    page.wait_for_load_state("networkidle", timeout=30_000)
    assert response.ok, (url, response.status)
    assert "script-src 'self'" in response.headers.get("content-security-policy", ""), url
    return response


def ids():
    draft, submitted = (db.session.scalar(select(Application.id).where(Application.submitted_at.is_(None))),
                        db.session.scalar(select(Application.id).where(Application.submitted_at.is_not(None))))
    return {"draft": draft, "submitted": submitted, "status": db.session.scalar(select(Status.id).limit(1)),
            "info": db.session.scalar(select(InfoPage.id).where(InfoPage.slug == "info"))}


MAIN_PAGES = {
    None: ["/login/", "/register/", "/password/forgot/", "/page/help", "/verify-signature/"],
    "Consumer": ["/my/applications/", "/my/applications/new", "/my/applications/{draft}/edit",
                 "/my/applications/{submitted}", "/my/profile/", "/my/notifications/", "/my/security/"],
    "Staff": ["/staff/queue/", "/staff/applications/{submitted}", "/admin/consumers/"],
    "OrgAdmin": ["/admin/settings/", "/admin/reports/", "/admin/pages/{info}/edit", "/admin/staff/",
                 "/admin/audit/", "/admin/statuses/list/", "/admin/statuses/show/{status}",
                 "/admin/statuses/edit/{status}", "/admin/transitions/add", "/admin/calendar/add", "/users/list/"],
    "Admin": ["/roles/list/", "/users/list/", "/swagger/v1"],
}


@pytest.mark.parametrize("role", list(MAIN_PAGES))
def test_main_pages_of_each_role_report_nothing(live_server, page, portal, role):
    urls = [url.format(**ids()) for url in MAIN_PAGES[role]]
    if role is not None:
        browser_login(page, live_server, ROLE_EMAILS[role], DEMO_PASSWORD)
    seen = watch(page)
    for url in urls:
        visit(page, live_server + url)
    assert seen == []


def test_page_editor_formats_text_and_saves(live_server, page, portal):
    info = ids()["info"]
    browser_login(page, live_server, ROLE_EMAILS["OrgAdmin"], DEMO_PASSWORD)
    seen = watch(page)
    visit(page, f"{live_server}/admin/pages/{info}/edit")
    assert page.get_attribute(".ql-attach", "title") == "Приложить документ (PDF, Word …)"
    page.click(".ql-editor")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.click(".ql-bold")
    page.keyboard.type("Под защитой политики")
    page.click("input[name=publish]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".alert-success").first.is_visible()
    visit(page, f"{live_server}/page/info")
    assert page.locator("[data-test=page-body] strong", has_text="Под защитой политики").is_visible()
    assert seen == []


def test_report_chart_draws(live_server, page, portal):
    browser_login(page, live_server, ROLE_EMAILS["OrgAdmin"], DEMO_PASSWORD)
    seen = watch(page)
    visit(page, f"{live_server}/admin/reports/")
    canvas = page.locator("#chart-by-status")
    box = canvas.bounding_box()
    assert box["width"] > 0 and box["height"] > 0
    assert page.evaluate("() => Chart.getChart('chart-by-status').data.datasets[0].label") == "Количество"
    assert page.evaluate("() => Chart.getChart('chart-by-status').data.datasets[0].data.length") >= 1
    assert seen == []


def _topic_rows(page):
    return page.locator("table.table tr:has(input.action_check)")


def test_fab_list_searches_deletes_after_confirmation_and_runs_actions(live_server, page, portal):
    browser_login(page, live_server, ROLE_EMAILS["OrgAdmin"], DEMO_PASSWORD)
    seen = watch(page)
    # a topic nothing refers to (the demo's appeals and appointment use theirs): deleting it is allowed
    fresh = Topic(kind="appeal", code="doomed", name="Тема на удаление", sort_order=-1)
    db.session.add(fresh)
    db.session.commit()
    doomed = fresh.id
    topics = db.session.scalars(select(Topic).where(Topic.id != doomed).order_by(Topic.id)).all()
    # a code no other kind of topic shares (appointments, too, have a «connection» topic)
    kept = next(t for t in topics if [other.code for other in topics].count(t.code) == 1)
    kept_id, kept_code, kept_name = kept.id, kept.code, kept.name

    # search: a filter added from the menu, applied, and shown again on the filtered page
    visit(page, f"{live_server}/admin/topics/list/")
    page.click("text=Поиск")
    page.click("#filter_form button.dropdown-toggle")
    page.click("#filter_form a.filter[name=code]")
    # FAB's script adds the field; on a loaded CI machine (two suites side by side) it can take long
    page.wait_for_selector("#filter_form input.filter_val", timeout=30_000)
    page.fill("#filter_form input.filter_val", kept_code)
    page.click("#filter_form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "_flt_" in page.url
    assert _topic_rows(page).count() == 1 and kept_name in _topic_rows(page).first.inner_text()
    assert page.input_value("#filter_form input.filter_val") == kept_code

    # delete: cancelled first (nothing happens), then confirmed
    visit(page, f"{live_server}/admin/topics/list/")
    before = _topic_rows(page).count()
    delete = f"a[data-kb-delete='/admin/topics/delete/{doomed}']"
    page.click(delete)
    expect(page.locator("#modal-confirm").first).to_be_visible()
    assert page.inner_text("#modal-confirm .modal-text").strip() != ""
    page.click("#modal-confirm button[data-dismiss=modal]")
    page.wait_for_timeout(400)
    assert page.url.endswith("/admin/topics/list/") and _topic_rows(page).count() == before
    page.click(delete)
    page.click("#modal-confirm-ok")
    page.wait_for_load_state("networkidle")
    db.session.expire_all()
    assert db.session.get(Topic, doomed) is None

    # an action on checked rows, after its confirmation
    visit(page, f"{live_server}/admin/topics/list/")
    page.check(f"input.action_check[value='{kept_id}']")
    page.click("button.dropdown-toggle:has-text('Действия'), button.dropdown-toggle:has-text('Actions')")
    page.click("[data-kb-multiple-action=retire]")
    assert "Вывести выбранные записи из употребления?" in page.inner_text("#modal-confirm .modal-text")
    page.click("#modal-confirm-ok")
    page.wait_for_load_state("networkidle")
    assert "Записи выведены из употребления: 1" in page.inner_text(".alert-success")
    db.session.expire_all()
    assert db.session.get(Topic, kept_id).active is False
    assert seen == []


def test_fab_forms_start_select2_and_the_datepicker(live_server, page, portal):
    browser_login(page, live_server, ROLE_EMAILS["OrgAdmin"], DEMO_PASSWORD)
    seen = watch(page)
    visit(page, f"{live_server}/admin/transitions/add")
    assert page.locator(".select2-container").count() >= 1
    visit(page, f"{live_server}/admin/calendar/add")
    page.click("input[name=day]")
    assert page.locator(".datepicker").first.is_visible()
    assert seen == []


def test_consumer_confirms_before_a_draft_is_deleted(live_server, page, portal):
    draft = ids()["draft"]
    browser_login(page, live_server, ROLE_EMAILS["Consumer"], DEMO_PASSWORD)
    seen = watch(page)
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.dismiss() if len(questions) == 1 else dialog.accept()

    page.on("dialog", answer)
    visit(page, f"{live_server}/my/applications/{draft}/edit")
    page.click("[data-test=delete-draft]")
    page.wait_for_timeout(300)
    assert db.session.get(Application, draft) is not None
    page.click("[data-test=delete-draft]")
    page.wait_for_load_state("networkidle")
    assert questions == ["Удалить черновик?", "Удалить черновик?"]
    db.session.expire_all()
    assert db.session.get(Application, draft) is None
    assert user_of("Consumer") is not None and seen == []
