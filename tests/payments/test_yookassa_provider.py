"""The ЮKassa provider through the official SDK against the local stand-in (tests/payments/
yookassa_standin.py): what it sends, how it reads the answers, how it fails — closed, with a message."""
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest

from app.models.payments import PaymentState
from tests.payments.yookassa_standin import SECRET_KEY, SHOP_ID, standin, standin_down  # noqa: F401 (fixtures)
from workflows.payments.providers import yookassa
from workflows.payments.providers.base import CallbackRefused, provider_for


def _payment(method="card", amount="1234.56", key="key-1", pid=None):
    return SimpleNamespace(id=41, amount=Decimal(amount), method=method, idempotency_key=key,
                           provider_payment_id=pid)


def _notice(event, object_id, **extra):
    return json.dumps({"type": "notification", "event": event, "object": {"id": object_id, **extra}}).encode()


@pytest.fixture
def kassa(ctx, standin):
    return provider_for("yookassa")


def test_create_sends_the_idempotence_key_and_a_retry_returns_the_same_payment(kassa, standin):
    first = kassa.create(_payment(), return_url="https://portal.example/payments/returned", description="Оплата")
    again = kassa.create(_payment(), return_url="https://portal.example/payments/returned", description="Оплата")
    assert again == first and first.state == PaymentState.PENDING
    assert len(standin.payments) == 1 and len(standin.created()) == 2
    sent = standin.created()[0]
    assert sent["headers"]["Idempotence-Key"] == "key-1"
    body = sent["json"]
    assert body["amount"] == {"value": "1234.56", "currency": "RUB"} and body["capture"] is True
    assert body["confirmation"] == {"type": "redirect", "return_url": "https://portal.example/payments/returned"}
    assert body["payment_method_data"] == {"type": "bank_card"}
    assert body["metadata"]["payment_id"] == "41" and body["description"] == "Оплата"
    assert first.confirmation_url == f"{standin.base_url}/checkout/{first.provider_payment_id}"


def test_another_key_is_another_payment(kassa, standin):
    one = kassa.create(_payment(key="a"), return_url="https://x/r", description="d")
    two = kassa.create(_payment(key="b"), return_url="https://x/r", description="d")
    assert one.provider_payment_id != two.provider_payment_id and len(standin.payments) == 2


def test_sbp_asks_for_a_qr_and_the_consumer_goes_to_its_link(kassa, standin):
    made = kassa.create(_payment(method="sbp", amount="10"), return_url="https://x/r", description="d")
    body = standin.created()[0]["json"]
    assert body["payment_method_data"] == {"type": "sbp"} and body["confirmation"] == {"type": "qr"}
    assert body["amount"]["value"] == "10.00"
    assert made.confirmation_url.startswith("https://qr.nspk.ru/")


def test_fetch_follows_the_payment(kassa, standin):
    pid = kassa.create(_payment(), return_url="https://x/r", description="d").provider_payment_id
    assert kassa.fetch(pid) == yookassa.Status(PaymentState.PENDING, Decimal("1234.56"))
    standin.succeed(pid)
    done = kassa.fetch(pid)
    assert (done.state, done.amount, done.failure_reason) == (PaymentState.SUCCEEDED, Decimal("1234.56"), None)
    assert done.paid_at is not None and done.paid_at.tzinfo is None  # naive UTC, as the portal stores


@pytest.mark.parametrize("reason, state, words", [
    ("insufficient_funds", PaymentState.FAILED, "Недостаточно средств на карте или счете"),
    ("card_expired", PaymentState.FAILED, "Истек срок действия карты"),
    ("fraud_suspected", PaymentState.FAILED, "подозрения в мошенничестве"),
    ("expired_on_confirmation", PaymentState.CANCELED, "Истекло время на оплату"),
    ("something_new", PaymentState.FAILED, "Платеж отклонен платежным сервисом"),
])
def test_a_canceled_payment_says_why_in_russian(kassa, standin, reason, state, words):
    pid = kassa.create(_payment(), return_url="https://x/r", description="d").provider_payment_id
    standin.cancel(pid, reason=reason)
    status = kassa.fetch(pid)
    assert status.state == state and words in status.failure_reason


def test_refund_with_its_own_key_refunds_once(kassa, standin):
    pid = kassa.create(_payment(), return_url="https://x/r", description="d").provider_payment_id
    standin.succeed(pid)
    first = kassa.refund(_payment(pid=pid), Decimal("1234.56"))
    again = kassa.refund(_payment(pid=pid), Decimal("1234.56"))  # a retry: the same key, one refund
    assert first.state == again.state == PaymentState.REFUNDED and len(standin.refunds) == 1
    keys = {r["headers"]["Idempotence-Key"] for r in standin.seen if r["path"] == "/v3/refunds"}
    assert len(keys) == 1 and "key-1" not in keys
    assert standin.payments[pid]["refunded_amount"]["value"] == "1234.56"


