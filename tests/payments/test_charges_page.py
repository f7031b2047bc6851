"""«Начисления и оплаты» (D5, seed 004 §2.8): each tab with its figures — «Все события» by month,
«Начисления» by month, supplier and service with the kind, «Оплата» with the portal's own payments
not yet confirmed «в обработке», «Баланс» per month and supplier — the supplier filter, and the
period from the month before the current one back to 3 years (refused beyond, under the field)."""
import re
from decimal import Decimal

import pytest

from app.extensions import db
from app.models.base import utcnow
from app.models.billing.accounts import ChargeKind
from app.models.payments import Payment, PaymentPart, PaymentState
from tests.billing import builders as b
from tests.factories import make_consumer
from workflows.billing.details import add_months, month_start
from workflows.billing.windows import today

CURRENT = month_start(today())
M1, M2 = add_months(CURRENT, -1), add_months(CURRENT, -2)


def portal_payment(consumer_user, account, supplier, amount, state=PaymentState.SUCCEEDED, confirmed=False):
    now = utcnow()
    payment = Payment(consumer_id=consumer_user.consumer.id, provider="sandbox", method="card", state=state,
                      amount=Decimal(amount), idempotency_key=f"k-{account.id}-{amount}-{state}", paid_at=now,
                      billing_confirmed_at=now if confirmed else None)
    db.session.add(payment)
    db.session.flush()
    db.session.add(PaymentPart(payment_id=payment.id, account_id=account.id, supplier_id=supplier.id,
                               amount=Decimal(amount)))
    db.session.flush()


@pytest.fixture
def page(ctx):
    class P:
        owner = make_consumer()
        account = b.account("7200000001")
        energo = b.supplier()
        water = b.supplier("VK", "ООО «Водоканал»")
    el, hw = b.service(), b.service("HW", "Горячее водоснабжение", "м³")
    b.charge(P.account, M1, "1234.56", volume="250", of_service=el, by=P.energo)
    b.charge(P.account, M1, "-100.00", kind=ChargeKind.BENEFIT, of_service=el, by=P.energo)
    b.charge(P.account, M1, "42.10", kind=ChargeKind.RECALCULATION, of_service=hw, by=P.water)
    b.charge(P.account, M2, "777.00", of_service=el, by=P.energo)
    b.charge(P.account, CURRENT, "999.99", of_service=el, by=P.energo)  # the current month: not shown
    b.balance(P.account, M1, "1911.56", opening="777.00", charged="1134.56", by=P.energo)
    b.balance(P.account, M1, "-57.90", opening="0", charged="42.10", paid="100.00", by=P.water)
    b.payment(P.account, M1.replace(day=10), "100.00", by=P.water, source="Почта России")
    b.payment(P.account, M2.replace(day=20), "500.00", by=P.energo)
    portal_payment(P.owner, P.account, P.energo, "300.00")
    portal_payment(P.owner, P.account, P.energo, "200.00", confirmed=True)  # the billing has it: not twice
    portal_payment(P.owner, P.account, P.energo, "50.00", state=PaymentState.FAILED)
    b.link(P.owner, P.account)
    b.commit()
    return P


def rows(html, test):
    return [" ".join(re.sub(r"<[^>]+>", " ", row).replace("\u00a0", " ").split())
            for row in re.findall(rf'<tr data-test="{test}".*?</tr>', html, re.S)]


def get(client, page, **args):
    response = client.get(f"/personal-accounts/{page.account.id}/charges", query_string=args)
    return response.status_code, response.get_data(as_text=True)


def test_all_events_by_month_with_their_receipts(client, login, page):
    login(page.owner)
    status, html = get(client, page)
    assert status == 200
    months = re.findall(r'data-test="event-month" data-month="([\d-]+)"', html)
    assert months == [f"{M1:%Y-%m}", f"{M2:%Y-%m}"]  # newest first; the current month not yet
    assert "999,99" not in html
    assert rows(html, "event-charge")[:3] == ["Начисление Электроснабжение АО «Энергосбыт» 1 234,56 руб.",
                                              "Льгота Электроснабжение АО «Энергосбыт» -100,00 руб.",
                                              "Перерасчет Горячее водоснабжение ООО «Водоканал» 42,10 руб."]
    paid = f"Оплата {M1.replace(day=10):%d.%m.%Y} Почта России ООО «Водоканал» 100,00 руб."
    assert paid in rows(html, "event-payment")
    receipts = re.findall(r'data-test="receipt-link" data-month="([\d-]+)"', html)
    assert receipts == [f"{M1:%Y-%m}", f"{M2:%Y-%m}"]
    assert f'/personal-accounts/{page.account.id}/receipts/{M1:%Y-%m}.pdf' in html
    assert rows(html, "payment") == [f"{today():%d.%m.%Y} АО «Энергосбыт» Личный кабинет 300,00 руб. в обработке"]
    assert f'href="/personal-accounts/{page.account.id}/pay"' in html  # «Оплатить» (seed 004 §2.8)


