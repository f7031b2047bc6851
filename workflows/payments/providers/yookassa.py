"""ЮKassa through its official SDK (yookassa 3.13.0): create, verify a notification, fetch, refund.

Configuration (docs/payments/yookassa.md): the shop id and the secret key from the settings
"yookassa_shop_id" / "yookassa_secret_key" when an admin filled them in, else from the server's
config or environment (YOOKASSA_SHOP_ID, YOOKASSA_SECRET_KEY); YOOKASSA_API_URL overrides the API
base (tests point it at a local stand-in); YOOKASSA_TIMEOUT (seconds, default 20) bounds a request.

The SDK keeps its configuration in class attributes (yookassa.Configuration) shared by every
thread, has no request timeout and turns a refused connection into an AttributeError. So each
call gets its own client (_Client: the shop's credentials, the base URL and a timeout on the
instance, the global Configuration never touched) through the SDK's own Payment and Refund classes
(they build their client in __init__, which a subclass replaces) — the one place the SDK is bent.

ЮKassa does not sign its notifications: a notification only names a payment, and the portal
fetches that payment back and trusts only what the API says (its status and amount). A
notification claiming what the API does not confirm is refused. Optionally the sender's address
must be one of ЮKassa's networks (YOOKASSA_CHECK_IP; off by default: behind a proxy every sender
is the proxy).
"""
import functools
import json
import logging
import os
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Mapping

import requests
from flask import current_app, has_request_context, request
from yookassa import Payment as SdkPayment
from yookassa import Refund as SdkRefund
from yookassa.client import ApiClient
from yookassa.domain.common import RequestObject, SecurityHelper, UserAgent
from yookassa.domain.exceptions import ApiError, BadRequestError, ForbiddenError, NotFoundError, UnauthorizedError

from app.core.errors import Invalid
from app.core.settings import get_setting
from app.models.payments import PaymentMethod, PaymentState as S
from workflows.payments.providers.base import CallbackEvent, CallbackRefused, Created, Status, register

log = logging.getLogger(__name__)

NAME = "yookassa"
API_URL = "https://api.yookassa.ru/v3"

MSG_NOT_CONFIGURED = "Оплата через ЮKassa не настроена: не указаны идентификатор магазина и секретный ключ."
MSG_CREDENTIALS = "ЮKassa не приняла идентификатор магазина или секретный ключ — сообщите администратору портала."
MSG_UNREACHABLE = "Платежный сервис ЮKassa сейчас недоступен."
#: what the failure means to the consumer, by call: nothing is stuck, nothing is taken unsaid
OUTCOME = {"create": "Оплата не выполнена, деньги не списаны. Повторите попытку позже.",
           "fetch": "Состояние платежа пока не известно: обновите страницу позже.",
           "verify": "Уведомление будет принято при повторной отправке.",
           "refund": "Возврат не выполнен. Повторите попытку позже."}
MSG_REFUSED = "ЮKassa отклонила запрос: %s"

#: ЮKassa's cancellation_details.reason → what the consumer reads
#: (https://yookassa.ru/developers/payment-acceptance/after-the-payment/declined-payments)
REASONS = {
    "3d_secure_failed": "Не пройдена аутентификация по 3-D Secure",
    "call_issuer": "Оплата отклонена банком, выпустившим карту: обратитесь в банк",
    "canceled_by_merchant": "Платеж отменен",
    "card_expired": "Истек срок действия карты",
    "country_forbidden": "Оплата картой банка этой страны недоступна",
    "expired_on_capture": "Истек срок подтверждения платежа",
    "expired_on_confirmation": "Истекло время на оплату: платеж не был подтвержден",
    "fraud_suspected": "Платеж заблокирован из-за подозрения в мошенничестве",
    "general_decline": "Платеж отклонен без объяснения причины",
    "identification_required": "Превышены ограничения на платежи для кошелька ЮMoney",
    "insufficient_funds": "Недостаточно средств на карте или счете",
    "internal_timeout": "Технические неполадки на стороне ЮKassa: платеж не выполнен",
    "invalid_card_number": "Неправильно указан номер карты",
    "invalid_csc": "Неправильно указан код CVV2 (CVC2, CID)",
    "issuer_unavailable": "Банк, выпустивший карту, недоступен",
    "payment_method_limit_exceeded": "Исчерпан лимит платежей для этого способа оплаты",
    "payment_method_restricted": "Операции этим способом оплаты запрещены",
    "permission_revoked": "Разрешение на списание отозвано",
}
#: reasons that mean nobody paid rather than a refusal: the payment is canceled, not failed
NOT_PAID = frozenset({"expired_on_confirmation", "canceled_by_merchant"})
#: notification events → the ЮKassa status the API must confirm
EVENTS = {"payment.succeeded": "succeeded", "payment.canceled": "canceled",
          "payment.waiting_for_capture": "waiting_for_capture", "refund.succeeded": None}


