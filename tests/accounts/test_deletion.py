"""A8 «Удалить учетную запись» through HTTP: the page, a wrong code changes nothing, the right one
deletes; afterwards the login and the old session are dead and the same phone and email register
again. Per-role access: consumers only."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AccountLink, ConsumerProfile, KabinetUser, OneTimeCode
from app.security.roles import ADMIN, ORG_ADMIN, STAFF
from tests.accounts.deletion_builders import POSTAL, full_consumer
from tests.accounts.test_registration import form_data
from tests.factories import PASSWORD, make_consumer, make_staff
from workflows.accounts import deletion


@pytest.fixture
def person(ctx):
    user, _kept = full_consumer()
    return user


def sign_in(client, login):
    return client.post("/login/", data={"username": login, "password": PASSWORD})


def signed_in(client) -> bool:
    return client.get("/my/security/").status_code == 200


def choices(user):
    """The first account's receipt by email, the second's on paper."""
    first, second = deletion.active_links(user.consumer)
    return {f"delivery-{first.id}": "electronic", f"email-{first.id}": "after@example.ru",
            f"delivery-{second.id}": "paper", f"address-{second.id}": POSTAL}


def untouched(user, links=2) -> bool:
    db.session.expire_all()
    row = db.session.get(KabinetUser, user.id)
    return (row.active and row.phone == user.phone and row.consumer.snils is not None
            and len(deletion.active_links(row.consumer)) == links)


def test_profile_links_to_the_page_which_lists_the_accounts_and_says_what_is_erased_and_kept(client, person):
    sign_in(client, person.email)
    assert "/my/delete/" in client.get("/my/profile/").text
    page = client.get("/my/delete/")
    assert page.status_code == 200
    for link in deletion.active_links(person.consumer):
        assert link.account.number in page.text
    for text in ("Удаление личного кабинета", "Что будет удалено", "Что организация обязана хранить",
                 "Электронная квитанция", "Адрес доставки квитанции", "bills@example.ru", "Получить код"):
        assert text in page.text


@pytest.mark.parametrize("field, value, message", [
    ("email", "not-an-email", "Введите корректный адрес электронной почты"),
    ("email", "", "Введите корректный адрес электронной почты"),
])
def test_an_electronic_receipt_needs_a_valid_email_and_nothing_is_sent(client, person, field, value, message):
    sign_in(client, person.email)
    first = deletion.active_links(person.consumer)[0]
    response = client.post("/my/delete/", data={**choices(person), f"{field}-{first.id}": value})
    assert response.status_code == 400
    assert f'data-error="{field}-{first.id}">{message}<' in response.text
    assert db.session.scalar(select(func.count()).select_from(OneTimeCode).where(
        OneTimeCode.purpose == deletion.CODE_PURPOSE)) == 0


def test_a_paper_receipt_needs_a_postal_address(client, person):
    sign_in(client, person.email)
    second = deletion.active_links(person.consumer)[1]
    response = client.post("/my/delete/", data={**choices(person), f"address-{second.id}": "  "})
    assert response.status_code == 400
    assert f'data-error="address-{second.id}">Укажите почтовый адрес доставки квитанции<' in response.text


def test_a_wrong_code_is_refused_and_changes_nothing(client, person, code_for):
    sign_in(client, person.email)
    assert client.post("/my/delete/", data=choices(person)).location.endswith("/my/delete/confirm/")
    right = code_for(person.phone)
    response = client.post("/my/delete/confirm/", data={"code": "000000" if right != "000000" else "111111"})
    assert "Неверный код подтверждения" in response.text
    assert untouched(person) and signed_in(client)


def test_the_right_code_deletes_then_the_login_and_the_old_session_are_dead_and_the_person_may_register_again(
        app, client, person, code_for):
    email, phone, snils = person.email, person.phone, person.consumer.snils
    sign_in(client, email)
    old_session = client.get_cookie("session").value
    client.post("/my/delete/", data=choices(person))
    done = client.post("/my/delete/confirm/", data={"code": code_for(phone)})
    assert "Личный кабинет удален" in done.text and not signed_in(client)

    thief = app.test_client()
    thief.set_cookie("session", old_session)
    assert not signed_in(thief)
    for login in (email, phone):
        sign_in(client, login)
        assert not signed_in(client)

    again = client.post("/register/", data=form_data(email=email, phone=phone, snils=snils))
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(KabinetUser).where(KabinetUser.email == email)).id != person.id
    assert db.session.scalar(select(func.count()).select_from(ConsumerProfile).where(
        ConsumerProfile.snils == snils)) == 1


def test_a_used_code_does_not_work_twice(client, person, code_for):
    sign_in(client, person.email)
    client.post("/my/delete/", data=choices(person))
    code = code_for(person.phone)
    client.post("/my/delete/confirm/", data={"code": code})
    other = make_consumer()
    sign_in(client, other.email)
    client.post("/my/delete/confirm/", data={"code": code})
    assert untouched(other, links=0)


@pytest.mark.parametrize("path", ["/my/delete/", "/my/delete/confirm/"])
def test_anonymous_is_sent_to_the_login(client, ctx, path):
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 302 and "/login/" in response.location


@pytest.mark.parametrize("role", [STAFF, ORG_ADMIN, ADMIN])
@pytest.mark.parametrize("path", ["/my/delete/", "/my/delete/confirm/"])
def test_staff_and_admins_cannot_delete_their_account_here(client, ctx, login, role, path):
    staff = login(make_staff(role))
    for method in (client.get, client.post):
        response = method(path, data={"code": "123456"})
        assert response.status_code == 403 and "Личный кабинет удален" not in response.text
    db.session.expire_all()
    assert db.session.get(KabinetUser, staff.id).active


def test_unlinked_accounts_are_not_offered(client, person):
    first = deletion.active_links(person.consumer)[0]
    db.session.get(AccountLink, first.id).unlinked_at = db.func.now()
    db.session.commit()
    sign_in(client, person.email)
    assert first.account.number not in client.get("/my/delete/").text
