"""Payment states (workflows/payments/states.py): the transition table as data, every (from, to,
source) allowed or refused by `move`, a move to the current state a no-op, and the one move into
succeeded stamping paid_at, exporting one row per part and telling the consumer — once."""
import uuid
from decimal import Decimal
from itertools import product

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditRecord, ExportItem, Notification
from app.models.payments import Payment, PaymentEvent, PaymentPart, PaymentState as S
from tests.billing import builders as b
from tests.factories import make_consumer
from workflows.payments import states
from workflows.payments.states import InvalidPaymentTransition, move

#: the issue's table, written out again: created → pending → succeeded | canceled | failed;
#: created → failed | canceled; succeeded → refunded — and who may make each move
EXPECTED = {
    (S.CREATED, S.PENDING): {"consumer", "callback", "status"},
    (S.CREATED, S.FAILED): {"consumer", "callback", "status"},
    (S.CREATED, S.CANCELED): {"consumer", "admin", "callback", "status"},
    (S.PENDING, S.SUCCEEDED): {"callback", "status"},
    (S.PENDING, S.CANCELED): {"consumer", "admin", "callback", "status"},
    (S.PENDING, S.FAILED): {"callback", "status"},
    (S.SUCCEEDED, S.REFUNDED): {"admin", "callback", "status"},
}


def make_payment(user, parts, *, state=S.PENDING, method="card", provider="sandbox") -> Payment:
    """A payment of `user` for parts [(account, supplier, "100.00")], put straight into `state`
    (test setup only: the code under test moves states through states.move)."""
    payment = Payment(consumer_id=user.consumer.id, provider=provider, method=method, state=state,
                      amount=sum((Decimal(amount) for _a, _s, amount in parts), Decimal("0.00")),
                      idempotency_key=uuid.uuid4().hex, provider_payment_id=f"sbx-{uuid.uuid4().hex}")
    db.session.add(payment)
    db.session.flush()
    for account, supplier, amount in parts:
        db.session.add(PaymentPart(payment_id=payment.id, account_id=account.id, supplier_id=supplier.id,
                                   amount=Decimal(amount)))
    db.session.flush()
    return payment


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def payer(ctx):
    user = make_consumer()
    account = b.account("7100000001")
    b.link(user, account)
    electricity, water = b.supplier("ES", "АО «Энергосбыт»"), b.supplier("VK", "МУП «Водоканал»")
    payment = make_payment(user, [(account, electricity, "1234.56"), (account, water, "100.00")])
    b.commit()
    return user, payment


def test_the_table_is_the_issues_table():
    assert {pair: set(sources) for pair, sources in states.TRANSITIONS.items()} == EXPECTED


def test_every_from_to_source_is_allowed_exactly_as_the_table_says(payer):
    payment_id = payer[1].id
    for from_state, to_state, source in product(states.STATES, states.STATES, states.SOURCES):
        db.session.expunge_all()  # what a rolled-back savepoint flushed is gone
        payment = db.session.get(Payment, payment_id)
        savepoint = db.session.begin_nested()
        payment.state = from_state
        db.session.flush()
        events = count(PaymentEvent, PaymentEvent.payment_id == payment.id)
        case = (from_state, to_state, source)
        if from_state == to_state:
            assert move(payment, to_state, source=source) is False, case
            assert count(PaymentEvent, PaymentEvent.payment_id == payment.id) == events, case
        elif source in EXPECTED.get((from_state, to_state), ()):
            assert move(payment, to_state, source=source) is True, case
            assert payment.state == to_state, case
            event = db.session.scalars(select(PaymentEvent).where(PaymentEvent.payment_id == payment.id)
                                       .order_by(PaymentEvent.id.desc())).first()
            assert (event.from_state, event.to_state, event.source) == case, case
        else:
            with pytest.raises(InvalidPaymentTransition):
                move(payment, to_state, source=source)
            assert payment.state == from_state, case
        savepoint.rollback()


def test_succeeded_once_exports_each_part_once_and_tells_the_consumer(payer):
    user, payment = payer
    assert move(payment, S.SUCCEEDED, source="callback", detail={"event": "e1"}) is True
    assert move(payment, S.SUCCEEDED, source="status") is False  # the same news again: nothing
    with pytest.raises(InvalidPaymentTransition):
        move(payment, S.PENDING, source="callback")  # never back
    db.session.commit()
    assert payment.paid_at is not None
    rows = db.session.scalars(select(ExportItem).where(ExportItem.kind == "payments")
                              .order_by(ExportItem.id)).all()
    assert [(r.payload["supplier_code"], r.payload["amount"]) for r in rows] == [("ES", "1234.56"), ("VK", "100.00")]
    first = rows[0].payload
    assert first["payment_id"] == payment.id and first["account_number"] == "7100000001"
    assert first["branch_code"] == "01" and first["provider"] == "sandbox"
    assert first["provider_payment_id"] == payment.provider_payment_id and first["paid_at"]
    notices = db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()
    assert [n.title for n in notices] == ["Платеж прошел успешно"]
    assert "1\xa0334,56" in notices[0].body
    assert count(AuditRecord, AuditRecord.action == "payment.state") == 1


def test_failure_keeps_the_reason_and_the_consumer_reads_it(payer):
    user, payment = payer
    move(payment, S.FAILED, source="callback", failure_reason="Недостаточно средств на карте")
    db.session.commit()
    assert payment.failure_reason == "Недостаточно средств на карте" and payment.paid_at is None
    notice = db.session.scalars(select(Notification).where(Notification.user_id == user.id)).one()
    assert notice.title == "Платеж не прошел" and "Недостаточно средств на карте" in notice.body
    assert count(ExportItem, ExportItem.kind == "payments") == 0


def test_a_refused_source_moves_nothing(payer):
    _user, payment = payer
    with pytest.raises(InvalidPaymentTransition) as refused:
        move(payment, S.SUCCEEDED, source="consumer")  # only the provider says it is paid
    assert refused.value.status == 400 and "«Ожидает оплаты» → «Оплачен»" in refused.value.message
    assert payment.state == S.PENDING and count(PaymentEvent) == 0 and count(ExportItem) == 0
