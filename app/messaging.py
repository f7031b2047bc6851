"""Outgoing email and SMS, one small interface each, with pluggable backends.

`smtp` / `http` talk to real gateways; `console` logs; `file` writes one file per
message under OUTBOX_DIR (email as .eml, SMS as .txt), like Django's file e-mail
backend; `memory` keeps messages in a list for tests.
"""
import logging
import smtplib
import ssl
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)


class DeliveryError(RuntimeError):
    """The gateway refused or could not be reached; the outbox retries later."""


@dataclass
class SentMessages:
    """What the memory backends have 'sent' (tests read it)."""

    emails: list[EmailMessage] = field(default_factory=list)
    sms: list[tuple[str, str]] = field(default_factory=list)

    def clear(self) -> None:
        self.emails.clear()
        self.sms.clear()


memory_outbox = SentMessages()


def _setting(name: str):
    from app.settings import get_setting

    override = get_setting(name.lower(), None)
    return override if override not in (None, "") else current_app.config.get(name)


def build_email(to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = _setting("MAIL_DEFAULT_SENDER")
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="kabinet")
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg


def _outbox_dir() -> Path:
    path = Path(current_app.config["OUTBOX_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def _file_name(kind: str, suffix: str) -> str:
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{kind}-{uuid.uuid4().hex[:8]}.{suffix}"


def send_email(to: str, subject: str, text: str, html: str | None = None) -> None:
    msg = build_email(to, subject, text, html)
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "memory":
        memory_outbox.emails.append(msg)
    elif backend == "console":
        log.info("EMAIL to %s: %s\n%s", to, subject, text)
    elif backend == "file":
        (_outbox_dir() / _file_name("email", "eml")).write_bytes(bytes(msg))
    elif backend == "smtp":
        _send_smtp(msg)
    else:
        raise DeliveryError(f"unknown MAIL_BACKEND {backend!r}")


def _send_smtp(msg: EmailMessage) -> None:
    host, port = _setting("MAIL_SERVER"), int(_setting("MAIL_PORT"))
    try:
        if current_app.config["MAIL_USE_SSL"]:
            smtp = smtplib.SMTP_SSL(host, port, context=ssl.create_default_context(), timeout=20)
        else:
            smtp = smtplib.SMTP(host, port, timeout=20)
        with smtp:
            if current_app.config["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
            user, password = _setting("MAIL_USERNAME"), _setting("MAIL_PASSWORD")
            if user:
                smtp.login(user, password or "")
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"SMTP: {exc}") from exc


def send_sms(phone: str, text: str) -> None:
    backend = current_app.config["SMS_BACKEND"]
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
    auth = _setting("SMS_HTTP_AUTH")
    if auth:
        if auth.lower().startswith("bearer "):
            request.add_header("Authorization", auth)
        else:
            import base64

            request.add_header("Authorization", "Basic " + base64.b64encode(auth.encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            if response.status >= 400:
                raise DeliveryError(f"SMS gateway answered {response.status}")
    except OSError as exc:
        raise DeliveryError(f"SMS gateway: {exc}") from exc
