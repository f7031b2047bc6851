"""Outgoing email and SMS, one small interface each, with pluggable backends.

`smtp` / `http` talk to real gateways; `console` logs; `file` writes one file per
message under OUTBOX_DIR (email as .eml, SMS as .txt), like Django's file e-mail
backend; `memory` keeps messages in a list for tests.
"""
import base64
import logging
import smtplib
import ssl
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

from app.models.base import utcnow

log = logging.getLogger(__name__)


#: seconds any one network operation with a gateway may take (connect, a command, a reply);
#: app.core.notifications.outbox sizes its claims from it
SOCKET_TIMEOUT = 20


class DeliveryError(RuntimeError):
    """The gateway refused or could not be reached; the outbox retries later."""


class HandoffTooLate(DeliveryError):
    """The sender's claim on the message ran out before the hand-off: another may send it."""


def _before_handoff(deadline: datetime | None) -> None:
    """Called just before the step that cannot be taken back (SMTP DATA, the HTTP request)."""
    if deadline is not None and utcnow() >= deadline:
        raise HandoffTooLate("the claim ran out before the message was handed over")


@dataclass
class SentMessages:
    """What the memory backends have 'sent' (tests read it)."""

    emails: list[EmailMessage] = field(default_factory=list)
    sms: list[tuple[str, str]] = field(default_factory=list)

    def clear(self) -> None:
        self.emails.clear()
        self.sms.clear()


memory_outbox = SentMessages()


def _override(name: str):
    """What an admin entered in the settings for `name`, or None."""
    from app.core.settings import get_setting

    value = get_setting(name.lower(), None)
    return value if value not in (None, "") else None


def _setting(name: str):
    override = _override(name)
    return override if override is not None else current_app.config.get(name)


@dataclass(frozen=True)
class Attachment:
    """A file sent with an email: its name as the recipient sees it, its type and its bytes."""

    name: str
    content_type: str
    data: bytes


def build_email(to: str, subject: str, text: str, html: str | None = None, *,
                message_id: str | None = None, attachments: tuple[Attachment, ...] = ()) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = _setting("MAIL_DEFAULT_SENDER")
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = message_id or make_msgid(domain="kabinet")
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    for item in attachments:
        maintype, _, subtype = item.content_type.partition("/")
        msg.add_attachment(item.data, maintype=maintype, subtype=subtype or "octet-stream", filename=item.name)
    return msg


