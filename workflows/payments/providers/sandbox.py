"""«Песочница платежей»: the built-in provider for trying payments without a bank (D6, D9).

Its own page (/sandbox-pay/<id>, app/views/payments/providers.py) takes a card (checked by Luhn,
nothing stored) or shows a СБП QR of a fake link, with «Оплатить» and «Отменить». What happens then
follows the admin's switch (MODES, kept in settings): succeed, fail («Недостаточно средств на
карте»), delay (stays pending, succeeds on the first status fetch DELAY seconds after «Оплатить»),
the notification sent twice, or out of order (succeeded before pending).

Like a real acquirer it tells the portal by notifications signed with HMAC-SHA256 over the raw
body (header SIGNATURE_HEADER; secret SANDBOX_PAYMENT_SECRET, derived from SECRET_KEY when unset).
They are delivered after the commit as jobs (workflows.payments.callbacks.deliver), each in its own
transaction, through the same handler as POST /payments/callback/sandbox: the portal is the
sandbox's only client, so no network and no nested request are needed, and the signature is
still checked.

The sandbox keeps no books of its own: its record of a payment is the portal's Payment (the amount,
the id it gave), and the moment «Оплатить» was pressed in delay mode travels in its pending
notification («ready_at»), kept by the portal as received (PaymentCallback) — fetch reads it back.
"""
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

import segno
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from app.core.errors import Invalid, NotFound
from app.core.jobs.queue import enqueue_after_commit
from app.core.settings import get_setting, set_setting
from app.core.urls import absolute_url
from app.extensions import db
from app.models.base import utcnow
from app.models.payments import Payment, PaymentCallback, PaymentMethod, PaymentState as S
from app.security.access import ensure_own_payment
from workflows.payments.providers.base import CallbackEvent, CallbackRefused, Created, Status, register

NAME = "sandbox"
SIGNATURE_HEADER = "X-Sandbox-Signature"
SUCCEED, FAIL, DELAY, TWICE, OUT_OF_ORDER = "succeed", "fail", "delay", "twice", "out_of_order"
MODES = {
    SUCCEED: "Оплата проходит",
    FAIL: "Оплата отклоняется («Недостаточно средств на карте»)",
    DELAY: "Оплата задерживается (проходит при запросе статуса через заданное время)",
    TWICE: "Уведомление об оплате приходит дважды",
    OUT_OF_ORDER: "Уведомления приходят не по порядку (сначала «оплачен», потом «ожидает»)",
}
MODE_SETTING, DELAY_SETTING = "sandbox_payment_mode", "sandbox_payment_delay"
DEFAULT_DELAY = 30
FAIL_REASON = "Недостаточно средств на карте"
CANCEL_REASON = "Оплата отменена плательщиком"
#: the fake link the СБП QR of the sandbox page encodes
SBP_LINK = "https://qr.nspk.ru/sandbox/{id}?amount={amount}"
_JOB = "workflows.payments.callbacks.deliver"


def mode() -> str:
    value = get_setting(MODE_SETTING, SUCCEED)
    return value if value in MODES else SUCCEED


def is_active() -> bool:
    """New payments go to the sandbox (setting "payment_provider")."""
    return get_setting("payment_provider") == NAME


def delay_seconds() -> int:
    return int(get_setting(DELAY_SETTING, DEFAULT_DELAY) or 0)


def switch(new_mode: str, delay: int, actor=None) -> None:
    """The admin's switch on «Песочница платежей»; the form checked the values."""
    from app.core.audit import record as audit

    before = {"mode": mode(), "delay": delay_seconds()}
    set_setting(MODE_SETTING, new_mode, actor)
    set_setting(DELAY_SETTING, int(delay), actor)
    audit("payment.sandbox", None, actor=actor, before=before, after={"mode": new_mode, "delay": int(delay)},
          object_type="PaymentSandbox")


def _secret() -> bytes:
    configured = current_app.config.get("SANDBOX_PAYMENT_SECRET")
    if configured:
        return configured.encode()
    return hmac.new(str(current_app.config["SECRET_KEY"]).encode(), b"sandbox-payment", hashlib.sha256).digest()


def sign(body: bytes) -> str:
    return "sha256=" + hmac.new(_secret(), body, hashlib.sha256).hexdigest()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(_secret(), salt="sandbox-payment-page")


def page_context(token: str | None) -> dict:
    """The return address and description the portal gave at creation, signed into the page link."""
    try:
        data = _serializer().loads(token or "")
    except BadSignature:
        data = {}
    return {"return_url": data.get("r") or "/", "description": data.get("d") or ""}


def notification(payment: Payment, state: str, *, failure_reason=None, ready_at=None, event_id=None) -> bytes:
    """The raw body of a notification, as the sandbox sends it."""
    body = {"event_id": event_id or uuid.uuid4().hex, "event": f"payment.{state}",
            "payment_id": payment.provider_payment_id, "state": state, "amount": format(payment.amount, "f"),
            "failure_reason": failure_reason, "ready_at": ready_at.isoformat() if ready_at else None}
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode()


def send(body: bytes) -> None:
    """Deliver a signed notification after the commit (a job of its own)."""
    enqueue_after_commit(_JOB, NAME, {SIGNATURE_HEADER: sign(body)}, body.decode())


