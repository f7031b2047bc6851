"""Behind a proxy (issue 10, point 4): per-IP limits and the audit log see the client's
address from X-Forwarded-For only when TRUSTED_PROXY_HOPS says a proxy sets it."""
from sqlalchemy import select

from app.extensions import db
from app.models import AuditRecord
from tests.factories import PASSWORD, make_consumer

PROXY = {"REMOTE_ADDR": "10.0.0.2"}  # every request reaches the portal from the proxy


def ask_for_code(client, forwarded_for, number):
    return client.post("/login/code/", data={"destination": f"+7900111{number:04d}"},
                       headers={"X-Forwarded-For": forwarded_for}, environ_base=PROXY)


def test_behind_one_proxy_each_client_has_its_own_limit(make_app):
    proxied = make_app(TRUSTED_PROXY_HOPS=1, CODE_RATE_LIMIT="3 per minute")
    client = proxied.test_client()
    for number in range(3):
        assert ask_for_code(client, "198.51.100.1", number).status_code == 302
    assert ask_for_code(client, "198.51.100.1", 3).status_code == 429
    # another client behind the same proxy is not blocked by the first one's attempts
    assert ask_for_code(client, "198.51.100.2", 4).status_code == 302
    # only the hop the proxy appended counts: a client's own X-Forwarded-For is not believed
    assert ask_for_code(client, "203.0.113.9, 198.51.100.1", 5).status_code == 429


def test_behind_one_proxy_the_audit_log_has_the_client_address(make_app, ctx):
    proxied = make_app(TRUSTED_PROXY_HOPS=1)
    user = make_consumer()
    response = proxied.test_client().post("/login/", data={"username": user.email, "password": PASSWORD},
                                          headers={"X-Forwarded-For": "198.51.100.7"}, environ_base=PROXY)
    assert response.status_code == 302
    db.session.expire_all()
    login = db.session.scalars(select(AuditRecord).where(AuditRecord.action == "account.login")).one()
    assert login.ip == "198.51.100.7"


def test_without_a_trusted_proxy_a_forged_header_does_not_dodge_the_limit(make_app):
    direct = make_app(CODE_RATE_LIMIT="3 per minute")
    client = direct.test_client()
    for number in range(3):
        assert ask_for_code(client, f"198.51.100.{number}", number).status_code == 302
    assert ask_for_code(client, "198.51.100.99", 3).status_code == 429
