"""1000 notifications of one payment at once (PostgreSQL only: SQLite serializes writers): 500
copies of one event and 500 of another, each received in its own transaction the way the sandbox's
delivery job receives them. One credit: one move into succeeded, one export row, one notice; the
copies kept as "duplicate" (uq_payment_callback_event), the other event a no-op or — when it raced
the first to the row — refused by Payment.version (the provider sends it again)."""
import json
import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import ExportItem, Notification
from app.models.payments import Payment, PaymentCallback, PaymentEvent, PaymentState as S
from tests.billing import builders as b
from tests.factories import make_consumer
from tests.payments.test_states_table import make_payment
from workflows.payments import callbacks
from workflows.payments.providers import sandbox

COPIES = 500


@pytest.fixture
def payment(ctx):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL (tests/payments/test_callbacks_http.py covers replays)")
    user = make_consumer()
    account = b.account("7600000001")
    b.link(user, account)
    row = make_payment(user, [(account, b.supplier(), "700.00")])
    b.commit()
    return row


def _event(payment, event_id: str) -> tuple[dict, str]:
    raw = json.dumps({"event_id": event_id, "payment_id": payment.provider_payment_id, "state": S.SUCCEEDED,
                      "amount": "700.00"})
    return {sandbox.SIGNATURE_HEADER: sandbox.sign(raw.encode())}, raw


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_thousand_notifications_at_once_credit_once(app, payment):
    events = [_event(payment, "evt-a")] * COPIES + [_event(payment, "evt-b")] * COPIES
    random.Random(15).shuffle(events)

    def receive(event):
        headers, raw = event
        with app.app_context():
            try:
                return callbacks.deliver("sandbox", headers, raw)
            except StaleDataError:
                return "stale"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(receive, events))
    db.session.expire_all()
    assert set(results) <= {"applied", "duplicate", "stale"}, set(results)
    assert db.session.get(Payment, payment.id).state == S.SUCCEEDED
    assert _count(PaymentEvent, PaymentEvent.to_state == S.SUCCEEDED) == 1
    assert _count(ExportItem, ExportItem.kind == "payments") == 1
    assert _count(Notification) == 1
    kept = dict(db.session.execute(select(PaymentCallback.event_key, PaymentCallback.outcome)
                                   .where(PaymentCallback.outcome == "applied")).all())
    assert "evt-a" in kept or "evt-b" in kept
    assert results.count("applied") == len(kept) and results.count("duplicate") == len(events) - len(kept) - results.count("stale")
