"""Issue 12: «Забыли пароль?» takes any login of seed 000 — email, phone, СНИЛС, ОГРН, ОГРНИП —
sends the code to the account's confirmed email (else its phone), and answers the same whether
or not the account exists."""
import re

import pytest

from app.extensions import db
from app.models import LegalForm
from tests.accounts.conftest import good_ogrn, good_ogrnip
from tests.accounts.test_login import sign_in, signed_in_as
from tests.factories import make_consumer

NEW_PASSWORD = "Brandnew-7$"


def consumer_with(kind):
    if kind == "snils":
        return make_consumer(LegalForm.INDIVIDUAL)
    if kind == "ogrnip":
        return make_consumer(LegalForm.ENTREPRENEUR, ogrnip=good_ogrnip())
    return make_consumer(LegalForm.LEGAL_ENTITY, ogrn=good_ogrn())


def answer_text(client, response) -> str:
    """What the person sees after «Направить код подтверждения»: the next page's words."""
    assert response.status_code == 302, response.text
    html = client.get(response.location).text
    main = html.split("<body", 1)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main.split('name="csrf_token"')[0]))


@pytest.mark.parametrize("kind", ["snils", "ogrnip", "ogrn"])
def test_forgot_password_by_the_login_identifier_mails_the_confirmed_email(client, ctx, sent, code_for, kind):
    user = consumer_with(kind)
    identifier = getattr(user.consumer, kind)
    response = client.post("/password/forgot/", data={"destination": identifier})
    assert response.location.endswith("/password/forgot/code/")
    assert [m["To"] for m in sent.emails] == [user.email] and sent.sms == []
    response = client.post("/password/forgot/code/", data={"code": code_for(user.email),
                                                           "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.location.endswith("/login/")
    sign_in(client, identifier, NEW_PASSWORD)
    assert signed_in_as(client) == user.id


def test_snils_typed_with_dashes_and_an_unconfirmed_email_sends_an_sms(client, ctx, sent, code_for):
    from app.models.base import utcnow

    user = make_consumer(LegalForm.INDIVIDUAL, confirmed=False)
    user.phone_confirmed_at = utcnow()
    db.session.commit()
    snils = user.consumer.snils
    client.post("/password/forgot/", data={"destination": f"{snils[:3]}-{snils[3:6]}-{snils[6:9]} {snils[9:]}"})
    assert sent.emails == [] and [phone for phone, _ in sent.sms] == [user.phone]
    response = client.post("/password/forgot/code/", data={"code": code_for(user.phone),
                                                           "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.location.endswith("/login/")


@pytest.mark.parametrize("kind", ["email", "phone", "snils", "ogrnip", "ogrn"])
def test_the_answer_is_the_same_whether_or_not_the_account_exists(client, ctx, sent, kind):
    user = consumer_with("ogrnip" if kind == "ogrnip" else "ogrn" if kind == "ogrn" else "snils")
    login = getattr(user, kind) if kind in ("email", "phone") else getattr(user.consumer, kind)
    known = answer_text(client, client.post("/password/forgot/", data={"destination": login}))
    assert sent.emails or sent.sms
    unknown_login = {"email": "nobody@example.ru", "phone": "+79000000000",
                     "snils": "11223344595", "ogrnip": good_ogrnip(), "ogrn": good_ogrn()}[kind]
    unknown = answer_text(client, client.post("/password/forgot/", data={"destination": unknown_login}))
    assert "Если учетная запись" in known
    assert known.replace(login, "LOGIN") == unknown.replace(unknown_login, "LOGIN")


def test_the_page_asks_for_any_login_and_a_wrong_code_is_refused(client, ctx, code_for):
    page = client.get("/password/forgot/").text
    assert "СНИЛС, ОГРН или ОГРНИП" in page and "Восстановить пароль" in page
    user = consumer_with("snils")
    client.post("/password/forgot/", data={"destination": user.consumer.snils})
    wrong = "000000" if code_for(user.email) != "000000" else "111111"
    page = client.post("/password/forgot/code/", data={"code": wrong, "password": NEW_PASSWORD,
                                                       "confirm": NEW_PASSWORD})
    assert "Неверный код подтверждения" in page.text
    client.get("/password/forgot/")
    client.post("/password/forgot/", data={"destination": "11223344595"})
    page = client.post("/password/forgot/code/", data={"code": "123456", "password": NEW_PASSWORD,
                                                       "confirm": NEW_PASSWORD})
    assert "Неверный код подтверждения" in page.text  # no account: the same words