def test_refund_of_an_unpaid_payment_is_refused_with_the_reason(kassa, standin):
    pid = kassa.create(_payment(), return_url="https://x/r", description="d").provider_payment_id
    with pytest.raises(yookassa.YooKassaError, match="ЮKassa отклонила запрос: Payment can't be refunded"):
        kassa.refund(_payment(pid=pid), Decimal("1234.56"))


def test_wrong_credentials_are_a_clear_error(app, ctx, standin):
    app.config["YOOKASSA_SECRET_KEY"] = "not-the-key"
    with pytest.raises(yookassa.YooKassaError) as refused:
        provider_for("yookassa").create(_payment(), return_url="https://x/r", description="d")
    assert refused.value.message == f"{yookassa.MSG_CREDENTIALS} {yookassa.OUTCOME['create']}"
    assert "администратору портала" in refused.value.message and "деньги не списаны" in refused.value.message
    assert standin.payments == {}


def test_no_credentials_is_said_before_asking(app, ctx, standin):
    app.config["YOOKASSA_SHOP_ID"] = ""
    with pytest.raises(yookassa.YooKassaError, match="не указаны идентификатор магазина"):
        provider_for("yookassa").create(_payment(), return_url="https://x/r", description="d")
    assert standin.seen == []


def test_the_admins_settings_win_over_the_server_config(app, ctx, standin):
    from app.core.settings import set_setting

    set_setting("yookassa_secret_key", "typed-by-admin")
    assert yookassa.config().secret_key == "typed-by-admin" and yookassa.config().shop_id == SHOP_ID
    set_setting("yookassa_secret_key", "")
    assert yookassa.config().secret_key == SECRET_KEY


def test_the_api_down_fails_closed_with_a_message(ctx, standin_down):
    kassa = provider_for("yookassa")
    pid = "2f000001-000f-5000-9000-000000000001"
    for call, says in ((lambda: kassa.create(_payment(), return_url="https://x/r", description="d"),
                        "Оплата не выполнена, деньги не списаны"),
                       (lambda: kassa.fetch(pid), "Состояние платежа пока не известно"),
                       (lambda: kassa.refund(_payment(pid=pid), Decimal("1.00")), "Возврат не выполнен")):
        with pytest.raises(yookassa.YooKassaError) as refused:
            call()
        assert refused.value.message.startswith(yookassa.MSG_UNREACHABLE) and says in refused.value.message
    with pytest.raises(CallbackRefused, match="не проверено: Платежный сервис ЮKassa сейчас недоступен"):
        kassa.verify_callback({}, _notice("payment.succeeded", pid))


# ---- notifications: verified by fetching the payment back ----------------------------------------

def test_a_notification_confirmed_by_the_api_is_an_event(kassa, standin):
    pid = kassa.create(_payment(), return_url="https://x/r", description="d").provider_payment_id
    standin.succeed(pid)
    event = kassa.verify_callback({}, _notice("payment.succeeded", pid, status="succeeded"))
    assert event == yookassa.CallbackEvent(f"payment.succeeded:{pid}", pid, PaymentState.SUCCEEDED,
                                           Decimal("1234.56"), None)
    fetched = [r for r in standin.seen if r["method"] == "GET"]
    assert [r["path"] for r in fetched] == [f"/v3/payments/{pid}"]


def test_a_forged_succeeded_notification_is_refused_when_the_api_says_pending(kassa, standin):
    pid = kassa.create(_payment(), return_url="https://x/r", description="d").provider_payment_id
    forged = _notice("payment.succeeded", pid, status="succeeded", amount={"value": "1234.56", "currency": "RUB"})
    with pytest.raises(CallbackRefused, match="не подтверждено: ЮKassa сообщает статус «pending»"):
        kassa.verify_callback({}, forged)


def test_the_amount_is_the_apis_not_the_notifications(kassa, standin):
    pid = kassa.create(_payment(amount="10.00"), return_url="https://x/r", description="d").provider_payment_id
    standin.succeed(pid)
    event = kassa.verify_callback({}, _notice("payment.succeeded", pid, amount={"value": "99999.00"}))
    assert event.amount == Decimal("10.00")


def test_a_canceled_notification_carries_the_reason(kassa, standin):
    pid = kassa.create(_payment(), return_url="https://x/r", description="d").provider_payment_id
    standin.cancel(pid, reason="insufficient_funds")
    event = kassa.verify_callback({}, _notice("payment.canceled", pid))
    assert (event.state, event.failure_reason) == (PaymentState.FAILED, "Недостаточно средств на карте или счете")


