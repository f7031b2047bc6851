"""«Загрузка из биллинга» in a browser: the run's page moves its progress bar as the run goes
(static/js/run-progress.js polling the progress JSON, allowed by the CSP) and shows the error
file link and the final figures when it is done."""
import pytest
from playwright.sync_api import expect

from app.core.files import store_bytes
from app.extensions import db
from app.models import ImportRun
from app.models.billing import ImportState
from app.security.roles import ORG_ADMIN
from tests.browser_helpers import browser_login
from tests.factories import PASSWORD, make_staff

pytestmark = pytest.mark.browser


def test_the_progress_bar_moves_until_the_run_is_done(live_server, page, ctx):
    admin = make_staff(ORG_ADMIN)
    run = ImportRun(kind="services", file_format="csv", file_id=store_bytes(b"code;name\n", "services.csv").id,
                    state=ImportState.RUNNING, total=10, processed=4, created=4, started_by_id=admin.id)
    db.session.add(run)
    db.session.commit()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))  # a script failed
    page.on("console", lambda message: problems.append(message.text)
            if "Content Security Policy" in message.text else None)
    browser_login(page, live_server, admin.email, PASSWORD)
    page.goto(f"{live_server}/billing/imports/{run.id}")
    bar = page.locator('[data-test="import-bar"]')
    assert "width: 40%" in bar.get_attribute("style")
    assert page.locator('[data-test="import-error-file"]').is_hidden()
    assert page.locator('[data-test="import-refresh"]').is_hidden()  # the script polls instead

    run.processed, run.errors = 7, 1
    db.session.commit()
    expect(page.locator('[data-test="import-processed"]')).to_have_text("7", timeout=5000)
    assert "width: 70%" in bar.get_attribute("style")
    assert page.locator('[data-test="import-error-file"]').is_visible()

    run.state, run.processed = ImportState.DONE, 10
    db.session.commit()
    page.wait_for_selector('[data-finished="true"]', timeout=5000)  # reloaded once, finished
    assert page.locator('[data-test="import-state"]').inner_text() == "Завершена"
    assert "width: 100%" in page.locator('[data-test="import-bar"]').get_attribute("style")
    assert problems == []
