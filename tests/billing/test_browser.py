"""Browser journey (issue 13): an admin imports the billing's sample files on «Загрузка из
биллинга» and watches the progress bar reach «Завершена» with its counts; a consumer links an
account (branch, number, the owner's surname), sees the balance and «Реквизиты лицевого
счета», and files a data-change statement; a staff member finds the statement in
«Документооборот» and the consumer's link in «Лицевые счета»."""
from datetime import date
from pathlib import Path

import pytest

from app.extensions import db
from app.security.roles import ADMIN, STAFF
from tests.billing import builders
from tests.browser_helpers import browser_login, browser_logout
from tests.factories import PASSWORD, make_consumer, make_staff

pytestmark = pytest.mark.browser

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "billing" / "samples"
#: the order the documentation gives: what a row refers to is imported before it
ORDER = ("services", "tariff_documents", "tariffs", "accounts", "account_services", "meters", "readings",
         "charges", "payments", "balances")
#: imported in a background thread, as in production without rq: the bar moves while the page polls
LIVE = "charges"


#: «Мои данные» filled in: a statement is submitted like every application
PROFILE = dict(birth_date=date(1980, 5, 1), passport_series="4510", passport_number="123456",
               passport_issued_by="ОВД Тверского района", passport_issued_on=date(2005, 6, 1),
               registration_address="г. Самара, ул. Ленина, 1", postal_address="г. Самара, ул. Ленина, 1")


def test_billing_journey(live_server, page, ctx, reference_data, app, monkeypatch):
    builders.branch("01")
    builders.branch("02", "Северный филиал")
    builders.supplier("ES")
    builders.supplier("VK", "МУП «Водоканал»")
    admin, staff = make_staff(ADMIN, commit=False), make_staff(STAFF, commit=False)
    consumer = make_consumer(commit=False, **PROFILE)
    db.session.commit()
    admin_email, staff_email, consumer_email = admin.email, staff.email, consumer.email

    browser_login(page, live_server, admin_email, PASSWORD)
    for kind in ORDER:
        if kind == LIVE:
            monkeypatch.setitem(app.config, "BILLING_IMPORT_THREAD", True)
        _import(page, live_server, kind)
        monkeypatch.setitem(app.config, "BILLING_IMPORT_THREAD", False)
    browser_logout(page, live_server)

    browser_login(page, live_server, consumer_email, PASSWORD)
    number = _consumer_links_and_looks(page, live_server)
    _consumer_files_a_data_change(page)
    browser_logout(page, live_server)

    browser_login(page, live_server, staff_email, PASSWORD)
    _staff_find_it(page, live_server, number, consumer_email)


def _import(page, live_server, kind):
    """Upload one sample on «Загрузка из биллинга»; the run's page shows the bar at 100 % with counts."""
    page.goto(f"{live_server}/billing/imports/")
    form = page.locator("form[data-test=import-form]")
    form.locator("select[name=kind]").select_option(kind)
    form.locator("input[name=file]").set_input_files(str(SAMPLES / f"{kind}.csv"))
    with page.expect_navigation():
        form.locator("[data-test=import-start]").click()
    progress = page.locator("[data-test=import-progress]")
    # a run in a thread is polled every second and the page reloads once it is finished
    progress.locator("[data-test=import-state]", has_text="Завершена").wait_for(timeout=20_000)
    progress = page.locator("[data-test=import-progress]")
    total = int(progress.locator("[data-test=import-total]").inner_text())
    assert total > 0, kind
    assert progress.locator("[data-test=import-processed]").inner_text() == str(total), kind
    assert progress.locator("[data-test=import-created]").inner_text() == str(total), kind
    assert progress.locator("[data-test=import-errors]").inner_text() == "0", kind
    assert "width: 100%" in progress.locator("[data-test=import-bar]").get_attribute("style"), kind


def _consumer_links_and_looks(page, live_server) -> str:
    """«+ Добавить лицевой счет» with a wrong surname, then the right one; the balance; the details."""
    page.goto(f"{live_server}/personal-accounts/")
    with page.expect_navigation():
        page.click("[data-test=add-account]")
    form = page.locator("form[data-test=add-account-form]")
    form.locator("select[name=branch_id]").select_option(label="Центральный филиал")
    form.locator("input[name=number]").fill("1000000001")
    form.locator("input[name=proof]").fill("Сидоров")
    with page.expect_navigation():
        form.locator("[data-test=add-submit]").click()
    assert "Данный лицевой счет не найден" in page.inner_text("[data-test=add-refused]")
    form = page.locator("form[data-test=add-account-form]")
    assert form.locator("input[name=number]").input_value() == "1000000001"  # what was typed stays
    form.locator("input[name=proof]").fill("петров")
    with page.expect_navigation():
        form.locator("[data-test=add-submit]").click()
    selected = page.locator("[data-test=selected-account]")
    assert selected.locator("[data-test=selected-number]").inner_text() == "1000000001"
    assert "Петров Иван Сергеевич" in selected.inner_text()
    # November 2026 closing balances of both suppliers (1 440,32 + 550,80), paid nothing since
    balance = selected.locator("[data-test=balance]").inner_text().replace("\u00a0", " ")
    assert balance.startswith("К оплате 1 991,12 руб."), balance
    with page.expect_navigation():
        page.click("[data-test=account-details]")
    requisites = page.locator("[data-test=requisites]").inner_text()
    assert "54,3" in requisites and "Электрическая" in requisites
    assert "Электроснабжение" in page.inner_text("[data-test=services]")
    assert "31245678" in page.inner_text("[data-test=meters]")
    return "1000000001"


def _consumer_files_a_data_change(page):
    """«Редактировать» → the statement with one changed value, a comment and the consent."""
    with page.expect_navigation():
        page.click("[data-test=edit-requisites]")
    form = page.locator("form[data-test=data-change-form]")
    form.locator("input[name=residing_count]").fill("3")
    form.locator("textarea[name=comment]").fill("С октября проживает три человека")
    form.locator("input[name=consent]").check()
    with page.expect_navigation():
        form.locator("[data-test=data-change-submit]").click()
    assert "принят" in page.inner_text("body"), [e.inner_text() for e in page.locator(".kb-error, [data-test=form-error]").all()]


def _staff_find_it(page, live_server, number, consumer_email):
    """«Документооборот» lists the statement; «Лицевые счета» finds the account and its link."""
    page.goto(f"{live_server}/staff/queue/")
    queue = page.locator("[data-test=queue]").inner_text()
    assert "Заявление на изменение данных по лицевому счету" in queue and consumer_email in queue
    with page.expect_navigation():
        page.click("a[href='/staff/personal-accounts/']")
    page.fill("input[name=q]", "петров")
    with page.expect_navigation():
        page.click("form[data-test=account-search] [type=submit]")
    rows = page.locator("[data-test=account-row]")
    assert rows.count() == 2  # both accounts of Петров Иван Сергеевич
    row = rows.filter(has_text=number)
    assert row.locator("[data-test=linked]").inner_text() == "1"
    with page.expect_navigation():
        row.locator("[data-test=account-number]").click()
    link = page.locator("[data-test=link]")
    assert link.count() == 1 and consumer_email in link.inner_text()
