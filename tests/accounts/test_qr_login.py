"""A9 «Вход через QR-код» (seed 004 §2.2): two clients through HTTP — the waiting browser and the
phone where the consumer is signed in. The QR is read back with a real decoder (zxing-cpp)."""
import base64
import io
import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
import zxingcpp
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.models import QrLoginRequest
from app.models.base import utcnow
from tests.accounts.test_login import signed_in_as
from tests.factories import PASSWORD, make_consumer, make_staff

BROWSER = "Mozilla/5.0 (Windows NT 10.0) Firefox/128.0"


def sign_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def show_qr(client, **headers) -> str:
    """Open the QR page; the link the QR encodes, as a phone's camera reads it."""
    response = client.get("/login/qr/", headers={"User-Agent": BROWSER, **headers})
    assert response.status_code == 200
    return read_qr(re.search(r'src="(data:image/png;base64,[^"]+)"', response.text).group(1))


def read_qr(data_url: str) -> str:
    """The text of the one QR symbol in a data: URL of a PNG."""
    png = base64.b64decode(data_url.split(",", 1)[1])
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    assert len(found) == 1 and found[0].format == zxingcpp.BarcodeFormat.QRCode
    return found[0].text


def path_of(link: str) -> str:
    return urlsplit(link).path


def status(client) -> str:
    return client.get("/login/qr/status").get_json()["status"]


@pytest.fixture
def phone(app, client):
    return app.test_client()  # an IsolatedClient too: `client` set the class


def returning_consumer():
    """A consumer with «Мои данные» filled who has signed in before: signing in leads where asked
    (a first sign-in or a half-filled profile leads to «Мои данные» first)."""
    user = make_consumer(registration_address="г. Казань", postal_address="г. Казань", birth_date=date(1980, 1, 2),
                         passport_series="9200", passport_number="123456", passport_issued_by="ОВД",
                         passport_issued_on=date(2005, 1, 2))
    user.login_count = 3
    db.session.commit()
    return user


@pytest.fixture
def consumer(ctx):
    return returning_consumer()


def test_the_login_page_leads_to_the_qr_and_the_qr_is_an_absolute_link_from_public_url(app, client, ctx):
    assert 'href="/login/qr/"' in client.get("/login/").text
    link = show_qr(client)
    assert link.startswith(app.config["PUBLIC_URL"].rstrip("/") + "/login/qr/")
    assert "evil" not in show_qr(app.test_client(), Host="evil.example")  # never the request's Host
    nonce = path_of(link).split("/")[3]
    row = db.session.scalars(select(QrLoginRequest).order_by(QrLoginRequest.id)).first()
    assert nonce not in (row.nonce_hash, row.browser_hash) and row.status == "waiting"
    assert row.expires_at - row.created_at == timedelta(seconds=60)
    assert status(client) == "waiting"


def test_phone_approves_and_the_waiting_browser_signs_in(client, phone, consumer):
    link = show_qr(client)
    sign_in(phone, consumer)
    page = phone.get(path_of(link))
    assert "Подтвердите операцию" in page.text and BROWSER in page.text and "127.0.0.1" in page.text
    assert re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", page.text)
    answer = phone.post(path_of(link), data={"decision": "approve"})
    assert "Вход подтвержден" in answer.text
    assert status(client) == "approved"
    response = client.post("/login/qr/finish")
    assert response.status_code == 302 and "/login" not in response.location
    assert signed_in_as(client) == consumer.id and signed_in_as(phone) == consumer.id


def test_replay_of_the_link_or_of_the_browser_session_is_refused(app, client, phone, consumer, ctx):
    link = show_qr(client)
    with client.session_transaction() as session:
        copied_secret = session["kb_qr"]
    sign_in(phone, consumer)
    phone.post(path_of(link), data={"decision": "approve"})
    again = phone.post(path_of(link), data={"decision": "approve"})
    assert "уже использован" in again.text
    other_phone = app.test_client()
    sign_in(other_phone, make_consumer())
    assert "уже использован" in other_phone.post(path_of(link), data={"decision": "approve"}).text
    client.post("/login/qr/finish")
    assert signed_in_as(client) == consumer.id
    copy = app.test_client()  # the waiting browser's session copied before it signed in
    with copy.session_transaction() as session:
        session["kb_qr"] = copied_secret
    refused = copy.post("/login/qr/finish")
    assert "уже использован" in refused.text and signed_in_as(copy) is None
    db.session.expire_all()
    assert db.session.scalar(select(QrLoginRequest)).user_id == consumer.id


