"""Browser journey (issue 15): a consumer pays an account through the sandbox — «Оплатить» stays
disabled until the form is complete — and comes back to «Платеж прошел успешно», the payment
listed «в обработке» on «Оплата»; downloads the receipt PDF; then, with the admin's switch on
«отклоняется», pays an advance by СБП and sees the provider's reason."""
from datetime import date

import pytest

from app.extensions import db
from app.security.roles import ADMIN
from tests.billing import builders as b
from tests.browser_helpers import browser_login, browser_logout
from tests.factories import PASSWORD, make_consumer, make_staff

pytestmark = pytest.mark.browser


def test_paying_through_the_sandbox(live_server, page, ctx, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", live_server)  # the sandbox page and the way back
    consumer, admin = make_consumer(commit=False), make_staff(ADMIN, commit=False)
    account = b.account("6400000001")
    supplier = b.supplier("ES")
    b.provide(account, by=supplier)
    b.charge(account, date(2026, 10, 1), "1500.00", by=supplier, volume="300")
    b.balance(account, date(2026, 10, 1), "1500.00", charged="1500.00", by=supplier)
    b.link(consumer, account)
    db.session.commit()
    consumer_email, admin_email, account_id = consumer.email, admin.email, account.id

    browser_login(page, live_server, consumer_email, PASSWORD)
    _pays_by_card(page, live_server, account_id)
    _sees_it_in_processing(page, live_server, account_id)
    _downloads_the_receipt(page, live_server, account_id)
    browser_logout(page, live_server)

    browser_login(page, live_server, admin_email, PASSWORD)
    page.goto(f"{live_server}/payments/sandbox/")
    page.check("[data-test=mode-fail]")
    with page.expect_navigation():
        page.click("[data-test=sandbox-save]")
    browser_logout(page, live_server)

    browser_login(page, live_server, consumer_email, PASSWORD)
    _advance_by_sbp_fails(page, live_server, account_id)


def _pays_by_card(page, live_server, account_id):
    page.goto(f"{live_server}/personal-accounts/{account_id}/")
    with page.expect_navigation():
        page.click("[data-test=account-pay]")
    form = page.locator("form[data-test=pay-form]")
    assert form.locator("input[data-pay-amount]").input_value() == "1500,00"
    submit = form.locator("[data-test=pay]")
    assert submit.is_disabled()  # no method, rules not accepted
    form.locator("[data-test=method-card]").check()
    assert submit.is_disabled()
    form.locator("[data-test=rules]").check()
    assert submit.is_enabled()
    form.locator("input[data-pay-amount]").fill("9,99")
    assert submit.is_disabled()
    form.locator("input[data-pay-amount]").fill("1 500,00")
    assert "1\u00a0500,00\u00a0руб." in form.locator("[data-test=pay-total]").inner_text()
    with page.expect_navigation():
        submit.click()
    assert "/sandbox-pay/" in page.url
    card = page.locator("form[data-test=sandbox-card]")
    card.locator("input[name=number]").fill("4111 1111 1111 1111")
    card.locator("input[name=expiry]").fill("12/35")
    card.locator("input[name=cvc]").fill("123")
    with page.expect_navigation():
        card.locator("[data-test=sandbox-pay]").click()
    page.locator("[data-test=payment-state]", has_text="Платеж прошел успешно").wait_for(timeout=10_000)
    assert "1\u00a0500,00\u00a0руб." in page.inner_text("[data-test=payment-amount]")


def _sees_it_in_processing(page, live_server, account_id):
    page.goto(f"{live_server}/personal-accounts/{account_id}/charges?tab=payments")
    row = page.locator("[data-test=payment][data-processing='1']")
    assert row.count() == 1
    assert "в обработке" in row.inner_text() and "1\u00a0500,00" in row.inner_text()


def _downloads_the_receipt(page, live_server, account_id):
    response = page.request.get(f"{live_server}/personal-accounts/{account_id}/receipts/latest")
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.body()[:5] == b"%PDF-"


def _advance_by_sbp_fails(page, live_server, account_id):
    page.goto(f"{live_server}/personal-accounts/{account_id}/pay")
    form = page.locator("form[data-test=pay-form]")
    assert form.locator("[data-test=advance]").count() == 1  # 1 500,00 paid: nothing owed now
    form.locator("input[data-pay-amount]").fill("500")  # typing the amount ticks the supplier
    form.locator("[data-test=method-sbp]").check()
    form.locator("[data-test=rules]").check()
    with page.expect_navigation():
        form.locator("[data-test=pay]").click()
    page.locator("[data-test=sandbox-qr]").wait_for()
    with page.expect_navigation():
        page.click("[data-test=sandbox-pay]")
    state = page.locator("[data-test=payment-state]", has_text="Платеж не прошел")
    state.wait_for(timeout=10_000)
    assert "Недостаточно средств на карте" in state.inner_text()
