"""Issue 10.10: an admin who points the gateway elsewhere gets no operator credentials; changes
to the gateway are audited and need a current TOTP code."""
import base64
import http.server
import socketserver
import threading

import pyotp
import pytest

from app.extensions import db
from app.core.jobs.queue import dispatch_ready
from app.models import AuditRecord, OutboxMessage, OutboxStatus
from app.core.notifications.notify import queue_email, queue_sms
from app.core.settings import get_setting, set_setting
from tests.admin.test_settings import _save

OPERATOR_USER, OPERATOR_PASSWORD, OPERATOR_TOKEN = "operator", "operator-smtp-secret", "Bearer operator-sms-token"


class FakeSmtp(socketserver.ThreadingTCPServer):
    """An SMTP server that offers AUTH and writes down every line it is sent."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        self.lines: list[str] = []
        super().__init__(("127.0.0.1", 0), _SmtpSession)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def received(self) -> str:
        return "\n".join(self.lines)

    def verbs(self) -> list[str]:
        return [line.split(" ", 1)[0].upper() for line in self.lines]


class _SmtpSession(socketserver.StreamRequestHandler):
    def handle(self):
        say = self.wfile.write
        say(b"220 fake ESMTP\r\n")
        in_data = False
        for raw in self.rfile:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            self.server.lines.append(line)
            verb = line.split(" ", 1)[0].upper()
            if in_data:
                if line == ".":
                    in_data = False
                    say(b"250 queued\r\n")
            elif verb == "EHLO":
                say(b"250-fake\r\n250 AUTH PLAIN LOGIN\r\n")
            elif verb == "AUTH":
                say(b"235 accepted\r\n")
            elif verb == "DATA":
                in_data = True
                say(b"354 go on\r\n")
            elif verb == "QUIT":
                say(b"221 bye\r\n")
                return
            else:
                say(b"250 ok\r\n")


class FakeGateway(http.server.ThreadingHTTPServer):
    """An HTTP SMS gateway that keeps the headers of every request; `redirect_to` answers 302."""

    daemon_threads = True

    def __init__(self, redirect_to: str | None = None):
        self.requests: list[dict] = []
        self.redirect_to = redirect_to
        super().__init__(("127.0.0.1", 0), _GatewayHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/send?to={{phone}}&text={{text}}"


class _GatewayHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(dict(self.headers))
        if self.server.redirect_to:
            self.send_response(302)
            self.send_header("Location", self.server.redirect_to.format(phone="1", text="x"))
        else:
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def smtp(app, monkeypatch):
    server = FakeSmtp()
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.operator.invalid")
    monkeypatch.setitem(app.config, "MAIL_USERNAME", OPERATOR_USER)
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", OPERATOR_PASSWORD)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def sms_http(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_BACKEND", "http")
    monkeypatch.setitem(app.config, "SMS_HTTP_URL", "https://sms.operator.invalid/send?to={phone}&text={text}")
    monkeypatch.setitem(app.config, "SMS_HTTP_AUTH", OPERATOR_TOKEN)
    servers = []

    def start(**kwargs):
        servers.append(FakeGateway(**kwargs))
        return servers[-1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _deliver(message) -> str:
    db.session.commit()
    dispatch_ready()
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id).status


def _auth_plain(user, password) -> str:
    return base64.b64encode(f"\0{user}\0{password}".encode()).decode()


def test_overridden_smtp_host_gets_no_operator_credentials(ctx, smtp):
    set_setting("mail_server", "127.0.0.1")
    set_setting("mail_port", str(smtp.port))
    assert _deliver(queue_email("a@example.ru", "Тема", "Текст")) == OutboxStatus.SENT
    assert "DATA" in smtp.verbs()
    assert "AUTH" not in smtp.verbs() and _auth_plain(OPERATOR_USER, OPERATOR_PASSWORD) not in smtp.received()


def test_operator_host_gets_the_operator_credentials(ctx, app, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp.port)
    assert _deliver(queue_email("a@example.ru", "Тема", "Текст")) == OutboxStatus.SENT
    assert f"AUTH PLAIN {_auth_plain(OPERATOR_USER, OPERATOR_PASSWORD)}" in smtp.received()


def test_overridden_smtp_host_gets_the_credentials_entered_with_it(ctx, smtp):
    for key, value in {"mail_server": "127.0.0.1", "mail_port": str(smtp.port), "mail_username": "org",
                       "mail_password": "org-pass"}.items():
        set_setting(key, value)
    assert _deliver(queue_email("a@example.ru", "Тема", "Текст")) == OutboxStatus.SENT
    assert f"AUTH PLAIN {_auth_plain('org', 'org-pass')}" in smtp.received()
    assert OPERATOR_PASSWORD not in smtp.received()


def test_overridden_sms_gateway_gets_no_operator_authorization(ctx, sms_http):
    gateway = sms_http()
    set_setting("sms_http_url", gateway.url)
    assert _deliver(queue_sms("+79120000001", "Код входа: 123456")) == OutboxStatus.SENT
    assert len(gateway.requests) == 1 and "Authorization" not in gateway.requests[0]


def test_operator_sms_gateway_gets_the_authorization(ctx, app, sms_http, monkeypatch):
    gateway = sms_http()
    monkeypatch.setitem(app.config, "SMS_HTTP_URL", gateway.url)
    assert _deliver(queue_sms("+79120000001", "Код входа: 123456")) == OutboxStatus.SENT
    assert gateway.requests[0]["Authorization"] == OPERATOR_TOKEN


def test_a_redirect_from_the_gateway_does_not_carry_the_authorization_away(ctx, app, sms_http, monkeypatch):
    elsewhere = sms_http()
    gateway = sms_http(redirect_to=elsewhere.url)
    monkeypatch.setitem(app.config, "SMS_HTTP_URL", gateway.url)
    assert _deliver(queue_sms("+79120000001", "Код входа: 123456")) == OutboxStatus.PENDING  # retried later
    assert gateway.requests[0]["Authorization"] == OPERATOR_TOKEN
    assert elsewhere.requests == []


# ---- changing the gateway: TOTP step and audit --------------------------------------------

@pytest.fixture
def admin_with_totp(org_admin):
    org_admin.totp_secret = pyotp.random_base32()
    org_admin.totp_enabled = True
    db.session.commit()
    return org_admin


def _gateway_records(action="settings.gateway_update"):
    db.session.expire_all()
    return db.session.scalars(db.select(AuditRecord).where(AuditRecord.action == action)).all()


def test_admin_without_totp_cannot_change_the_gateway(client, login, org_admin):
    login(org_admin)
    page = client.get("/admin/settings/").text
    assert "включите двухфакторный вход" in page
    response = _save(client, mail_server="mx.attacker.example", org_name="Не должно сохраниться")
    assert response.status_code == 400
    assert "включите двухфакторный вход" in response.text
    db.session.expire_all()
    assert get_setting("mail_server") == "" and get_setting("org_name") != "Не должно сохраниться"
    assert _gateway_records() == []
    [refused] = _gateway_records("settings.gateway_refused")
    assert refused.actor_id == org_admin.id and "mail_server" in refused.summary


@pytest.mark.parametrize("code,message", [
    ("", "Введите текущий код из приложения-аутентификатора"),
    ("000000", "Неверный код из приложения-аутентификатора"),
])
def test_gateway_change_without_a_valid_totp_code_is_refused(client, login, admin_with_totp, code, message):
    login(admin_with_totp)
    if code == "000000" and pyotp.TOTP(admin_with_totp.totp_secret).verify("000000", valid_window=1):
        code = "999999"
    response = _save(client, sms_http_url="https://sms.attacker.example/?to={phone}&t={text}", gateway_totp=code)
    assert response.status_code == 400
    assert f'data-error-for="gateway_totp">{message}' in response.text
    db.session.expire_all()
    assert get_setting("sms_http_url") == ""
    assert _gateway_records() == [] and len(_gateway_records("settings.gateway_refused")) == 1


def test_gateway_change_with_the_totp_code_is_saved_and_audited(client, login, admin_with_totp):
    login(admin_with_totp)
    code = pyotp.TOTP(admin_with_totp.totp_secret).now()
    response = _save(client, mail_server="smtp.org.example", mail_password="org-pass", org_phone="+7 (495) 000-00-00",
                     gateway_totp=code)
    assert response.status_code == 302
    db.session.expire_all()
    assert get_setting("mail_server") == "smtp.org.example" and get_setting("mail_password") == "org-pass"
    [record] = _gateway_records()
    assert record.actor_id == admin_with_totp.id
    assert record.before == {"mail_server": "", "mail_password": ""}
    assert record.after == {"mail_server": "smtp.org.example", "mail_password": "***"}
    other = db.session.scalars(db.select(AuditRecord).where(AuditRecord.action == "settings.update")).one()
    assert other.after == {"org_phone": "+7 (495) 000-00-00"}
    # the same code cannot be used again for another change
    again = _save(client, mail_server="mx.attacker.example", gateway_totp=code)
    assert again.status_code == 400
    db.session.expire_all()
    assert get_setting("mail_server") == "smtp.org.example"


def test_saving_other_settings_needs_no_totp(client, login, org_admin):
    login(org_admin)
    assert _save(client, org_name="ООО «Другое название»").status_code == 302
    db.session.expire_all()
    assert get_setting("org_name") == "ООО «Другое название»"