class YooKassaError(Invalid):
    """ЮKassa could not be asked or refused the request; `message` says what the consumer does.
    An Invalid: the payment form shows it and is rolled back (no payment left pending)."""

    category = "danger"


class _Unreachable(Exception):
    """No answer from the API (refused connection, timeout, not JSON)."""


@dataclass(frozen=True)
class Config:
    shop_id: str
    secret_key: str
    api_url: str
    timeout: float


def config() -> Config:
    """The shop's credentials: the admin's settings first, then the server's config/environment."""
    cfg = current_app.config

    def value(setting: str, key: str, default: str = "") -> str:
        stored = get_setting(setting, "") if setting else ""
        return str(stored or cfg.get(key) or os.environ.get(key) or default).strip()

    return Config(shop_id=value("yookassa_shop_id", "YOOKASSA_SHOP_ID"),
                  secret_key=value("yookassa_secret_key", "YOOKASSA_SECRET_KEY"),
                  api_url=value("", "YOOKASSA_API_URL", API_URL).rstrip("/"),
                  timeout=float(cfg.get("YOOKASSA_TIMEOUT") or os.environ.get("YOOKASSA_TIMEOUT") or 20))


class _Client(ApiClient):
    """The SDK's client with this call's credentials, base URL and timeout (see the module doc)."""

    def __init__(self, conf: Config):  # the SDK's __init__ reads the global Configuration: not called
        self.configuration = SimpleNamespace(verify=None)
        self.endpoint = conf.api_url
        self.shop_id, self.shop_password, self.auth_token = conf.shop_id, conf.secret_key, None
        self.timeout, self.max_attempts = 1800, 3  # the SDK's pause (ms) and retries on a 202 answer
        self.user_agent = UserAgent()
        self.http_timeout = conf.timeout

    def get_session(self):
        session = super().get_session()
        session.request = functools.partial(session.request, timeout=self.http_timeout)
        return session

    def request(self, method="", path="", query_params=None, headers=None, body=None):
        if isinstance(body, RequestObject):
            body.validate()
            body = dict(body)
        try:
            raw = self.execute(body, method, path, query_params, self.prepare_request_headers(headers))
        except requests.HTTPError as exc:  # the SDK's execute raises for 4xx/5xx (raise_for_status)
            raw = exc.response
        except requests.RequestException as exc:
            raise _Unreachable(str(exc)) from exc
        try:
            if raw.status_code != 200:
                self._ApiClient__handle_error(raw)  # the SDK's error classes by HTTP status
            return raw.json()
        except ValueError as exc:  # an answer that is not JSON (a proxy's error page)
            raise _Unreachable(f"HTTP {raw.status_code}: {exc}") from exc


def _sdk(conf: Config):
    """The SDK's Payment and Refund bound to a client of `conf`."""
    if not conf.shop_id or not conf.secret_key:
        raise YooKassaError(MSG_NOT_CONFIGURED)

    class BoundPayment(SdkPayment):
        def __init__(self):
            self.client = _Client(conf)

    class BoundRefund(SdkRefund):
        def __init__(self):
            self.client = _Client(conf)

    return BoundPayment, BoundRefund


