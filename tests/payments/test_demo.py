"""`make run`'s demo data covers payments: the demo ФЛ's sandbox payment went the consumer's way
(created at the sandbox, its signed notification received), is exported once, and the suppliers'
bank details pass the admin form's checks (so the receipt's QR carries a payable account)."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import ExportItem, Payment, PaymentCallback, Supplier
from workflows.payments import bank_details


def test_demo_has_a_sandbox_payment_and_payable_suppliers(ctx, reference_data):
    from app.demo import create_demo_data

    lines = create_demo_data("Demo-2026!")
    assert any("песочницу платежей" in line for line in lines)
    payment = db.session.scalar(select(Payment))
    assert (payment.provider, payment.state, str(payment.amount)) == ("sandbox", "succeeded", "500.00")
    assert db.session.scalar(select(PaymentCallback.outcome)) == "applied"
    assert db.session.scalar(select(func.count()).select_from(ExportItem).where(ExportItem.kind == "payments")) == 1
    for supplier in db.session.scalars(select(Supplier)):
        assert bank_details.problems(bic=supplier.bik, account=supplier.account, corr_account=supplier.corr_account,
                                     inn=supplier.inn, kpp=supplier.kpp) == {}, supplier.code

    create_demo_data("Demo-2026!")
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 1
