"""D3: the home page's figures — balance (debt, overpayment, zero, payments after the latest month),
the reading window (open, closed, spanning the month boundary, Moscow midnight), the account list."""
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import event

from app.extensions import db
from app.models import Branch
from tests.billing import builders as b
from tests.factories import make_consumer
from workflows.billing.balance import balance_of
from workflows.billing.windows import reading_window

SEPT, OCT = date(2026, 9, 1), date(2026, 10, 1)


@pytest.fixture
def owner(ctx):
    return make_consumer()


def _home(client, account):
    return client.get(f"/personal-accounts/{account.id}/").get_data(as_text=True)


def _text(page: str) -> str:
    return page.replace("\u00a0", " ")


def test_debt_counts_each_suppliers_latest_month_less_later_payments(client, login, owner):
    water = b.supplier("VK", "Водоканал")
    acc = b.account()
    b.balance(acc, SEPT, "500.00")
    b.balance(acc, OCT, "1300.00")
    b.balance(acc, SEPT, "200.00", by=water)  # water's latest month is September
    b.payment(acc, date(2026, 10, 31), "999.00")  # inside October: already in its closing
    b.payment(acc, date(2026, 11, 3), "100.00")
    b.payment(acc, date(2026, 10, 5), "50.00", by=water)  # after September: counts
    b.link(owner, acc)
    b.commit()
    assert balance_of(acc) == Decimal("1350.00")
    login(owner)
    page = _text(_home(client, acc))
    assert "К оплате" in page and "1 350,00 руб." in page


def test_overpayment_and_zero(client, login, owner):
    over, even = b.account(), b.account()
    b.balance(over, OCT, "100.00")
    b.payment(over, date(2026, 11, 2), "250.50")
    b.balance(even, OCT, "0.00")
    b.link(owner, over)
    b.link(owner, even)
    b.commit()
    login(owner)
    page = _text(_home(client, over))
    assert "Переплата" in page and "-150,50 руб." in page
    page = _text(_home(client, even))
    assert "Задолженность отсутствует" in page and "0,00 руб." in page
    fresh_account = b.account()
    b.commit()
    assert balance_of(fresh_account) == Decimal("0.00")  # nothing from the billing yet


def test_balance_is_two_queries_whatever_the_history(ctx):
    acc = b.account()
    for year in (2024, 2025, 2026):
        for month in range(1, 13):
            b.balance(acc, date(year, month, 1), "10.00")
            b.balance(acc, date(year, month, 1), "5.00", by=b.supplier("VK", "Водоканал"))
    b.commit()
    account_id = acc.id
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert balance_of(account_id) == Decimal("15.00")
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 2
    assert not any("from charge" in s.lower() for s in statements)


@pytest.mark.parametrize("days, today, expected", [
    ((15, 25), date(2026, 11, 14), (False, 1, date(2026, 11, 15), date(2026, 11, 25))),
    ((15, 25), date(2026, 11, 15), (True, 11, date(2026, 11, 15), date(2026, 11, 25))),
    ((15, 25), date(2026, 11, 25), (True, 1, date(2026, 11, 15), date(2026, 11, 25))),
    ((15, 25), date(2026, 11, 26), (False, 19, date(2026, 12, 15), date(2026, 12, 25))),
    ((25, 5), date(2026, 12, 31), (True, 6, date(2026, 12, 25), date(2027, 1, 5))),
    ((25, 5), date(2027, 1, 3), (True, 3, date(2026, 12, 25), date(2027, 1, 5))),
    ((25, 5), date(2027, 1, 6), (False, 19, date(2027, 1, 25), date(2027, 2, 5))),
    ((28, 31), date(2027, 2, 28), (True, 1, date(2027, 2, 28), date(2027, 2, 28))),
])
def test_reading_window(days, today, expected):
    branch = Branch(reading_day_from=days[0], reading_day_to=days[1])
    assert tuple(reading_window(branch, today)) == expected


def test_reading_window_turns_at_moscow_midnight(ctx):
    branch = Branch(reading_day_from=15, reading_day_to=25)
    # naive times are UTC: 20:59 UTC on the 25th is 23:59 in Moscow, 21:00 UTC is 00:00 of the 26th
    assert reading_window(branch, datetime(2026, 11, 25, 20, 59)).is_open
    after = reading_window(branch, datetime(2026, 11, 25, 21, 0))
    assert not after.is_open and after.opens_on == date(2026, 12, 15)
    assert reading_window(Branch(), date(2026, 11, 1)) is None


def test_home_lists_accounts_and_the_selected_one(client, login, owner):
    accounts = [b.account(f"300000000{n}", title=f"Дача {n}", address=f"СНТ «Ромашка», уч. {n}") for n in range(1, 4)]
    for acc in accounts:
        b.link(owner, acc)
    b.link(make_consumer(commit=False), b.account("3999999999"))
    b.commit()
    login(owner)
    page = client.get("/personal-accounts/").get_data(as_text=True)
    assert page.count('data-test="linked-account"') == 3 and "3999999999" not in page
    assert 'data-test="all-accounts"' in page and "Все счета +" in page
    assert page.index("3000000003") > page.index("Все счета +")  # the third behind the switch
    assert f'data-test="selected-account" data-id="{accounts[0].id}"' in page  # the first by default
    assert "Иванов Иван Иванович" in page and "Дача 1" in page
    assert "Подписаться на электронную квитанцию" in page and "Скачать квитанцию" not in page
    assert f"/personal-accounts/{accounts[0].id}/details" in page
    assert "приема показаний" in page
    page = _home(client, accounts[2])
    assert f'data-test="selected-account" data-id="{accounts[2].id}"' in page
    assert '<details open data-test="all-accounts">' in page
    assert 'href="/personal-accounts/"' in client.get("/").get_data(as_text=True)


def test_home_without_accounts_offers_to_add(client, login, owner):
    login(owner)
    page = client.get("/personal-accounts/").get_data(as_text=True)
    assert 'data-test="no-accounts"' in page and "+ Добавить лицевой счет" in page
