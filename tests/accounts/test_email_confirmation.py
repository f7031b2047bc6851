"""Issue 12: one way to confirm the email — the link in the registration email (seed 000), and
every message (the email, the page after registration, «Мои данные») says so."""
import re
from datetime import timedelta

from sqlalchemy import select, update

from app.extensions import db
from app.models import KabinetUser, OneTimeCode
from app.models.base import utcnow
from tests.accounts.test_registration import form_data

EMAIL = "tuksin@example.ru"
URL_LINE = re.compile(r"^https?://\S+$", re.M)


def emails_to(sent, address):
    return [m for m in sent.emails if m["To"].lower() == address]


def link_path(message) -> str:
    """The link of the email: the full address alone on its line (mail programs make it clickable)."""
    links = URL_LINE.findall(message.get_content())
    assert len(links) == 1, message.get_content()
    return "/" + links[0].split("://", 1)[1].split("/", 1)[1]


def the_user():
    db.session.expire_all()
    return db.session.scalar(select(KabinetUser).where(KabinetUser.email == EMAIL))


def test_the_registration_email_carries_a_link_and_no_code_to_type(client, ctx, sent):
    client.post("/register/", data=form_data())
    (message,) = emails_to(sent, EMAIL)
    body = message.get_content()
    assert "перейдите по ссылке" in body
    assert not re.search(r"\b\d{6}\b", body.replace(link_path(message), "")), "a code nobody can enter"
    assert "Код" not in message["Subject"]


def test_the_page_after_registration_says_where_the_link_went(client, ctx):
    response = client.post("/register/", data=form_data())
    page = client.get(response.location).text
    assert "Письмо со ссылкой для подтверждения адреса электронной почты отправлено на " + EMAIL in page


def test_register_then_follow_the_emailed_link_confirms_the_email(client, ctx, sent, login):
    client.post("/register/", data=form_data())
    (message,) = emails_to(sent, EMAIL)
    response = client.get(link_path(message))
    assert response.status_code == 302
    assert the_user().email_confirmed_at is not None
    assert "Адрес электронной почты подтвержден" in client.get(response.location).text
    again = client.get(link_path(message))
    assert "Ссылка недействительна или уже использована" in again.text
    user = the_user()
    user.phone_confirmed_at = utcnow()
    db.session.commit()
    login(user)
    profile = client.get("/my/profile/").text
    assert "не подтвержден" not in profile and "Отправить письмо повторно" not in profile


def test_a_wrong_link_says_so(client, ctx):
    page = client.get("/register/email/not-a-real-token")
    assert "Ссылка недействительна или уже использована" in page.text
    assert "«Мои данные»" in page.text  # where a new letter is asked for


def test_an_expired_link_says_so_and_the_profile_sends_a_new_one(client, ctx, sent, login):
    client.post("/register/", data=form_data())
    (first,) = emails_to(sent, EMAIL)
    db.session.execute(update(OneTimeCode).where(OneTimeCode.purpose == "confirm_email")
                       .values(expires_at=utcnow() - timedelta(seconds=1), created_at=utcnow() - timedelta(days=1)))
    db.session.commit()
    page = client.get(link_path(first))
    assert "Срок действия ссылки истек" in page.text
    assert the_user().email_confirmed_at is None
    user = the_user()
    user.phone_confirmed_at = utcnow()
    db.session.commit()
    login(user)
    profile = client.get("/my/profile/").text
    assert "не подтвержден" in profile and "перейдите по ссылке из письма" in profile
    assert "Отправить письмо повторно" in profile
    response = client.post("/my/email/link/")
    assert "Письмо со ссылкой для подтверждения отправлено на " + EMAIL in client.get(response.location).text
    second = emails_to(sent, EMAIL)[-1]
    assert link_path(second) != link_path(first)
    client.get(link_path(second))
    assert the_user().email_confirmed_at is not None


def test_no_code_path_for_the_email_is_left():
    from workflows.accounts import registration

    assert not hasattr(registration, "confirm_email")
    assert not hasattr(registration, "send_email_code")