def _outbox_dir() -> Path:
    path = Path(current_app.config["OUTBOX_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def _file_name(kind: str, suffix: str) -> str:
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{kind}-{uuid.uuid4().hex[:8]}.{suffix}"


def send_email(to: str, subject: str, text: str, html: str | None = None, *,
               message_id: str | None = None, deadline: datetime | None = None,
               attachments: tuple[Attachment, ...] = ()) -> None:
    """Hand an email (with its `attachments`) to the gateway; `deadline`: not after this (HandoffTooLate)."""
    msg = build_email(to, subject, text, html, message_id=message_id, attachments=attachments)
    backend = current_app.config["MAIL_BACKEND"]
    if backend != "smtp":
        _before_handoff(deadline)
    if backend == "memory":
        memory_outbox.emails.append(msg)
    elif backend == "console":
        log.info("EMAIL to %s: %s\n%s", to, subject, text)
    elif backend == "file":
        (_outbox_dir() / _file_name("email", "eml")).write_bytes(bytes(msg))
    elif backend == "smtp":
        _send_smtp(msg, deadline)
    else:
        raise DeliveryError(f"unknown MAIL_BACKEND {backend!r}")


def _same_host(one: str | None, other: str | None) -> bool:
    return bool(one and other) and one.strip().rstrip(".").lower() == other.strip().rstrip(".").lower()


def smtp_credentials(host: str) -> tuple[str | None, str | None]:
    """Who to log in to `host` as. The operator's MAIL_USERNAME/MAIL_PASSWORD go only to the
    operator's MAIL_SERVER: a server an admin entered in the settings gets the credentials
    entered with it, or none."""
    user = _override("MAIL_USERNAME")
    if user is not None:
        return user, _override("MAIL_PASSWORD") or ""
    config = current_app.config
    if _override("MAIL_SERVER") is None or _same_host(host, config["MAIL_SERVER"]):
        return config["MAIL_USERNAME"], config["MAIL_PASSWORD"]
    return None, None


def _send_smtp(msg: EmailMessage, deadline: datetime | None = None) -> None:
    host, port = _setting("MAIL_SERVER"), int(_setting("MAIL_PORT"))
    try:
        if current_app.config["MAIL_USE_SSL"]:
            smtp = smtplib.SMTP_SSL(host, port, context=ssl.create_default_context(), timeout=SOCKET_TIMEOUT)
        else:
            smtp = smtplib.SMTP(host, port, timeout=SOCKET_TIMEOUT)
        with smtp:
            if current_app.config["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
            user, password = smtp_credentials(host)
            if user:
                smtp.login(user, password or "")
            _before_handoff(deadline)
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"SMTP: {exc}") from exc


def send_sms(phone: str, text: str, *, deadline: datetime | None = None) -> None:
    """Hand an SMS to the gateway; `deadline`: not after this (HandoffTooLate)."""
    backend = current_app.config["SMS_BACKEND"]
    _before_handoff(deadline)
    if backend == "memory":
        memory_outbox.sms.append((phone, text))
    elif backend == "console":
        log.info("SMS to %s: %s", phone, text)
    elif backend == "file":
        (_outbox_dir() / _file_name("sms", "txt")).write_text(f"To: {phone}\n\n{text}\n", encoding="utf-8")
    elif backend == "http":
        _send_http_sms(phone, text)
    else:
        raise DeliveryError(f"unknown SMS_BACKEND {backend!r}")


def _origin(url: str) -> tuple:
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        return ("invalid", url)
    return (parts.scheme.lower(), (parts.hostname or "").rstrip("."), port)


def sms_authorization(url: str) -> str:
    """The Authorization value for a request to `url`. The operator's SMS_HTTP_AUTH goes only to
    the scheme, host and port of the operator's SMS_HTTP_URL; a gateway an admin entered in the
    settings gets the authorization entered with it, or none."""
    auth = _override("SMS_HTTP_AUTH")
    if auth is not None:
        return auth
    config = current_app.config
    if _override("SMS_HTTP_URL") is None or (config["SMS_HTTP_URL"] and
                                             _origin(url) == _origin(config["SMS_HTTP_URL"])):
        return config["SMS_HTTP_AUTH"] or ""
    return ""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """urllib would repeat the Authorization header to wherever a gateway redirects."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_sms_opener = urllib.request.build_opener(_NoRedirects)


def _send_http_sms(phone: str, text: str) -> None:
    """Generic gateway: SMS_HTTP_URL with {phone}, {text}, {sender} placeholders."""
    template = _setting("SMS_HTTP_URL")
    if not template:
        raise DeliveryError("SMS_HTTP_URL is not set")
    quote = urllib.parse.quote
    values = {"phone": quote(phone), "text": quote(text), "sender": quote(_setting("SMS_SENDER") or "")}
    url = template.format(**values)
    method = (current_app.config["SMS_HTTP_METHOD"] or "GET").upper()
    data = None
    if method == "POST":
        url, _, query = url.partition("?")
        data = query.encode()
    request = urllib.request.Request(url, data=data, method=method)
    auth = sms_authorization(url)
    if auth:
        if auth.lower().startswith("bearer "):
            request.add_header("Authorization", auth)
        else:
            request.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    try:
        with _sms_opener.open(request, timeout=SOCKET_TIMEOUT) as response:
            if response.status >= 400:
                raise DeliveryError(f"SMS gateway answered {response.status}")
    except OSError as exc:
        raise DeliveryError(f"SMS gateway: {exc}") from exc
