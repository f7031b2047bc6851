"""Issue 10, point 8: the captcha's answer stays on the server (hashed); the session cookie,
which anyone can decode, holds only a random id. Each picture is good for one try."""
import base64
import zlib
from datetime import datetime, timedelta

import pytest
import time_machine

from app.extensions import db
from app.core.settings import set_setting
from tests.accounts.test_registration import error_under, form_data, users_count


@pytest.fixture
def pictures(monkeypatch, ctx):
    """The texts drawn on the captcha pictures served during the test, in order."""
    from captcha.image import ImageCaptcha

    drawn = []
    original = ImageCaptcha.generate
    monkeypatch.setattr(ImageCaptcha, "generate", lambda self, text, *a, **kw: drawn.append(text) or
                        original(self, text, *a, **kw))
    set_setting("captcha_enabled", True)
    db.session.commit()
    return drawn


def session_payload(client) -> str:
    """What anyone holding the cookie reads: Flask signs the session, it does not encrypt it."""
    value = client.get_cookie("session").value
    compressed = value.startswith(".")
    payload = value.lstrip(".").split(".")[0]
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(data) if compressed else data).decode("utf-8")


def test_the_answer_is_not_in_the_session_cookie(client, pictures):
    client.get("/register/")
    image = client.get("/register/captcha.png")
    assert image.mimetype == "image/png" and image.data[:4] == b"\x89PNG"
    answer = pictures[-1]
    payload = session_payload(client)
    assert payload  # the cookie does carry the challenge's id
    assert answer not in payload and answer.lower() not in payload


def test_the_captcha_must_match_the_picture(client, pictures):
    page = client.get("/register/")
    assert "/register/captcha.png" in page.text
    client.get("/register/captcha.png")
    wrong = client.post("/register/", data=form_data(captcha="WRONG"))
    assert error_under(wrong.text, "captcha", "Неверно введены символы с картинки")
    assert users_count() == 0
    client.get("/register/captcha.png")
    assert client.post("/register/", data=form_data(captcha=pictures[-1].lower())).status_code == 302
    assert users_count() == 1


def test_one_try_per_picture(client, pictures):
    client.get("/register/captcha.png")
    answer = pictures[-1]
    client.post("/register/", data=form_data(captcha="WRONG"))
    again = client.post("/register/", data=form_data(captcha=answer))
    assert error_under(again.text, "captcha", "Неверно введены символы с картинки")
    assert users_count() == 0


def test_a_solved_captcha_cannot_be_replayed_with_a_copied_cookie(app, client, pictures):
    client.get("/register/captcha.png")
    answer = pictures[-1]
    copied = client.get_cookie("session").value
    assert client.post("/register/", data=form_data(captcha=answer)).status_code == 302
    bot = app.test_client()
    bot.set_cookie("session", copied)
    replay = bot.post("/register/", data=form_data(captcha=answer, email="bot@example.ru", phone="+79997654321"))
    assert error_under(replay.text, "captcha", "Неверно введены символы с картинки")
    assert users_count() == 1


def test_a_captcha_expires(client, pictures):
    start = datetime.now().replace(microsecond=0) + timedelta(minutes=1)
    with time_machine.travel(start, tick=False):
        client.get("/register/captcha.png")
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        late = client.post("/register/", data=form_data(captcha=pictures[-1]))
    assert error_under(late.text, "captcha", "Неверно введены символы с картинки")
    assert users_count() == 0