def test_charges_tab_by_supplier_and_the_filter(client, login, page):
    login(page.owner)
    status, html = get(client, page, tab="charges")
    assert status == 200
    assert rows(html, "charge") == [
        "АО «Энергосбыт» Электроснабжение Начисление 250 кВт·ч 1 234,56 руб.",
        "АО «Энергосбыт» Электроснабжение Льгота -100,00 руб.",
        "ООО «Водоканал» Горячее водоснабжение Перерасчет 42,10 руб.",
        "АО «Энергосбыт» Электроснабжение Начисление 777,00 руб."]
    status, html = get(client, page, tab="charges", period_from=f"{M2:%Y-%m}", period_to=f"{M1:%Y-%m}",
                       supplier=str(page.water.id))
    assert status == 200
    assert rows(html, "charge") == ["ООО «Водоканал» Горячее водоснабжение Перерасчет 42,10 руб."]
    assert f'<option selected value="{page.water.id}">' in html


def test_payments_tab_marks_the_portals_own_in_processing(client, login, page):
    login(page.owner)
    status, html = get(client, page, tab="payments")
    assert status == 200
    assert rows(html, "payment") == [
        f"{today():%d.%m.%Y} АО «Энергосбыт» Личный кабинет 300,00 руб. в обработке",
        f"{M1.replace(day=10):%d.%m.%Y} ООО «Водоканал» Почта России 100,00 руб.",
        f"{M2.replace(day=20):%d.%m.%Y} АО «Энергосбыт» Сбербанк 500,00 руб."]
    assert "200,00" not in html and "50,00" not in html  # confirmed by billing / failed


def test_balance_tab(client, login, page):
    login(page.owner)
    status, html = get(client, page, tab="balance", period_from=f"{M1:%Y-%m}", period_to=f"{M1:%Y-%m}")
    assert status == 200
    assert rows(html, "balance") == [
        f"{M1:%m.%Y} АО «Энергосбыт» 777,00 руб. 1 134,56 руб. 0,00 руб. 1 911,56 руб.",
        f"{M1:%m.%Y} ООО «Водоканал» 0,00 руб. 42,10 руб. 100,00 руб. -57,90 руб."]
    assert f'href="/personal-accounts/{page.account.id}/statistics"' in html  # «Статистика»


@pytest.mark.parametrize("field, period_from, period_to, message", [
    ("period_from", add_months(CURRENT, -37), M1, "История доступна за последние 3 года"),
    ("period_to", M2, CURRENT, "текущий месяц еще не завершен"),
    ("period_from", CURRENT, CURRENT, "текущий месяц еще не завершен"),
    ("period_to", M1, M2, "Конец периода не может быть раньше его начала"),
])
def test_period_limits_under_the_field(client, login, page, field, period_from, period_to, message):
    login(page.owner)
    status, html = get(client, page, tab="charges", period_from=f"{period_from:%Y-%m}", period_to=f"{period_to:%Y-%m}")
    assert status == 400
    assert re.search(rf'data-test="error-{field}">[^<]*{message}', html), html[-3000:]
    assert 'data-test="charge"' not in html
    assert f'value="{period_from:%Y-%m}"' in html  # what was chosen stays


def test_the_earliest_and_latest_months_are_allowed(client, login, page):
    login(page.owner)
    status, html = get(client, page, tab="charges", period_from=f"{add_months(CURRENT, -36):%Y-%m}",
                       period_to=f"{M1:%Y-%m}")
    assert status == 200 and len(rows(html, "charge")) == 4
    status, html = get(client, page, period_from="13.2020", period_to=f"{M1:%Y-%m}")
    assert status == 400 and 'data-test="error-period_from"' in html


@pytest.mark.parametrize("tab", ["events", "charges", "payments", "balance"])
def test_statements_do_not_grow_with_the_rows(client, login, page, tab):
    """No statement per row: more months, suppliers, services and payments, the same statements."""
    from sqlalchemy import event

    login(page.owner)
    get(client, page, tab=tab)  # the menu's minute cache filled (app/core/minute_cache.py), as on any later page
    count = []
    listener = lambda *args: count.append(1)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        get(client, page, tab=tab)
        few = len(count)
        gas, heat = b.supplier("GS", "ООО «Газ»"), b.service("HT", "Отопление", "Гкал")
        for back in range(3, 9):
            month = add_months(CURRENT, -back)
            b.charge(page.account, month, "10.00", of_service=heat, by=gas)
            b.balance(page.account, month, "10.00", charged="10.00", by=gas)
            b.payment(page.account, month.replace(day=5), "10.00", by=gas)
        b.commit()
        assert page.account.id  # the test's own reload of the committed account, before counting
        count.clear()
        status, html = get(client, page, tab=tab)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert status == 200 and "ООО «Газ»" in html and len(count) == few