def _calling(what: str, call):
    """Run one API call; its failures as YooKassaError with a message for the consumer."""
    try:
        return call()
    except _Unreachable as exc:
        log.warning("ЮKassa unreachable (%s): %s", what, exc)
        raise YooKassaError(f"{MSG_UNREACHABLE} {OUTCOME[what]}") from exc
    except (UnauthorizedError, ForbiddenError) as exc:
        log.error("ЮKassa refused the shop's credentials (%s): %s", what, exc.content)
        raise YooKassaError(f"{MSG_CREDENTIALS} {OUTCOME[what]}") from exc
    except NotFoundError:
        raise
    except BadRequestError as exc:
        log.error("ЮKassa refused %s: %s", what, exc.content)
        raise YooKassaError(MSG_REFUSED % (exc.content or {}).get("description", "")) from exc
    except ApiError as exc:  # 429, 500 and the like: ЮKassa asks to retry later
        log.warning("ЮKassa answered an error (%s): %s", what, exc.content)
        raise YooKassaError(f"{MSG_UNREACHABLE} {OUTCOME[what]}") from exc
    except (ValueError, TypeError) as exc:  # the SDK's own checks of a request (an id's format…)
        log.error("ЮKassa SDK refused %s: %s", what, exc)
        raise YooKassaError(MSG_REFUSED % exc) from exc


def _when(text) -> datetime | None:
    """ЮKassa's ISO 8601 UTC time as a naive UTC datetime (the portal stores UTC)."""
    if not text:
        return None
    return datetime.fromisoformat(str(text).replace("Z", "+00:00")).replace(tzinfo=None)


def status_of(found) -> Status:
    """A payment as the API returned it (the SDK's PaymentResponse) → the portal's Status."""
    amount = Decimal(str(found.amount.value)) if found.amount else None
    refunded = getattr(found, "refunded_amount", None)
    if found.status == "succeeded":
        full = refunded is not None and amount is not None and Decimal(str(refunded.value)) >= amount
        return Status(S.REFUNDED if full else S.SUCCEEDED, amount, None, _when(found.captured_at))
    if found.status == "canceled":
        code = getattr(found.cancellation_details, "reason", None) or ""
        state = S.CANCELED if code in NOT_PAID else S.FAILED
        return Status(state, amount, REASONS.get(code, "Платеж отклонен платежным сервисом"), None)
    return Status(S.PENDING, amount, None, None)  # pending, waiting_for_capture


def _request(payment, return_url: str, description: str) -> dict:
    body = {"amount": {"value": f"{payment.amount:.2f}", "currency": "RUB"}, "capture": True,
            "description": description[:128], "metadata": {"payment_id": str(payment.id)}}
    if payment.method == PaymentMethod.SBP:
        body.update(payment_method_data={"type": "sbp"}, confirmation={"type": "qr"})
    else:
        body.update(payment_method_data={"type": "bank_card"},
                    confirmation={"type": "redirect", "return_url": return_url})
    return body


def _sender_trusted() -> bool:
    """The notification came from ЮKassa's networks, when the check is on (YOOKASSA_CHECK_IP)."""
    cfg = current_app.config
    if not (cfg.get("YOOKASSA_CHECK_IP") or os.environ.get("YOOKASSA_CHECK_IP") in ("1", "true", "yes")):
        return True
    address = request.remote_addr if has_request_context() else None
    networks = cfg.get("YOOKASSA_TRUSTED_NETWORKS") or SecurityHelper.YOOKASSA_NETWORKS
    try:
        return bool(address) and any(SecurityHelper.is_ip_in_network(address, net) for net in networks)
    except Exception:  # netaddr: not an address
        return False


#: what a ЮKassa id looks like (36 characters, hex and dashes); anything else is not asked about
_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")