def test_an_expired_qr_is_refused_and_the_page_is_told_to_refresh(client, phone, consumer):
    link = show_qr(client)
    sign_in(phone, consumer)
    with time_machine.travel(utcnow() + timedelta(seconds=61), tick=False):
        assert "Срок действия QR-кода истек" in phone.get(path_of(link)).text
        assert "Срок действия QR-кода истек" in phone.post(path_of(link), data={"decision": "approve"}).text
        assert status(client) == "expired"
        assert "Срок действия QR-кода истек" in client.post("/login/qr/finish").text
    assert signed_in_as(client) is None


def test_an_approval_not_used_in_time_expires(client, phone, consumer):
    link = show_qr(client)
    sign_in(phone, consumer)
    phone.post(path_of(link), data={"decision": "approve"})
    with time_machine.travel(utcnow() + timedelta(seconds=61), tick=False):
        assert "Срок действия QR-кода истек" in client.post("/login/qr/finish").text
    assert signed_in_as(client) is None


def test_a_photographed_qr_signs_in_nobody_but_the_waiting_browser(app, client, phone, consumer):
    link = show_qr(client)
    photographer = app.test_client()
    show_qr(photographer)  # its own waiting page, its own secret
    sign_in(phone, consumer)
    phone.post(path_of(link), data={"decision": "approve"})
    assert status(photographer) == "waiting"
    assert "Вход не подтвержден" in photographer.post("/login/qr/finish").text
    stranger = app.test_client()  # no waiting page at all
    assert "Срок действия" in stranger.post("/login/qr/finish").text
    assert signed_in_as(photographer) is None and signed_in_as(stranger) is None
    client.post("/login/qr/finish")
    assert signed_in_as(client) == consumer.id


def test_decline_signs_in_nobody_and_cannot_be_turned_into_approval(client, phone, consumer):
    link = show_qr(client)
    sign_in(phone, consumer)
    assert "Вход отклонен" in phone.post(path_of(link), data={"decision": "decline"}).text
    assert status(client) == "declined"
    assert "Вход не подтвержден" in client.post("/login/qr/finish").text
    assert "уже использован" in phone.post(path_of(link), data={"decision": "approve"}).text
    assert signed_in_as(client) is None


def test_an_anonymous_phone_signs_in_first_and_comes_back_to_the_approval(client, phone, consumer):
    link = show_qr(client)
    first = phone.get(path_of(link))
    assert first.status_code == 302 and urlsplit(first.location).path == "/login/"
    back = phone.post(first.location, data={"username": consumer.email, "password": PASSWORD})
    assert back.status_code == 302 and urlsplit(back.location).path == path_of(link)
    assert "Подтвердите операцию" in phone.get(path_of(link)).text
    phone.post(path_of(link), data={"decision": "approve"})
    client.post("/login/qr/finish")
    assert signed_in_as(client) == consumer.id


def test_staff_cannot_approve(client, phone, ctx):
    link = show_qr(client)
    sign_in(phone, make_staff())
    assert "только потребителям" in phone.get(path_of(link)).text
    assert "только потребителям" in phone.post(path_of(link), data={"decision": "approve"}).text
    assert status(client) == "waiting"


def test_approval_without_the_csrf_token_changes_nothing(app, client, phone, consumer, monkeypatch):
    link = show_qr(client)
    sign_in(phone, consumer)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert phone.post(path_of(link), data={"decision": "approve"}).status_code == 400
    assert status(client) == "waiting"
    assert client.post("/login/qr/finish").status_code == 400
    assert signed_in_as(client) is None


def test_qr_pages_are_rate_limited_like_the_login(app, client, ctx):
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    answers = [client.get("/login/qr/").status_code for _ in range(limit + 1)]
    assert answers[:limit] == [200] * limit and answers[-1] == 429


def test_a_signed_in_browser_gets_no_qr(client, consumer):
    sign_in(client, consumer)
    response = client.get("/login/qr/")
    assert response.status_code == 302
    assert db.session.scalar(select(QrLoginRequest)) is None


def test_a_consumer_with_two_factor_login_still_enters_the_code(client, phone, consumer):
    consumer.totp_secret, consumer.totp_enabled = "JBSWY3DPEHPK3PXP", True
    db.session.commit()
    link = show_qr(client)
    sign_in(phone, consumer)
    phone.post(path_of(link), data={"decision": "approve"})
    response = client.post("/login/qr/finish")
    assert urlsplit(response.location).path == "/login/totp/" and signed_in_as(client) is None
