"""POST /payments/callback/<provider> (workflows/payments/callbacks.py) with the sandbox's signed
notifications: a forged or malformed one refused (400, kept "refused"), a replay answered
"duplicate" with no second credit, a wrong amount refused and never credited, an unknown payment
404, a notification before the consumer came back applied, succeeded-then-pending ignoring the
pending, and the route needs no CSRF token."""
import json
import uuid

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ExportItem
from app.models.payments import PaymentCallback, PaymentState as S
from tests.billing import builders as b
from tests.factories import make_consumer
from tests.payments.test_states_table import count, make_payment
from workflows.payments.providers import sandbox

URL = "/payments/callback/sandbox"


@pytest.fixture
def payment(ctx):
    user = make_consumer()
    account = b.account("7200000001")
    b.link(user, account)
    row = make_payment(user, [(account, b.supplier(), "500.00")])
    b.commit()
    return row


def body(payment, state=S.SUCCEEDED, **fields) -> bytes:
    data = {"event_id": uuid.uuid4().hex, "payment_id": payment.provider_payment_id, "state": state,
            "amount": format(payment.amount, "f"), **fields}
    return json.dumps(data).encode()


def post(client, raw: bytes, signature=None):
    return client.post(URL, data=raw, content_type="application/json",
                       headers={sandbox.SIGNATURE_HEADER: signature or sandbox.sign(raw)})


def outcomes(payment) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(PaymentCallback.outcome).order_by(PaymentCallback.id)))


def test_a_signed_notification_is_applied_once_and_its_replay_is_a_duplicate(client, payment, fresh):
    raw = body(payment)
    first = post(client, raw)
    assert (first.status_code, first.json["outcome"]) == (200, "applied")
    again = post(client, raw)
    assert (again.status_code, again.json["outcome"]) == (200, "duplicate")
    assert fresh(payment).state == S.SUCCEEDED and payment.paid_at is not None
    assert count(ExportItem, ExportItem.kind == "payments") == 1
    assert outcomes(payment) == ["applied", "duplicate"]


@pytest.mark.parametrize("signature", ["sha256=" + "0" * 64, "", "sha1=abc"])
def test_a_forged_signature_is_refused_and_kept(client, payment, fresh, signature):
    response = client.post(URL, data=body(payment), content_type="application/json",
                           headers={sandbox.SIGNATURE_HEADER: signature} if signature else {})
    assert (response.status_code, response.json["outcome"]) == (400, "refused")
    assert fresh(payment).state == S.PENDING and outcomes(payment) == ["refused"]


@pytest.mark.parametrize("raw", [b"not json", b"{}", b'{"event_id": "x", "payment_id": "p", "state": "paid"}',
                                 b'{"event_id": "x", "payment_id": "p", "state": "succeeded", "amount": "a"}'])
def test_a_malformed_notification_is_refused(client, payment, fresh, raw):
    response = post(client, raw)
    assert (response.status_code, response.json["outcome"]) == (400, "refused")
    assert fresh(payment).state == S.PENDING


def test_a_wrong_amount_is_refused_and_never_credited(client, payment, fresh):
    response = post(client, body(payment, amount="5000.00"))
    assert (response.status_code, response.json["outcome"]) == (400, "refused")
    assert "сумма" in response.json["reason"]
    assert fresh(payment).state == S.PENDING and count(ExportItem) == 0


def test_an_unknown_payment_or_provider_is_404(client, payment):
    raw = json.dumps({"event_id": "e", "payment_id": "sbx-nobody", "state": "succeeded", "amount": "1.00"}).encode()
    response = post(client, raw)
    assert (response.status_code, response.json["outcome"]) == (404, "refused")
    assert client.post("/payments/callback/nobody", data=b"{}").status_code == 404
    assert outcomes(payment) == ["refused"]


def test_succeeded_then_pending_leaves_it_succeeded(client, payment, fresh):
    assert post(client, body(payment)).json["outcome"] == "applied"
    late = post(client, body(payment, state=S.PENDING))
    assert (late.status_code, late.json["outcome"]) == (200, "ignored")
    assert fresh(payment).state == S.SUCCEEDED and count(ExportItem) == 1


def test_a_failure_carries_its_reason(client, payment, fresh):
    assert post(client, body(payment, state=S.FAILED, failure_reason="Недостаточно средств на карте")).status_code == 200
    assert fresh(payment).failure_reason == "Недостаточно средств на карте"


def test_the_callback_needs_no_csrf_token_but_a_page_does(app, client, payment, fresh):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert post(client, body(payment)).status_code == 200
        assert client.post("/payments/sandbox/", data={"mode": "fail", "delay": "0"}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert fresh(payment).state == S.SUCCEEDED


def test_the_callback_before_the_consumer_comes_back_is_applied(client, login, payment, fresh):
    """The provider's notification may arrive while the payer is still on its page: applied; the
    sandbox page then only shows the payment finished."""
    assert post(client, body(payment)).json["outcome"] == "applied"
    login(_owner(payment))
    page = client.get(f"/sandbox-pay/{payment.provider_payment_id}")
    assert page.status_code == 200 and 'data-test="sandbox-done"' in page.get_data(as_text=True)


def _owner(payment):
    from app.models import ConsumerProfile

    return db.session.get(ConsumerProfile, payment.consumer_id).user


def test_the_callback_route_is_rate_limited(app, client, payment):
    from app.extensions import limiter

    limiter.reset()
    app.config["PAYMENT_CALLBACK_RATE_LIMIT"] = "2 per minute"
    try:
        statuses = [post(client, body(payment, state=S.PENDING)).status_code for _ in range(3)]
    finally:
        app.config.pop("PAYMENT_CALLBACK_RATE_LIMIT")
        limiter.reset()
    assert statuses == [200, 200, 429]