def test_a_refund_notification_names_the_refund_and_its_payment(kassa, standin):
    pid = kassa.create(_payment(), return_url="https://x/r", description="d").provider_payment_id
    standin.succeed(pid)
    kassa.refund(_payment(pid=pid), Decimal("1234.56"))
    refund_id = next(iter(standin.refunds))
    event = kassa.verify_callback({}, _notice("refund.succeeded", refund_id, payment_id=pid))
    assert (event.event_key, event.provider_payment_id, event.state) == (
        f"refund.succeeded:{refund_id}", pid, PaymentState.REFUNDED)


def test_a_refund_notification_the_api_does_not_confirm_is_refused(kassa, standin):
    pid = kassa.create(_payment(), return_url="https://x/r", description="d").provider_payment_id
    other = kassa.create(_payment(key="other"), return_url="https://x/r", description="d").provider_payment_id
    standin.succeed(pid)
    kassa.refund(_payment(pid=pid), Decimal("1234.56"))
    refund_id = next(iter(standin.refunds))
    with pytest.raises(CallbackRefused, match="о возврате не подтверждено"):  # a refund of another payment
        kassa.verify_callback({}, _notice("refund.succeeded", refund_id, payment_id=other))
    with pytest.raises(CallbackRefused) as made_up:
        kassa.verify_callback({}, _notice("refund.succeeded", "rf" + "0" * 34, payment_id=pid))
    assert made_up.value.unknown


@pytest.mark.parametrize("body, unknown", [
    (b"not json", False),
    (b"[]", False),
    (json.dumps({"type": "notification", "event": "payment.succeeded"}).encode(), False),
    (json.dumps({"type": "notification", "event": "payout.succeeded", "object": {"id": "x"}}).encode(), False),
    (json.dumps({"type": "other", "event": "payment.succeeded", "object": {"id": "x"}}).encode(), False),
    (_notice("payment.succeeded", "../refunds/2f000001-000f-5000-9000-000000000001"), False),
    (_notice("payment.succeeded", ""), False),
    (_notice("payment.succeeded", "2f999999-nope"), True),
])
def test_malformed_or_unknown_notifications_are_refused(kassa, standin, body, unknown):
    with pytest.raises(CallbackRefused) as refused:
        kassa.verify_callback({}, body)
    assert refused.value.unknown is unknown


def test_the_sender_check_when_on(app, kassa, standin):
    pid = kassa.create(_payment(), return_url="https://x/r", description="d").provider_payment_id
    standin.succeed(pid)
    app.config["YOOKASSA_CHECK_IP"] = True
    try:
        with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.5"}):
            with pytest.raises(CallbackRefused, match="не из сетей ЮKassa"):
                kassa.verify_callback({}, _notice("payment.succeeded", pid))
        with app.test_request_context(environ_base={"REMOTE_ADDR": "185.71.76.7"}):
            assert kassa.verify_callback({}, _notice("payment.succeeded", pid)).state == PaymentState.SUCCEEDED
    finally:
        app.config.pop("YOOKASSA_CHECK_IP")


# ---- the API misbehaving -------------------------------------------------------------------------

@pytest.mark.parametrize("status, kind, body", [
    (502, "text/html", "<html><body>502 Bad Gateway</body></html>"),  # a proxy's page, not JSON
    (500, "application/json", '{"type": "error", "code": "internal_server_error", "description": "x"}'),
    (429, "application/json", '{"type": "error", "code": "too_many_requests", "description": "x"}'),
])
def test_an_error_answer_is_unreachable_not_a_crash(kassa, standin, status, kind, body):
    standin.fail_next = (status, kind, body)
    with pytest.raises(yookassa.YooKassaError) as refused:
        kassa.create(_payment(), return_url="https://x/r", description="d")
    assert refused.value.message == f"{yookassa.MSG_UNREACHABLE} {yookassa.OUTCOME['create']}"
    assert standin.payments == {}


def test_an_api_that_does_not_answer_times_out(app, kassa, standin):
    import threading

    app.config["YOOKASSA_TIMEOUT"] = 0.3
    standin.hold = threading.Event()
    try:
        with pytest.raises(yookassa.YooKassaError, match="сейчас недоступен"):
            provider_for("yookassa").create(_payment(), return_url="https://x/r", description="d")
    finally:
        standin.hold.set()
        app.config.pop("YOOKASSA_TIMEOUT")


def test_the_sdks_shared_configuration_is_never_touched(kassa, standin):
    from yookassa import Configuration

    pid = kassa.create(_payment(), return_url="https://x/r", description="d").provider_payment_id
    kassa.fetch(pid)
    assert (Configuration.account_id, Configuration.secret_key) == (None, None)
    assert Configuration.api_url == yookassa.API_URL