def _notification(body: bytes) -> tuple[str, str, str]:
    """(event, the object's id, the payment's id) of a well-formed notification."""
    try:
        data = json.loads(body)
        event, obj = data["event"], data["object"]
        object_id = str(obj["id"])
        payment_id = str(obj.get("payment_id") or object_id) if event.startswith("refund.") else object_id
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise CallbackRefused("Уведомление ЮKassa не разобрано: нет события или платежа.") from exc
    if data.get("type") != "notification" or event not in EVENTS:
        raise CallbackRefused(f"Уведомление ЮKassa с неизвестным событием: {event!r}.")
    if not (_ID.fullmatch(object_id) and _ID.fullmatch(payment_id)):  # it becomes part of an API path
        raise CallbackRefused("Уведомление ЮKassa с недопустимым идентификатором.")
    return event, object_id, payment_id


class YooKassaProvider:
    name = NAME

    def __init__(self, conf: Config | None = None):
        self.conf = conf or config()

    def create(self, payment, *, return_url: str, description: str) -> Created:
        """Payment.create with the payment's idempotency key: a retry returns the same payment."""
        api, _refund = _sdk(self.conf)
        made = _calling("create", lambda: api.create(_request(payment, return_url, description),
                                                     idempotency_key=payment.idempotency_key))
        confirmation = made.confirmation
        url = getattr(confirmation, "confirmation_url", None) or getattr(confirmation, "confirmation_data", None)
        return Created(provider_payment_id=made.id, confirmation_url=url or "", state=status_of(made).state)

    def fetch(self, provider_payment_id: str) -> Status:
        api, _refund = _sdk(self.conf)
        try:
            return status_of(_calling("fetch", lambda: api.find_one(provider_payment_id)))
        except NotFoundError as exc:
            raise YooKassaError(MSG_REFUSED % "платеж не найден") from exc

    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> CallbackEvent:
        """Fetch the payment the notification names and trust only the API's answer."""
        if not _sender_trusted():
            raise CallbackRefused("Уведомление пришло не из сетей ЮKassa.")
        event, object_id, payment_id = _notification(body)
        try:
            api, refunds = _sdk(self.conf)
            if event.startswith("refund."):  # the refund itself must exist and be of that payment
                refund = _calling("verify", lambda: refunds.find_one(object_id))
                if refund.payment_id != payment_id or refund.status != "succeeded":
                    raise CallbackRefused("Уведомление о возврате не подтверждено ЮKassa.")
            found = _calling("verify", lambda: api.find_one(payment_id))
        except NotFoundError as exc:
            raise CallbackRefused("ЮKassa не знает такого платежа или возврата.", unknown=True) from exc
        except YooKassaError as exc:  # fail closed: not confirmed, not applied; ЮKassa repeats it
            raise CallbackRefused(f"Уведомление не проверено: {exc.message}") from exc
        claimed = EVENTS[event]
        if claimed is not None and found.status != claimed:
            raise CallbackRefused(f"Уведомление «{event}» не подтверждено: ЮKassa сообщает статус "
                                  f"«{found.status}».")
        now = status_of(found)
        return CallbackEvent(event_key=f"{event}:{object_id}", provider_payment_id=payment_id,
                             state=now.state, amount=now.amount, failure_reason=now.failure_reason)

    def refund(self, payment, amount: Decimal) -> Status:
        """Refund.create with its own key (derived from the payment's: a retry refunds once)."""
        _api, api = _sdk(self.conf)
        key = uuid.uuid5(uuid.NAMESPACE_URL, f"refund:{payment.idempotency_key}:{amount:.2f}").hex
        body = {"payment_id": payment.provider_payment_id,
                "amount": {"value": f"{amount:.2f}", "currency": "RUB"}}
        done = _calling("refund", lambda: api.create(body, idempotency_key=key))
        if done.status == "canceled":
            code = getattr(done.cancellation_details, "reason", None) or ""
            raise YooKassaError(MSG_REFUSED % REASONS.get(code, "возврат отменен"))
        return self.fetch(payment.provider_payment_id)


register(NAME, YooKassaProvider)
