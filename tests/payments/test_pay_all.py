"""«Оплатить по всем лицевым счетам» (D9, seed 004 §2.12): only with more than one account linked;
every account × supplier with its debt prefilled, the same rules, ONE payment split into parts —
their sum the total, a line left out paid nothing, a line under 10,00 руб. refusing the lot."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.payments import Payment
from tests.billing import builders as b
from tests.factories import make_consumer


@pytest.fixture
def setup(ctx):
    class S:
        consumer = make_consumer(commit=False)
        single = make_consumer(commit=False)
        first = b.account("6200000001")
        second = b.account("6200000002")
        lonely = b.account("6200000003")
        es = b.supplier("ES")
        vk = b.supplier("VK", "МУП «Водоканал»")
    b.balance(S.first, date(2026, 10, 1), "1000.00", by=S.es)
    b.balance(S.first, date(2026, 10, 1), "250.50", by=S.vk)
    b.balance(S.second, date(2026, 10, 1), "75.25", by=S.es)
    b.balance(S.second, date(2026, 10, 1), "-10.00", by=S.vk)
    b.link(S.consumer, S.first)
    b.link(S.consumer, S.second)
    b.link(S.single, S.lonely)
    b.commit()
    return S


def _key(account, supplier):
    return f"{account.id}-{supplier.id}"


def _post(client, lines, **over):
    data = {"method": "card", "rules": "1"}
    for key, amount in lines.items():
        data[f"pay-{key}"] = "1"
        data[f"amount-{key}"] = amount
    data.update(over)
    return client.post("/payments/all", data=data)


def test_every_account_and_supplier_with_its_debt(client, login, setup):
    s = setup
    login(s.consumer)
    html = client.get("/payments/all").get_data(as_text=True)
    assert "Оплатить по всем лицевым счетам" in html and "6200000001" in html and "6200000002" in html
    for key, value in [(_key(s.first, s.es), "1000,00"), (_key(s.first, s.vk), "250,50"),
                       (_key(s.second, s.es), "75,25"), (_key(s.second, s.vk), "")]:
        assert f'name="amount-{key}"\n                   value="{value}"' in html, key
    assert html.count('data-test="advance"') == 1


def test_one_payment_split_into_parts(client, login, setup):
    s = setup
    login(s.consumer)
    response = _post(client, {_key(s.first, s.es): "1 000,00", _key(s.first, s.vk): "250,50",
                              _key(s.second, s.es): "75,25", _key(s.second, s.vk): "10"})
    assert response.status_code == 302
    [payment] = db.session.scalars(select(Payment)).all()
    parts = {(p.account_id, p.supplier_id): p.amount for p in payment.parts}
    assert parts == {(s.first.id, s.es.id): Decimal("1000.00"), (s.first.id, s.vk.id): Decimal("250.50"),
                     (s.second.id, s.es.id): Decimal("75.25"), (s.second.id, s.vk.id): Decimal("10.00")}
    assert payment.amount == sum(parts.values()) == Decimal("1335.75")


def test_a_line_left_out_is_not_paid(client, login, setup):
    s = setup
    login(s.consumer)
    response = client.post("/payments/all", data={
        "method": "sbp", "rules": "1", f"pay-{_key(s.second, s.es)}": "1", f"amount-{_key(s.second, s.es)}": "75,25",
        f"amount-{_key(s.first, s.es)}": "1000,00"})  # typed but not ticked
    assert response.status_code == 302
    [payment] = db.session.scalars(select(Payment)).all()
    assert [(p.account_id, p.amount) for p in payment.parts] == [(s.second.id, Decimal("75.25"))]


def test_a_part_under_ten_roubles_refuses_the_payment(client, login, setup):
    s = setup
    login(s.consumer)
    small = _key(s.second, s.es)
    response = _post(client, {_key(s.first, s.es): "1000,00", small: "9,99"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and f'data-test="error-amount-{small}">' in html
    assert "не менее 10,00" in html and 'value="9,99"' in html
    assert db.session.scalars(select(Payment)).all() == []


def test_a_total_over_the_limit_is_refused(client, login, setup):
    s = setup
    login(s.consumer)
    response = _post(client, {_key(s.first, s.es): "1000000", _key(s.second, s.es): "10"})
    assert response.status_code == 400 and "Итоговая сумма оплаты должна быть не более" in response.get_data(as_text=True)


def test_with_one_account_it_is_that_accounts_payment(client, login, setup):
    s = setup
    login(s.single)
    response = client.get("/payments/all")
    assert response.status_code == 302 and response.location.endswith(f"/personal-accounts/{s.lonely.id}/pay")
    home = client.get(f"/personal-accounts/{s.lonely.id}/").get_data(as_text=True)
    assert 'data-test="pay-all"' not in home and f'/personal-accounts/{s.lonely.id}/pay"' in home


def test_the_home_page_offers_it_with_two_accounts(client, login, setup):
    s = setup
    login(s.consumer)
    assert 'href="/payments/all" data-test="pay-all"' in client.get("/personal-accounts/").get_data(as_text=True)
