"""The webhook transport of the outbox (G2): one signed POST per attempt, logged as a WebhookAttempt.

The signature is HMAC-SHA256 with the endpoint's secret over `<timestamp>.<body>`, sent as
`X-Kabinet-Signature: t=<timestamp>,v1=<hex>` beside `X-Kabinet-Event-Id` (docs/webhooks.md shows
how a receiver checks it). Redirects are not followed (http.client follows none); an address that
resolves to an internal network (loopback, private, link-local, …) is refused unless
WEBHOOK_ALLOW_PRIVATE, and the connection goes to the address that was checked, so a second DNS
answer cannot point it elsewhere.
"""
import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
import time
import urllib.parse

from flask import current_app

from app.core.notifications.transports import DeliveryError, _before_handoff
from app.core.sealing import unseal
from app.extensions import db
from app.models.base import utcnow
from app.models.webhooks import WebhookAttempt, WebhookEndpoint

SIGNATURE_HEADER = "X-Kabinet-Signature"
EVENT_ID_HEADER = "X-Kabinet-Event-Id"
EVENT_TYPE_HEADER = "X-Kabinet-Event"
USER_AGENT = "Kabinet-Webhooks/1"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={sign(secret, timestamp, body)}"


def url_problem(url: str) -> str | None:
    """Why `url` cannot be an endpoint (a Russian message), or None."""
    parts = urllib.parse.urlsplit((url or "").strip())
    allowed = ("https", "http") if current_app.config["WEBHOOK_ALLOW_HTTP"] else ("https",)
    if parts.scheme not in allowed:
        return "Адрес должен начинаться с https://" if allowed == ("https",) else "Адрес должен начинаться с https:// или http://"
    if not parts.hostname or parts.username or parts.password:
        return "Укажите адрес вида https://example.ru/hooks (без логина и пароля)"
    try:
        parts.port
    except ValueError:
        return "В адресе неверный порт"
    return None


def _internal(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def resolve(host: str, port: int) -> str:
    """The address to connect to; DeliveryError when there is none or it is internal (SSRF)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise DeliveryError(f"адрес {host} не найден: {exc}") from exc
    addresses = [info[4][0] for info in infos]
    if not current_app.config["WEBHOOK_ALLOW_PRIVATE"] and any(_internal(a) for a in addresses):
        raise DeliveryError(f"адрес {host} ведет во внутреннюю сеть: запрещено настройками")
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _post(url: str, body: bytes, headers: dict, deadline) -> int:
    """POST `body` to `url`; the HTTP status (redirects are answers, not followed)."""
    problem = url_problem(url)
    if problem:
        raise DeliveryError(problem)
    parts = urllib.parse.urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = resolve(parts.hostname, port)
    kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    connection = kind(parts.hostname, port, address, current_app.config["WEBHOOK_TIMEOUT"])
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        _before_handoff(deadline)
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)
        return response.status
    except TimeoutError as exc:
        raise DeliveryError(f"нет ответа за {current_app.config['WEBHOOK_TIMEOUT']} с") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise DeliveryError(f"ошибка соединения: {exc}") from exc
    finally:
        connection.close()


def send_webhook(message, body: str, deadline=None) -> None:
    """Deliver one outbox message of the webhook channel; DeliveryError (retried) unless 2xx.
    The attempt is logged; the outbox's own commit of the outcome keeps the log row."""
    endpoint = db.session.get(WebhookEndpoint, int(message.recipient))
    if endpoint is None or not endpoint.enabled:
        raise DeliveryError("получатель отключен или удален")
    data = body.encode()
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, EVENT_TYPE_HEADER: message.subject or "",
               EVENT_ID_HEADER: str(json.loads(body).get("id", "")),
               SIGNATURE_HEADER: signature_header(unseal(endpoint.secret_sealed), data)}
    started, status, error = time.monotonic(), None, None
    try:
        status = _post(endpoint.url, data, headers, deadline)
        if not 200 <= status < 300:
            error = f"ответ HTTP {status}"
    except DeliveryError as exc:
        error = str(exc)
    db.session.add(WebhookAttempt(endpoint_id=endpoint.id, message_id=message.id, event_id=headers[EVENT_ID_HEADER],
                                  event_type=message.subject or "", attempted_at=utcnow(), status_code=status,
                                  duration_ms=int((time.monotonic() - started) * 1000), error=error))
    if error:
        raise DeliveryError(error)
