"""The supplier's bank details (issue 15): BIC, settlement and correspondent accounts with the Bank
of Russia's control key, a company's INN, KPP — pure checks, and the admin's supplier form that
shows each message under its field and saves nothing refused."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.extensions import db
from app.models import Supplier
from app.security.roles import ADMIN
from tests.factories import make_staff
from workflows.payments import bank_details as bd

# ПАО Сбербанк (Москва): a real BIC and its real correspondent account; the settlement account's
# key digit (9th) computed: «225» + account weighted 7,1,3 sums to 310
BIC, CORR, ACCOUNT = "044525225", "30101810400000000225", "40702810938000000001"
# АО «Тинькофф Банк»: a second real pair
BIC2, CORR2 = "044525974", "30101810145250000974"


def key_sum(digits):
    return sum(int(d) * (7, 1, 3)[i % 3] for i, d in enumerate(digits))


def test_the_examples_add_up_by_hand():
    assert key_sum("225" + ACCOUNT) % 10 == 0
    assert key_sum("0" + "25" + CORR) % 10 == 0
    assert key_sum("0" + "25" + CORR2) % 10 == 0


@pytest.mark.parametrize("bic, ok", [(BIC, True), (BIC2, True), ("04452522", False), ("0445252250", False),
                                     ("144525225", False), ("04452522a", False), ("", False), (None, False)])
def test_bic(bic, ok):
    assert (bd.bic_problem(bic) is None) is ok


@pytest.mark.parametrize("account, bic, message", [
    (ACCOUNT, BIC, None),
    ("40702810038000000001", BIC, bd.MSG_ACCOUNT_KEY),      # another key digit
    ("40702810938000000002", BIC, bd.MSG_ACCOUNT_KEY),      # a digit changed
    (ACCOUNT, BIC2, bd.MSG_ACCOUNT_KEY),                    # right digits, another bank
    ("4070281093800000000", BIC, bd.MSG_ACCOUNT_DIGITS),
    ("4070281093800000000X", BIC, bd.MSG_ACCOUNT_DIGITS),
    (ACCOUNT, "12345", bd.MSG_ACCOUNT_NEEDS_BIC),
])
def test_settlement_account(account, bic, message):
    assert bd.settlement_account_problem(account, bic) == (str(message) if message else None)


@pytest.mark.parametrize("corr, bic, message", [
    (CORR, BIC, None), (CORR2, BIC2, None),
    ("30101810500000000225", BIC, bd.MSG_ACCOUNT_KEY),
    ("40101810400000000225", BIC, bd.MSG_CORR_PREFIX),
    (CORR, BIC2, bd.MSG_CORR_BIC),
    ("3010181040000000022", BIC, bd.MSG_ACCOUNT_DIGITS),
])
def test_correspondent_account(corr, bic, message):
    assert bd.correspondent_account_problem(corr, bic) == (str(message) if message else None)


@settings(max_examples=150, deadline=None)
@given(st.text("0123456789", min_size=20, max_size=20), st.integers(0, 19), st.integers(1, 9))
def test_one_changed_digit_breaks_the_key(account, position, shift):
    """Weights 7, 1, 3 are prime to 10: any single wrong digit changes the sum mod 10."""
    fixed = next(account[:8] + str(k) + account[9:] for k in range(10)
                 if key_sum("225" + account[:8] + str(k) + account[9:]) % 10 == 0)
    assert bd.settlement_account_problem(fixed, BIC) is None
    wrong = fixed[:position] + str((int(fixed[position]) + shift) % 10) + fixed[position + 1:]
    assert bd.settlement_account_problem(wrong, BIC) == str(bd.MSG_ACCOUNT_KEY)


@pytest.mark.parametrize("inn, ok", [("7707083893", True), ("7701234567", False), ("770708389", False),
                                     ("500100732259", False), ("77070838AB", False)])
def test_company_inn(inn, ok):
    assert (bd.inn_problem(inn) is None) is ok


@pytest.mark.parametrize("kpp, ok", [("773601001", True), ("7736AB001", True), ("77360100", False),
                                     ("77360100a", False), ("", False)])
def test_kpp(kpp, ok):
    assert (bd.kpp_problem(kpp) is None) is ok


FORM = {"code": "SB", "name": "ПАО «Тестсбыт»", "inn": "7707083893", "kpp": "773601001", "bank_name": "ПАО Сбербанк",
        "bik": BIC, "account": ACCOUNT, "corr_account": CORR, "phone": "", "sort_order": "0", "active": "y"}


def test_admin_saves_right_details_and_refuses_wrong_ones_under_their_fields(client, login, ctx):
    login(make_staff(ADMIN))
    db.session.commit()
    wrong = dict(FORM, code="SX", bik="04452522", account="40702810038000000001", corr_account="30101810500000000225",
                 inn="7701234567", kpp="7736")
    response = client.post("/admin/suppliers/add", data=wrong)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    fields = ["inn", "kpp", "bank_name", "bik", "account", "corr_account", "phone"]  # the form's order
    for name, message in (("inn", bd.MSG_INN), ("kpp", bd.MSG_KPP), ("bik", bd.MSG_BIC),
                          ("account", bd.MSG_ACCOUNT_NEEDS_BIC), ("corr_account", bd.MSG_ACCOUNT_NEEDS_BIC)):
        start = html.index(f'name="{name}"')
        end = html.index(f'name="{fields[fields.index(name) + 1]}"')
        assert str(message) in html[start:end], (name, message)  # under its own field
    assert 'value="7701234567"' in html  # what was typed survives
    assert db.session.scalar(select(Supplier).where(Supplier.code == "SX")) is None

    response = client.post("/admin/suppliers/add", data=dict(wrong, bik=BIC))
    html = response.get_data(as_text=True)
    assert html.count(str(bd.MSG_ACCOUNT_KEY)) == 2  # both accounts' keys, each under its field
    assert db.session.scalar(select(Supplier).where(Supplier.code == "SX")) is None

    response = client.post("/admin/suppliers/add", data=FORM)
    assert response.status_code == 302
    saved = db.session.scalar(select(Supplier).where(Supplier.code == "SB"))
    assert (saved.bik, saved.account, saved.corr_account) == (BIC, ACCOUNT, CORR)
