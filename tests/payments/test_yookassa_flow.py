"""ЮKassa end to end through the real app and the stand-in API: «Оплатить» creates the payment there
(the idempotence key sent), a notification is applied only when fetching the payment back confirms
it, a refusal carries its Russian reason, and wrong keys or the API down refuse the form, nothing
left pending."""
import json
import socket
from datetime import date

import pytest
import requests
from sqlalchemy import func, select

from app.core.settings import set_setting
from app.extensions import db
from app.models.billing.exchange import ExportItem
from app.models.payments import Payment, PaymentCallback, PaymentState
from tests.billing import builders as b
from tests.factories import make_consumer
from tests.payments.yookassa_standin import SECRET_KEY, standin  # noqa: F401 (a fixture)
from workflows.payments.providers import yookassa
from workflows.payments.providers.base import provider_for

CALLBACK = "/payments/callback/yookassa"


@pytest.fixture
def setup(ctx, reference_data):
    class S:
        consumer = make_consumer(commit=False)
        account = b.account("6000000501")
        es = b.supplier("ES")
    b.balance(S.account, date(2026, 10, 1), "1500.00", by=S.es)
    b.link(S.consumer, S.account)
    set_setting("payment_provider", "yookassa")
    b.commit()
    return S


def _pay(client, s, method="card", amount="1300,00"):
    data = {f"pay-{s.account.id}-{s.es.id}": "1", f"amount-{s.account.id}-{s.es.id}": amount,
            "method": method, "rules": "1"}
    return client.post(f"/personal-accounts/{s.account.id}/pay", data=data)


def _only_payment() -> Payment:
    db.session.expire_all()
    return db.session.scalars(select(Payment)).one()


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _notify(client, event, object_id, **extra):
    body = {"type": "notification", "event": event, "object": {"id": object_id, **extra}}
    return client.post(CALLBACK, data=json.dumps(body), content_type="application/json")


def _dead_url() -> str:
    """An API address on a local port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/v3"


def _bank(standin, pid: str, outcome: str, **details):
    """The payer paid (or the bank declined): through the stand-in's control endpoint."""
    answer = requests.post(f"{standin.base_url}/control/{pid}/{outcome}", json=details, timeout=5)
    assert answer.status_code == 200


def _paid_exports() -> int:
    return _count(ExportItem, ExportItem.kind == "payments")


def test_pay_creates_the_payment_at_yookassa_and_sends_the_consumer_there(client, login, setup, standin):
    login(setup.consumer)
    response = _pay(client, setup)
    payment = _only_payment()
    assert (payment.provider, payment.state, str(payment.amount)) == ("yookassa", PaymentState.PENDING, "1300.00")
    assert response.status_code == 302 and response.location == payment.confirmation_url
    assert payment.confirmation_url == f"{standin.base_url}/checkout/{payment.provider_payment_id}"
    sent = standin.created()
    assert len(sent) == 1 and sent[0]["headers"]["Idempotence-Key"] == payment.idempotency_key
    assert sent[0]["json"]["metadata"]["payment_id"] == str(payment.id)
    assert sent[0]["json"]["amount"] == {"value": "1300.00", "currency": "RUB"}
    assert sent[0]["json"]["confirmation"]["return_url"].endswith("/payments/returned")
    assert "6000000501" in sent[0]["json"]["description"]


def test_a_succeeded_notification_is_applied_only_after_the_api_confirms_it(client, login, setup, standin):
    login(setup.consumer)
    _pay(client, setup)
    pid = _only_payment().provider_payment_id
    client.get("/logout/")

    forged = _notify(client, "payment.succeeded", pid, status="succeeded")  # the API still says pending
    assert forged.status_code == 400 and "не подтверждено" in forged.get_json()["reason"]
    assert _only_payment().state == PaymentState.PENDING and _paid_exports() == 0
    assert _count(PaymentCallback, PaymentCallback.outcome == "refused") == 1

    _bank(standin, pid, "succeed")
    real = _notify(client, "payment.succeeded", pid, status="succeeded")
    assert real.status_code == 200 and real.get_json()["outcome"] == "applied"
    payment = _only_payment()
    assert payment.state == PaymentState.SUCCEEDED and payment.paid_at is not None
    assert _paid_exports() == 1  # one part, exported once

    replay = _notify(client, "payment.succeeded", pid, status="succeeded")
    assert replay.status_code == 200 and replay.get_json()["outcome"] == "duplicate"
    assert _paid_exports() == 1

    # a full refund (asked of ЮKassa), then its notification: the payment is refunded
    assert provider_for("yookassa").refund(payment, payment.amount).state == PaymentState.REFUNDED
    refund_id = next(iter(standin.refunds))
    answer = _notify(client, "refund.succeeded", refund_id, payment_id=pid)
    assert answer.status_code == 200 and _only_payment().state == PaymentState.REFUNDED


def test_the_return_page_asks_yookassa_and_shows_success(client, login, setup, standin):
    login(setup.consumer)
    _pay(client, setup)
    payment = _only_payment()
    _bank(standin, payment.provider_payment_id, "succeed")
    page = client.get(f"/payments/{payment.id}")
    assert page.status_code == 200 and "Платеж прошел успешно" in page.get_data(as_text=True)
    assert _only_payment().state == PaymentState.SUCCEEDED and _paid_exports() == 1


def test_a_declined_payment_fails_with_the_reason_in_russian(client, login, setup, standin):
    login(setup.consumer)
    _pay(client, setup)
    payment = _only_payment()
    _bank(standin, payment.provider_payment_id, "cancel", reason="insufficient_funds", party="payment_network")
    answer = _notify(client, "payment.canceled", payment.provider_payment_id)
    assert answer.status_code == 200 and answer.get_json()["outcome"] == "applied"
    payment = _only_payment()
    assert payment.state == PaymentState.FAILED
    assert payment.failure_reason == "Недостаточно средств на карте или счете" and _paid_exports() == 0
    page = client.get(f"/payments/{payment.id}").get_data(as_text=True)
    assert "Недостаточно средств на карте или счете" in page


def test_wrong_keys_or_the_api_down_refuse_the_form_with_a_message_and_leave_nothing_pending(
        app, client, login, setup, standin):
    login(setup.consumer)
    app.config["YOOKASSA_SECRET_KEY"] = "wrong"
    response = _pay(client, setup)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "ЮKassa не приняла идентификатор магазина или секретный ключ" in html
    assert 'value="1300,00"' in html  # what was typed survives
    assert _count(Payment) == 0 and standin.payments == {}

    app.config.update(YOOKASSA_SECRET_KEY=SECRET_KEY, YOOKASSA_API_URL=_dead_url())
    response = _pay(client, setup)
    assert response.status_code == 400
    assert "Платежный сервис ЮKassa сейчас недоступен" in response.get_data(as_text=True)
    assert _count(Payment) == 0
    answer = _notify(client, "payment.succeeded", "2f000001-000f-5000-9000-000000000001")
    assert answer.status_code == 400 and "недоступен" in answer.get_json()["reason"]


def test_the_admin_can_choose_yookassa(ctx):
    from app.core.settings import SPEC_BY_KEY

    assert "yookassa" in dict(SPEC_BY_KEY["payment_provider"].choices)
    assert isinstance(provider_for("yookassa"), yookassa.YooKassaProvider)
