"""The billing registers payments made in the portal (workflows/billing/imports/confirming.py): a
payments row with `portal_id` (the export's payment_id) is stored as the billing's payment and
marks the portal payment billing_confirmed_at; an unknown or unpaid payment, another account or
supplier, or another amount refuse the row with the reason; a second load changes nothing."""
from datetime import datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AccountPayment
from app.models.payments import Payment, PaymentState as S
from tests.billing import builders as b
from tests.billing.test_import_samples import import_file
from tests.factories import make_consumer
from tests.payments.test_states_table import make_payment
from workflows.billing.imports import error_rows, progress

HEADER = "payment;branch;account;supplier;paid_on;amount;source;portal_id\n"


@pytest.fixture
def paid(ctx):
    user = make_consumer()
    account, other = b.account("7500000001"), b.account("7500000002")
    b.link(user, account)
    electricity, water = b.supplier("ES"), b.supplier("VK", "МУП «Водоканал»")
    payment = make_payment(user, [(account, electricity, "1665.37"), (account, water, "100.00")], state=S.SUCCEEDED)
    payment.paid_at = datetime(2026, 11, 30, 9, 0)
    waiting = make_payment(user, [(account, electricity, "50.00")], state=S.PENDING)
    b.commit()
    return {"payment": payment, "waiting": waiting, "account": account, "other": other}


def _line(external: str, account, supplier: str, amount: str, portal_id="") -> str:
    return f"{external};01;{account.number};{supplier};30.11.2026;{amount};Личный кабинет;{portal_id}\n"


def _confirmed(payment) -> datetime | None:
    db.session.expire_all()
    return db.session.get(Payment, payment.id).billing_confirmed_at


def test_rows_with_portal_id_register_the_portal_payment_and_are_stored(paid):
    payment, account = paid["payment"], paid["account"]
    version = payment.version
    data = (HEADER + _line("B-1", account, "ES", "1 665,37", payment.id) + _line("B-2", account, "VK", "100,00", payment.id)
            + _line("B-3", account, "ES", "10,00"))  # paid elsewhere: no portal_id
    run = import_file("payments", "payments.csv", data.encode("cp1251"))
    assert (run.errors, run.created) == (0, 3), progress(run)
    first = _confirmed(payment)
    assert first is not None and _confirmed(paid["waiting"]) is None
    assert set(db.session.scalars(select(AccountPayment.external_id))) == {"B-1", "B-2", "B-3"}
    assert db.session.get(Payment, payment.id).version == version + 1  # a raw UPDATE still bumps the lock

    again = import_file("payments", "payments.csv", data.encode("utf-8"))
    assert (again.errors, again.created, again.updated) == (0, 0, 0)
    assert _confirmed(payment) == first


def test_wrong_rows_are_refused_with_the_reason_and_not_stored(paid):
    payment, account, waiting = paid["payment"], paid["account"], paid["waiting"]
    data = (HEADER + _line("B-20", account, "ES", "1665,37", 999999)
            + _line("B-21", account, "ES", "50,00", waiting.id)  # not paid
            + _line("B-22", paid["other"], "ES", "1665,37", payment.id)
            + _line("B-23", account, "ES", "1665,00", payment.id))
    run = import_file("payments", "payments.csv", data.encode("utf-8"))
    assert (run.errors, run.created) == (4, 0)
    reasons = [row.reason for row in error_rows(run)]
    assert reasons == ["Оплата портала с таким номером не найдена", "Оплата портала с таким номером не найдена",
                       f"Оплата портала {payment.id} не относится к этому лицевому счету и поставщику",
                       f"Сумма не совпадает с оплатой портала {payment.id}: 1665.37"]
    assert _confirmed(payment) is None and _confirmed(waiting) is None
    assert db.session.scalars(select(AccountPayment)).all() == []
