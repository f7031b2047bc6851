"""«Вебхуки» in «Администрирование»: who may open and use it, the secret shown once and sealed at
rest, every invalid field refused with its message, the delivery log, «Повторить сейчас», «Отключить»."""
import re

import pytest
from sqlalchemy import select, text

from app.extensions import db
from app.models import AuditRecord, OutboxMessage, OutboxStatus, WebhookEndpoint
from app.security.roles import ADMIN, CONSUMER, ORG_ADMIN, STAFF
from tests.factories import make_consumer, make_staff
from tests.webhooks.conftest import ALL_EVENTS
from workflows.webhooks import endpoints
from workflows.webhooks.events import emit

BASE = "/admin/webhooks/"


@pytest.fixture
def users(ctx):
    return {ADMIN: make_staff(ADMIN), ORG_ADMIN: make_staff(ORG_ADMIN), STAFF: make_staff(STAFF),
            CONSUMER: make_consumer(), None: None}


def rows() -> list[WebhookEndpoint]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def form(url="https://erp.example.ru/hooks", name="1С: ERP", events=("payment.succeeded",)):
    return {"name": name, "url": url, "events": list(events)}


@pytest.fixture
def failed_event(users, receiver):
    """An endpoint with one event that could not be delivered (the receiver answered 500 eight times)."""
    row, _secret = endpoints.create("ERP", receiver.url, ALL_EVENTS)
    [message] = emit("payment.succeeded", {"payment_id": 1})
    message.status, message.attempts, message.last_error = OutboxStatus.FAILED, 8, "ответ HTTP 500"
    db.session.commit()
    return row, message


@pytest.mark.parametrize("who,allowed", [(ORG_ADMIN, True), (ADMIN, True), (STAFF, False), (CONSUMER, False),
                                         (None, False)])
def test_only_organization_admins_reach_the_screens(client, login, users, failed_event, receiver, who, allowed):
    row, message = failed_event
    if users[who] is not None:
        login(users[who])
    answers = [client.get(BASE), client.get(f"{BASE}{row.id}/"), client.post(BASE + "create", data=form()),
               client.post(f"{BASE}{row.id}/deliveries/{message.id}/retry"), client.post(f"{BASE}{row.id}/disable")]
    codes = [answer.status_code for answer in answers]
    if allowed:
        assert codes == [200, 200, 200, 302, 302]
        assert len(rows()) == 2 and not rows()[0].enabled and len(receiver.requests) == 1
    else:
        assert all(code in (302, 403) for code in codes), codes
        assert all("Журнал доставки" not in a.get_data(as_text=True) for a in answers)
        assert len(rows()) == 1 and rows()[0].enabled and receiver.requests == []
        db.session.expire_all()
        assert db.session.get(OutboxMessage, message.id).status == OutboxStatus.FAILED


def test_the_secret_is_shown_once_and_not_readable_at_rest(client, login, users):
    login(users[ORG_ADMIN])
    response = client.post(BASE + "create", data=form(events=ALL_EVENTS))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    secret = re.search(r'data-test="endpoint-secret">([^<]+)<', page).group(1)
    assert secret.startswith("whsec_") and len(secret) > 40
    [row] = rows()
    assert row.event_types == tuple(ALL_EVENTS) and row.enabled and row.created_by_id == users[ORG_ADMIN].id
    stored = [str(v) for v in db.session.execute(text("SELECT * FROM webhook_endpoint")).one()]
    stored += [str(v) for record in db.session.scalars(select(AuditRecord)) for v in vars(record).values()]
    assert not any(secret in value or secret[10:30] in value for value in stored)
    assert row.secret_sealed.startswith("sealed:v1:") and row.secret_hint == secret[:10]
    listing = client.get(BASE).get_data(as_text=True)
    assert secret not in listing and row.secret_hint in listing and "включен" in listing


@pytest.mark.parametrize("data,message", [
    (form(name=" "), "Укажите название"),
    (form(name="x" * 201), "Не длиннее 200 символов"),
    (form(url=""), "Укажите адрес"),
    (form(url="ftp://erp.example.ru/"), "Адрес должен начинаться с https:// или http://"),
    (form(url="https://user:pw@erp.example.ru/"), "без логина и пароля"),
    (form(url="https://" + "a" * 500 + ".ru/"), "Не длиннее 500 символов"),
    (form(events=()), "Выберите хотя бы одно событие"),
    (form(events=("payment.succeeded", "payment.refunded")), "Выберите события из списка"),
])
def test_an_invalid_field_is_said_and_nothing_is_added(client, login, users, data, message):
    login(users[ORG_ADMIN])
    response = client.post(BASE + "create", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert rows() == []


def test_plain_http_is_refused_where_the_config_says_so(app, client, login, users, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_HTTP", False)
    login(users[ORG_ADMIN])
    response = client.post(BASE + "create", data=form(url="http://erp.example.ru/hooks"))
    assert response.status_code == 400 and "Адрес должен начинаться с https://" in response.get_data(as_text=True)
    assert rows() == []


def test_the_log_shows_each_attempt_and_retry_now_delivers_once(client, login, users, failed_event, receiver):
    row, message = failed_event
    login(users[ORG_ADMIN])
    assert "не доставлено" in client.get(f"{BASE}{row.id}/").get_data(as_text=True)
    assert client.post(f"{BASE}{row.id}/deliveries/{message.id}/retry").status_code == 302
    page = client.get(f"{BASE}{row.id}/").get_data(as_text=True)
    assert "доставлено" in page and 'data-test="attempt-status">200<' in page and "Повторить сейчас" not in page
    again = client.post(f"{BASE}{row.id}/deliveries/{message.id}/retry", follow_redirects=True)
    assert "уже доставлено" in again.get_data(as_text=True) and len(receiver.requests) == 1


def test_a_disabled_endpoint_gets_no_new_events_until_enabled(client, login, users, failed_event):
    row, _message = failed_event
    login(users[ORG_ADMIN])
    page = client.post(f"{BASE}{row.id}/disable", follow_redirects=True).get_data(as_text=True)
    assert "отключен: события ему больше не отправляются" in page
    assert emit("payment.succeeded", {"payment_id": 2}) == []
    client.post(f"{BASE}{row.id}/enable")
    assert len(emit("payment.succeeded", {"payment_id": 3})) == 1


def test_an_unknown_endpoint_or_event_is_not_found(client, login, users, failed_event):
    row, message = failed_event
    login(users[ORG_ADMIN])
    assert client.get(f"{BASE}999/").status_code == 404
    assert client.post(f"{BASE}999/deliveries/{message.id}/retry").status_code == 404
    other, _secret = endpoints.create("Другой", "https://other.example.ru/", ALL_EVENTS)
    db.session.commit()
    assert client.post(f"{BASE}{other.id}/deliveries/{message.id}/retry").status_code == 404