def pay(payment: Payment) -> None:
    """«Оплатить» on the sandbox page: the outcome the admin's switch chose, told by notifications."""
    current = mode()
    if current == FAIL:
        send(notification(payment, S.FAILED, failure_reason=FAIL_REASON))
    elif current == DELAY:
        ready = utcnow() + timedelta(seconds=delay_seconds())
        send(notification(payment, S.PENDING, ready_at=ready))
    elif current == TWICE:
        body = notification(payment, S.SUCCEEDED)
        send(body)
        send(body)
    elif current == OUT_OF_ORDER:
        send(notification(payment, S.SUCCEEDED))
        send(notification(payment, S.PENDING))
    else:
        send(notification(payment, S.SUCCEEDED))


def cancel(payment: Payment) -> None:
    """«Отменить» on the sandbox page."""
    send(notification(payment, S.CANCELED, failure_reason=CANCEL_REASON))


def _ready_at(payment: Payment) -> datetime | None:
    """When a delayed payment succeeds: from the sandbox's own pending notification."""
    bodies = db.session.scalars(select(PaymentCallback.body).where(
        PaymentCallback.provider == NAME, PaymentCallback.payment_id == payment.id,
        PaymentCallback.outcome != "refused").order_by(PaymentCallback.id.desc())).all()
    for body in bodies:
        if body and body.get("ready_at"):
            return datetime.fromisoformat(body["ready_at"])
    return None


class SandboxProvider:
    name = NAME

    def create(self, payment, *, return_url: str, description: str) -> Created:
        provider_payment_id = f"sbx-{uuid.uuid4().hex}"
        token = _serializer().dumps({"r": return_url, "d": description})
        url = absolute_url("SandboxPayView.page", provider_payment_id=provider_payment_id, t=token)
        return Created(provider_payment_id=provider_payment_id, confirmation_url=url, state=S.PENDING)

    def verify_callback(self, headers, body: bytes) -> CallbackEvent:
        given = headers.get(SIGNATURE_HEADER) or ""
        if not hmac.compare_digest(given.encode(), sign(body).encode()):
            raise CallbackRefused("подпись уведомления не совпала")
        try:
            data = json.loads(body)
            amount = Decimal(data["amount"]) if data.get("amount") is not None else None
            event = CallbackEvent(event_key=str(data["event_id"])[:128], provider_payment_id=str(data["payment_id"]),
                                  state=data["state"], amount=amount, failure_reason=data.get("failure_reason"))
        except (ValueError, KeyError, TypeError, InvalidOperation) as exc:
            raise CallbackRefused(f"уведомление не разобрано: {exc.__class__.__name__}") from exc
        if event.state not in (S.PENDING, S.SUCCEEDED, S.CANCELED, S.FAILED, S.REFUNDED):
            raise CallbackRefused(f"неизвестный статус {event.state!r}")
        return event

    def fetch(self, provider_payment_id: str) -> Status:
        payment = db.session.scalar(select(Payment).where(Payment.provider == NAME,
                                                          Payment.provider_payment_id == provider_payment_id))
        if payment is None:
            raise NotFound()
        if payment.state == S.PENDING:
            ready = _ready_at(payment)
            if ready is not None and utcnow() >= ready:
                return Status(S.SUCCEEDED, payment.amount, paid_at=utcnow())
        return Status(payment.state, payment.amount, payment.failure_reason, payment.paid_at)

    def refund(self, payment, amount: Decimal) -> Status:
        return Status(S.REFUNDED, amount)


register(NAME, SandboxProvider)


# ---- the sandbox's own page (app/views/payments/providers.py) --------------------------------

@dataclass(frozen=True)
class SandboxPage:
    payment: Payment
    return_url: str
    description: str
    #: СБП: the QR of a fake payment link, as inline SVG
    qr_svg: str | None
    mode: str


def own_payment(actor, provider_payment_id: str) -> Payment:
    """The payment behind a sandbox page, if it is the actor's own (anyone else: 404)."""
    payment = db.session.scalar(select(Payment).where(Payment.provider == NAME,
                                                      Payment.provider_payment_id == provider_payment_id))
    return ensure_own_payment(actor, payment.id if payment is not None else 0)


def page(actor, provider_payment_id: str, token: str | None) -> SandboxPage:
    payment = own_payment(actor, provider_payment_id)
    qr = None
    if payment.method == PaymentMethod.SBP:
        link = SBP_LINK.format(id=payment.provider_payment_id, amount=format(payment.amount, "f"))
        qr = segno.make(link, error="m").svg_inline(scale=5, title="QR-код СБП")
    return SandboxPage(payment, mode=MODES[mode()], qr_svg=qr, **page_context(token))


def press(actor, provider_payment_id: str, action: str) -> Payment:
    """«Оплатить» or «Отменить» on the sandbox page of a pending payment."""
    payment = own_payment(actor, provider_payment_id)
    if payment.state != S.PENDING:
        raise Invalid(_("Платеж уже завершен, повторно оплатить его нельзя."))
    if action == "cancel":
        cancel(payment)
    else:
        pay(payment)
    return payment
