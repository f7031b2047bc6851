"""«Рассылка уведомлений и рекламной продукции»: an admin's mailing goes through the outbox only to
consenting consumers (3 consumers, 1 consenting → exactly one message), never twice; each email
carries an absolute unsubscribe link built from PUBLIC_URL (never the request's Host) that withdraws
the consent without signing in, once; a forged link is refused; the screen is the admins' only."""
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import MarketingMailing, NotificationSettings, OutboxMessage
from app.models.notifications import MarketingSource
from app.security.roles import ADMIN, CONSUMER, ORG_ADMIN, STAFF
from tests.factories import make_consumer, make_staff
from workflows.notifications import marketing

BASE = "/notifications/marketing/"
PUBLIC = "https://lk.example.ru"


@pytest.fixture
def world(app, ctx, client, login):
    app.config["PUBLIC_URL"] = PUBLIC
    people = {name: make_consumer() for name in ("consenting", "silent", "withdrawn")}
    for name in ("consenting", "withdrawn"):
        login(people[name])
        client.post("/my/notifications/settings/", data={"marketing_consent": "y", "show_hints": "y"})
    login(people["withdrawn"])
    client.post("/my/notifications/settings/", data={"show_hints": "y"})
    admin = make_staff(ORG_ADMIN)
    login(admin)
    yield {"people": people, "admin": admin}
    app.config["PUBLIC_URL"] = "http://127.0.0.1:5000"


def _start(client, subject="Акция месяца", body="Скидка на услуги"):
    return client.post(BASE + "start", data={"subject": subject, "body": body},
                       headers={"X-Forwarded-Host": "attacker.example"})


def _outbox():
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "marketing")).all()


def _link(email) -> str:
    text = email.get_content()
    return re.search(r"^(https?://\S+/notifications/unsubscribe/\S+)$", text, re.M).group(1)


def test_only_the_consenting_consumer_is_mailed_once_with_an_absolute_link(client, world, sent):
    response = _start(client)
    assert response.status_code == 302
    rows = _outbox()
    assert [row.recipient for row in rows] == [world["people"]["consenting"].email]
    assert [m["To"] for m in sent.emails] == [world["people"]["consenting"].email]
    email = sent.emails[0]
    assert email["Subject"] == "Акция месяца" and "Скидка на услуги" in email.get_content()
    assert _link(email).startswith(PUBLIC + "/notifications/unsubscribe/") and "attacker" not in email.get_content()
    mailing = db.session.scalars(select(MarketingMailing)).one()
    assert (mailing.state, mailing.sent) == ("done", 1)
    marketing.run_mailing(mailing.id)  # a rerun (a retried job) mails nobody again
    assert len(_outbox()) == 1
    page = client.get(BASE).get_data(as_text=True)
    assert "Акция месяца" in page and re.search(r'data-test="marketing-sent">1<', page) and "Отправлена" in page


def test_the_unsubscribe_link_works_once_without_signing_in(app, world, sent):
    admin_client = app.test_client()
    with admin_client.session_transaction() as session:
        session["_user_id"] = world["admin"].get_id()
    _start(admin_client)
    path = urlsplit(_link(sent.emails[0])).path
    anonymous = app.test_client()
    page = anonymous.get(path)
    assert page.status_code == 200 and "Отказаться от рассылки" in page.get_data(as_text=True)
    consenting = world["people"]["consenting"]
    assert db.session.get(NotificationSettings, consenting.id).marketing_consent  # a GET withdraws nothing
    done = anonymous.post(path)
    assert done.status_code == 200 and "Вы отказались от рассылки" in done.get_data(as_text=True)
    db.session.expire_all()
    row = db.session.get(NotificationSettings, consenting.id)
    assert not row.marketing_consent and row.marketing_source == MarketingSource.UNSUBSCRIBE_LINK
    assert anonymous.get(path).status_code == 404 and anonymous.post(path).status_code == 404
    sent.clear()
    _start(admin_client, subject="Вторая")
    assert sent.emails == [] and len(_outbox()) == 1


def test_a_forged_link_is_refused(app, world, sent):
    anonymous = app.test_client()
    for token in ("WzEsIDFd.forged", "nonsense", "WzEsMV0.AAAAAAAAAAAAAAAAAAAAAAAAAAA"):
        assert anonymous.get(f"/notifications/unsubscribe/{token}").status_code == 404
        assert anonymous.post(f"/notifications/unsubscribe/{token}").status_code == 404
    db.session.expire_all()
    assert db.session.get(NotificationSettings, world["people"]["consenting"].id).marketing_consent


def test_the_unsubscribe_form_needs_its_csrf_token(app, client, world, sent):
    _start(client)
    path = urlsplit(_link(sent.emails[0])).path
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert app.test_client().post(path).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.expire_all()
    assert db.session.get(NotificationSettings, world["people"]["consenting"].id).marketing_consent


@pytest.mark.parametrize("subject, body, message", [
    ("", "Текст", "Заполните обязательное поле"),
    ("Тема", "", "Заполните обязательное поле"),
    ("Т" * 201, "Текст", "Field cannot be longer than 200 characters."),
])
def test_an_empty_or_long_field_is_refused_and_nothing_is_sent(client, world, sent, subject, body, message):
    response = _start(client, subject, body)
    assert response.status_code == 400
    assert sent.emails == [] and _outbox() == []
    assert db.session.scalar(select(func.count()).select_from(MarketingMailing)) == 0


@pytest.mark.parametrize("role", [ADMIN, STAFF, CONSUMER, None])
def test_the_screen_is_the_admins_only(app, ctx, role, sent):
    user = {ADMIN: lambda: make_staff(ADMIN), STAFF: lambda: make_staff(STAFF), CONSUMER: make_consumer,
            None: lambda: None}[role]()
    client = app.test_client()
    if user is not None:
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
    index, start = client.get(BASE), client.post(BASE + "start", data={"subject": "Тема", "body": "Текст"})
    if role == ADMIN:
        assert (index.status_code, start.status_code) == (200, 302)
    elif role is None:
        assert index.status_code == start.status_code == 302 and "/login" in start.headers["Location"]
    else:
        assert index.status_code == start.status_code == 403
        assert db.session.scalar(select(func.count()).select_from(MarketingMailing)) == 0


def test_the_form_sent_twice_makes_one_mailing(client, world, sent):
    data = {"subject": "Акция", "body": "Текст", "form_token": "t" * 32}
    first, second = client.post(BASE + "start", data=data), client.post(BASE + "start", data=data)
    assert first.status_code == second.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(MarketingMailing)) == 1
    assert len(_outbox()) == 1 and len(sent.emails) == 1
