"""Webhooks through the outbox: delivered after the commit with a signature the documented
verifier accepts, nothing on rollback, retried with back-off and delivered once, a timeout, a
redirect and an internal address recorded as failed attempts."""
import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.core.jobs.queue import dispatch_ready
from app.core.notifications.outbox import deliver_outbox_message, sweep_outbox
from app.extensions import db
from app.models import OutboxMessage, OutboxStatus, WebhookAttempt
from app.models.base import utcnow
from app.models.payments import PaymentState as S
from tests.billing import builders as b
from tests.factories import make_consumer
from tests.payments.test_callbacks_http import body as callback_body, post as post_callback
from tests.payments.test_states_table import make_payment
from workflows.meters.readings import ReadingInput, submit_readings
from workflows.payments.states import move
from workflows.webhooks import endpoints

DOCS = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"
INSIDE_WINDOW = datetime(2026, 3, 20, 9, 0)


def documented_verifier():
    """The verifier docs/webhooks.md shows, run as it is written there."""
    code = re.search(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S).group(1)
    assert len(code.strip().splitlines()) <= 10
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - the document's own example
    return namespace["verify"]


def webhook_messages() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "webhook")
                                   .order_by(OutboxMessage.id)))


def attempts() -> list[WebhookAttempt]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookAttempt).order_by(WebhookAttempt.id)))


@pytest.fixture
def reading_setup(ctx):
    user, account = make_consumer(), b.account("7300000001")
    meter = b.meter(account)
    b.link(user, account)
    b.commit()
    return user, account, meter


def submit_reading(setup, value="150"):
    user, account, meter = setup
    out = submit_readings(user, account, [ReadingInput(meter.id, {"T1": value})], now=INSIDE_WINDOW)
    assert out.ok()
    return out.stored[0]


def test_a_paid_payment_reaches_the_receiver_after_commit_signed(client, endpoint, receiver):
    _row, secret = endpoint
    user, account = make_consumer(), b.account("7200000009")
    b.link(user, account)
    payment = make_payment(user, [(account, b.supplier(), "500.00")])
    b.commit()
    assert post_callback(client, callback_body(payment)).json["outcome"] == "applied"
    [got] = receiver.requests
    assert documented_verifier()(secret, got.body, got.headers["X-Kabinet-Signature"])
    assert not documented_verifier()(secret, got.body + b" ", got.headers["X-Kabinet-Signature"])
    assert not documented_verifier()("whsec_other", got.body, got.headers["X-Kabinet-Signature"])
    event = json.loads(got.body)
    assert got.headers["X-Kabinet-Event-Id"] == event["id"] and event["type"] == "payment.succeeded"
    assert event["data"]["payment_id"] == payment.id and event["data"]["amount"] == "500.00"
    assert event["data"]["parts"] == [{"account_number": "7200000009", "supplier_code": "ES", "amount": "500.00"}]
    assert user.email not in got.body.decode() and "Иванов" not in got.body.decode()
    [message] = webhook_messages()
    assert message.status == OutboxStatus.SENT and [a.status_code for a in attempts()] == [200]


def test_a_rolled_back_payment_sends_nothing(endpoint, receiver):
    user, account = make_consumer(), b.account("7200000010")
    b.link(user, account)
    payment = make_payment(user, [(account, b.supplier(), "10.00")])
    b.commit()
    assert move(payment, S.SUCCEEDED, source="callback") and len(webhook_messages()) == 1
    db.session.rollback()
    assert dispatch_ready() == 0 and receiver.requests == [] and webhook_messages() == []


def test_a_committed_reading_is_sent_with_its_ids(endpoint, receiver, reading_setup):
    reading = submit_reading(reading_setup, "160")
    db.session.commit()
    dispatch_ready()
    [got] = receiver.requests
    event = json.loads(got.body)
    assert event["type"] == "meter_reading.submitted" and got.headers["X-Kabinet-Event"] == event["type"]
    assert event["data"]["reading_id"] == reading.id and event["data"]["account_number"] == "7300000001"
    assert event["data"]["period"] == date(2026, 3, 1).isoformat()


