"""In the browser, what scripts draw is Russian too (issue 12): select2's placeholder and
«remove all» button, the page editor's toolbar, and report charts count in whole numbers."""
import pytest

from app.security.roles import ADMIN, ORG_ADMIN
from tests.browser_helpers import browser_login
from tests.foundation.portal_pages import DEMO_PASSWORD, ROLE_EMAILS, prepare_portal_data, user_of

pytestmark = pytest.mark.browser


@pytest.fixture
def portal_data(ctx):
    prepare_portal_data()


def test_select2_speaks_russian(live_server, page, portal_data):
    browser_login(page, live_server, ROLE_EMAILS[ADMIN], DEMO_PASSWORD)
    page.goto(f"{live_server}/users/edit/{user_of('Staff').id}")  # ids differ on PostgreSQL
    page.wait_for_load_state("networkidle")
    clear = page.locator(".select2-selection__clear").first
    assert clear.get_attribute("title") == "Удалить все элементы"
    page.goto(f"{live_server}/admin/transitions/add")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("select[data-placeholder]", "data-placeholder") == "Выберите значение"
    page.evaluate("() => $('select[data-placeholder]').first().select2('open')")
    page.fill(".select2-container--open .select2-search__field", "zzzz")
    assert page.locator(".select2-results__message").inner_text() == "Совпадений не найдено"


def test_page_editor_toolbar_speaks_russian(live_server, page, portal_data):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import InfoPage

    browser_login(page, live_server, ROLE_EMAILS[ORG_ADMIN], DEMO_PASSWORD)
    page_id = db.session.scalar(select(InfoPage.id).where(InfoPage.slug == "info"))
    page.goto(f"{live_server}/admin/pages/{page_id}/edit")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute(".ql-toolbar button.ql-bold", "title") == "Полужирный"
    assert page.get_attribute(".ql-toolbar button.ql-list[value=bullet]", "aria-label") == "Маркированный список"
    header = page.evaluate("() => getComputedStyle(document.querySelector("
                           "'.ql-picker.ql-header .ql-picker-label'), '::before').content")
    assert header == '"Обычный текст"'


def test_report_charts_count_in_whole_numbers(live_server, page, portal_data):
    browser_login(page, live_server, ROLE_EMAILS[ORG_ADMIN], DEMO_PASSWORD)
    page.goto(f"{live_server}/admin/reports/")
    page.wait_for_load_state("networkidle")
    for chart in ("chart-by-status", "chart-registrations"):
        ticks = page.evaluate(f"() => Chart.getChart('{chart}').scales.y.ticks.map(t => t.value)")
        assert ticks and all(float(value).is_integer() for value in ticks), (chart, ticks)
