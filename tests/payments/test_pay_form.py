"""«Оплата» of one account (D6, seed 004 §2.8): the debts prefilled, an advance when nothing is owed,
and every check the server makes again — amounts, the rules, the method, the receipt email — with
the message under its field, what was typed kept, and nothing created."""
import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.extensions import db
from app.models.payments import Payment
from tests.billing import builders as b
from tests.factories import make_consumer
from workflows.payments.checkout import parse_amount


@pytest.fixture
def setup(ctx):
    class S:
        consumer = make_consumer(commit=False)
        account = b.account("6000000001")
        es = b.supplier("ES")
        vk = b.supplier("VK", "МУП «Водоканал»")
    b.balance(S.account, date(2026, 10, 1), "1500.00", by=S.es)
    b.payment(S.account, date(2026, 11, 5), "200.00", by=S.es)
    b.balance(S.account, date(2026, 10, 1), "-50.00", by=S.vk)
    b.link(S.consumer, S.account)
    b.commit()
    return S


def _url(s):
    return f"/personal-accounts/{s.account.id}/pay"


def _data(s, **over):
    data = {f"pay-{s.account.id}-{s.es.id}": "1", f"amount-{s.account.id}-{s.es.id}": "1300,00",
            "method": "card", "rules": "1"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def _ticked(html, key):
    """Whether the line's checkbox is rendered ticked (None: no such checkbox)."""
    tag = re.search(rf'<input type="checkbox" id="pay-{key}"[^>]*>', html)
    return None if tag is None else " checked" in tag.group(0)


def _payments():
    return db.session.scalar(select(func.count()).select_from(Payment))


def test_page_prefills_the_debt_and_offers_an_advance(client, login, setup):
    s = setup
    login(s.consumer)
    html = client.get(_url(s)).get_data(as_text=True)
    assert 'value="1300,00"' in html  # 1 500,00 closing less the 200,00 paid after October
    assert "1\u00a0300,00\u00a0руб." in html and "-50,00\u00a0руб." in html
    assert f'name="amount-{s.account.id}-{s.vk.id}"\n                   value=""' in html
    assert "Аванс" in html
    es, vk = f"{s.account.id}-{s.es.id}", f"{s.account.id}-{s.vk.id}"
    assert _ticked(html, es) is True and _ticked(html, vk) is False  # owed: ticked; the advance: not
    assert "Выберите способ оплаты" in html and "СБП (по QR-коду)" in html and "Банковская карта" in html
    assert 'href="/page/payment-rules"' in html and "оплаты ознакомлен(а)" in html
    assert "Получить квитанцию" in html and "payments-pay.js" in html


@pytest.mark.parametrize("typed, ok, message", [
    ("9,99", False, "Сумма оплаты должна быть не менее 10,00\u00a0руб."),
    ("10,00", True, None),
    ("10", True, None),
    ("1 234,56", True, None),
    ("1\u00a0234.56", True, None),
    ("12,345", False, "не более двух знаков после запятой"),
    ("-50,00", False, "не менее 10,00"),
    ("\u221250", False, "не менее 10,00"),
    ("abc", False, "Введите сумму числом"),
    ("12,3a", False, "Введите сумму числом"),
    ("", False, "Введите сумму оплаты"),
    ("1000000,00", True, None),
    ("1000000,01", False, "не более 1\u00a0000\u00a0000,00"),
])
def test_amount_rules(typed, ok, message):
    amount, error = parse_amount(typed)
    assert (amount is not None) == ok, (typed, amount, error)
    if message:
        assert message in error


@pytest.mark.parametrize("typed, message", [
    ("9,99", "Сумма оплаты должна быть не менее 10,00"),
    ("12,345", "не более двух знаков после запятой"),
    ("сто", "Введите сумму числом"),
])
def test_a_refused_amount_is_said_under_its_field_and_kept(client, login, setup, typed, message):
    s = setup
    login(s.consumer)
    field = f"amount-{s.account.id}-{s.es.id}"
    response = client.post(_url(s), data=_data(s, **{field: typed}))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'data-test="error-{field}">' in html and message in html
    assert f'value="{typed}"' in html
    assert _payments() == 0


@pytest.mark.parametrize("over, field, message", [
    ({"rules": None}, "rules", "ознакомлены с правилами оплаты"),
    ({"method": None}, "method", "Выберите способ оплаты"),
    ({"method": "cash"}, "method", "Выберите способ оплаты"),
    ({"receipt": "1", "email": ""}, "email", "Укажите адрес электронной почты"),
    ({"receipt": "1", "email": "not-an-email"}, "email", "Неверный адрес электронной почты"),
])
def test_rules_method_and_email_are_checked_again(client, login, setup, over, field, message):
    s = setup
    login(s.consumer)
    response = client.post(_url(s), data=_data(s, **over))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'data-test="error-{field}">' in html and message in html
    assert 'value="1300,00"' in html  # the amount typed survives
    assert _payments() == 0


def test_nothing_ticked_is_refused(client, login, setup):
    s = setup
    login(s.consumer)
    response = client.post(_url(s), data=_data(s, **{f"pay-{s.account.id}-{s.es.id}": None}))
    assert response.status_code == 400
    assert "Отметьте поставщика услуг и укажите сумму оплаты" in response.get_data(as_text=True)
    assert _payments() == 0


def test_an_unticked_line_is_not_checked(client, login, setup):
    """A supplier left out may keep any text in its field: only ticked lines are paid."""
    s = setup
    login(s.consumer)
    response = client.post(_url(s), data=_data(s, rules=None, **{f"amount-{s.account.id}-{s.vk.id}": "abc"}))
    html = response.get_data(as_text=True)
    assert f'data-test="error-amount-{s.account.id}-{s.vk.id}"' not in html
    assert 'data-test="error-rules"' in html


@settings(max_examples=150, deadline=None)
@given(st.decimals(min_value=Decimal("10.00"), max_value=Decimal("1000000.00"), places=2),
       st.sampled_from([" ", "\u00a0", ""]), st.sampled_from([",", "."]))
def test_any_amount_written_the_russian_way_reads_back(amount, space, point):
    """«1 234,56», «1234.56»: grouped by any space, with a comma or a point, the same kopecks."""
    whole, cents = f"{amount:.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    assert parse_amount(space.join(groups) + point + cents) == (amount, None)


def test_a_debt_under_ten_roubles_is_offered_unticked(client, login, setup):
    s = setup
    b.payment(s.account, date(2026, 11, 6), "1295.00", by=s.es)  # 5,00 left to pay
    b.commit()
    login(s.consumer)
    html = client.get(_url(s)).get_data(as_text=True)
    assert 'value="5,00"' in html and _ticked(html, f"{s.account.id}-{s.es.id}") is False