def test_an_endpoint_gets_only_the_events_it_asked_for_and_none_once_disabled(ctx, receiver, reading_setup):
    payments_only, _secret = endpoints.create("Платежи", receiver.url, ["payment.succeeded"])
    db.session.commit()
    submit_reading(reading_setup)
    db.session.commit()
    dispatch_ready()
    assert receiver.requests == [] and webhook_messages() == []
    endpoints.set_enabled(payments_only.id, False)
    everything, _secret = endpoints.create("Все", receiver.url, ["meter_reading.submitted"])
    endpoints.set_enabled(everything.id, False)
    db.session.commit()
    submit_reading(reading_setup, "170")
    db.session.commit()
    dispatch_ready()
    assert receiver.requests == [] and webhook_messages() == []


def make_due(message_id: int) -> None:
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                       .values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def test_a_failing_receiver_is_retried_with_back_off_and_gets_the_event_once(endpoint, receiver, reading_setup):
    receiver.plan = [(500, 0)]
    submit_reading(reading_setup)
    db.session.commit()
    dispatch_ready()
    [message] = webhook_messages()
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert timedelta(seconds=50) < message.next_attempt_at - utcnow() <= timedelta(seconds=60)
    assert sweep_outbox() == 0 and len(receiver.requests) == 1  # not due yet: the back-off holds
    make_due(message.id)
    assert sweep_outbox() == 1
    assert webhook_messages()[0].status == OutboxStatus.SENT
    assert deliver_outbox_message(message.id) == OutboxStatus.SENT and sweep_outbox() == 0
    first, second = receiver.requests
    assert first.body == second.body and first.headers["X-Kabinet-Event-Id"] == second.headers["X-Kabinet-Event-Id"]
    assert [(a.status_code, a.error) for a in attempts()] == [(500, "ответ HTTP 500"), (200, None)]


def test_a_receiver_that_does_not_answer_in_time_is_a_recorded_timeout(app, endpoint, receiver, reading_setup,
                                                                     monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT", 0.3)
    receiver.plan = [(200, 1.0)]
    submit_reading(reading_setup)
    db.session.commit()
    dispatch_ready()
    [attempt] = attempts()
    assert attempt.status_code is None and "нет ответа за 0.3 с" in attempt.error
    assert 250 <= attempt.duration_ms < 1000 and webhook_messages()[0].status == OutboxStatus.PENDING


def test_a_redirect_is_not_followed(endpoint, receiver, reading_setup):
    receiver.plan = [(302, 0)]
    submit_reading(reading_setup)
    db.session.commit()
    dispatch_ready()
    assert len(receiver.requests) == 1
    assert [(a.status_code, a.error) for a in attempts()] == [(302, "ответ HTTP 302")]


def test_an_internal_address_is_refused_unless_the_config_allows_it(app, endpoint, receiver, reading_setup,
                                                                  monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE", False)
    submit_reading(reading_setup)
    db.session.commit()
    dispatch_ready()
    assert receiver.requests == []
    [attempt] = attempts()
    assert attempt.status_code is None and "внутреннюю сеть" in attempt.error


def test_a_submitted_application_is_sent_as_a_status_change(reference_data, endpoint, receiver):
    from app.models.consumer import LegalForm
    from tests.applications.conftest import COMPLETE_PROFILE, make_submitted

    application = make_submitted(make_consumer(LegalForm.INDIVIDUAL, **COMPLETE_PROFILE[LegalForm.INDIVIDUAL]))
    dispatch_ready()
    [got] = [r for r in receiver.requests if json.loads(r.body)["type"] == "application.status_changed"]
    data = json.loads(got.body)["data"]
    assert data["application_id"] == application.id and data["number"] == application.number
    assert (data["application_type"], data["to_status"]) == ("tp", application.status.code)
    assert data["from_status"] != data["to_status"]
