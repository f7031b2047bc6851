"""A3, A4, A10: sign-in by every identifier or by code, passwords, sessions, TOTP, limits."""
from datetime import datetime

import pytest
import time_machine
from sqlalchemy import select

from app.extensions import db
from app.core.jobs.queue import dispatch_ready
from app.models import AuditRecord, KabinetUser, LegalForm
from app.models.base import utcnow
from app.security.roles import STAFF
from tests.accounts.conftest import good_ogrn, good_ogrnip
from tests.factories import PASSWORD, make_consumer, make_staff


def sign_in(client, login, password=PASSWORD, **extra):
    return client.post("/login/", data={"username": login, "password": password, **extra})


def signed_in_as(client):
    """The id in the session cookie, or None."""
    with client.session_transaction() as session:
        value = session.get("_user_id")
    return int(value.split(":")[0]) if value else None


@pytest.fixture
def individual(ctx):
    return make_consumer(LegalForm.INDIVIDUAL, registration_address="г. Казань", postal_address="г. Казань",
                         birth_date=datetime(1980, 1, 2).date(), passport_series="9200", passport_number="123456",
                         passport_issued_by="ОВД", passport_issued_on=datetime(2005, 1, 2).date())


@pytest.mark.parametrize("how", ["email", "EMAIL", "phone", "phone8", "snils", "snils_dashed"])
def test_consumer_signs_in_with_any_identifier_of_an_individual(client, individual, how):
    consumer = individual.consumer
    digits = individual.phone[2:]
    login = {
        "email": individual.email, "EMAIL": individual.email.upper(), "phone": individual.phone,
        "phone8": f"8 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}",
        "snils": consumer.snils,
        "snils_dashed": f"{consumer.snils[:3]}-{consumer.snils[3:6]}-{consumer.snils[6:9]} {consumer.snils[9:]}",
    }[how]
    response = sign_in(client, login)
    assert response.status_code == 302
    assert signed_in_as(client) == individual.id


def test_signs_in_with_ogrn_and_ogrnip(client, ctx):
    entity = make_consumer(LegalForm.LEGAL_ENTITY, ogrn=good_ogrn())
    entrepreneur = make_consumer(LegalForm.ENTREPRENEUR, ogrnip=good_ogrnip())
    sign_in(client, entity.consumer.ogrn)
    assert signed_in_as(client) == entity.id
    client.post("/logout/")
    sign_in(client, entrepreneur.consumer.ogrnip)
    assert signed_in_as(client) == entrepreneur.id


def test_wrong_password_and_unknown_login_get_the_same_answer(client, individual):
    wrong = sign_in(client, individual.email, "Wrong-123!")
    unknown = sign_in(client, "nobody@example.ru", "Wrong-123!")
    assert wrong.status_code == unknown.status_code == 200
    assert "Неверный логин или пароль" in wrong.text and "Неверный логин или пароль" in unknown.text
    strip = lambda html: html.replace("nobody@example.ru", "X").replace(individual.email, "X")
    assert strip(wrong.text) == strip(unknown.text)
    assert signed_in_as(client) is None


def test_unknown_login_still_checks_a_password_hash(client, individual, monkeypatch):
    import workflows.accounts.login as login_flow

    calls = []
    original = login_flow.check_password_hash
    monkeypatch.setattr(login_flow, "check_password_hash", lambda *a: calls.append(1) or original(*a))
    sign_in(client, "nobody@example.ru", "Wrong-123!")
    sign_in(client, individual.email, "Wrong-123!")
    assert len(calls) == 2


def test_login_by_email_needs_a_confirmed_email(client, ctx):
    user = make_consumer(confirmed=False)
    user.phone_confirmed_at = utcnow()
    db.session.commit()
    response = sign_in(client, user.email)
    assert "Адрес электронной почты не подтвержден" in response.text
    assert signed_in_as(client) is None
    sign_in(client, user.phone)
    assert signed_in_as(client) == user.id


def test_remember_me_sets_a_long_lived_cookie(client, individual):
    sign_in(client, individual.email)
    assert client.get_cookie("remember_token") is None
    client.post("/logout/")
    sign_in(client, individual.email, remember="y")
    assert client.get_cookie("remember_token") is not None


def test_first_login_of_a_consumer_leads_to_my_data_and_staff_go_home(client, ctx):
    consumer = make_consumer()
    assert sign_in(client, consumer.email).location.endswith("/my/profile/")
    client.post("/logout/")
    staff = make_staff(STAFF)
    assert sign_in(client, staff.email).location == "/"


def test_complete_profile_goes_to_next_on_later_logins(client, individual):
    sign_in(client, individual.email)
    client.post("/logout/")
    response = client.post("/login/?next=/my/security/", data={"username": individual.email, "password": PASSWORD})
    assert response.location.endswith("/my/security/")


def test_next_is_never_an_outside_site(client, individual):
    sign_in(client, individual.email)
    client.post("/logout/")
    response = client.post("/login/?next=https://evil.example/", data={"username": individual.email,
                                                                       "password": PASSWORD})
    assert "evil.example" not in response.location


def test_login_is_rate_limited(client, individual, app):
    for _ in range(10):
        assert sign_in(client, individual.email, "Wrong-123!").status_code == 200
    blocked = sign_in(client, individual.email)
    assert blocked.status_code == 429
    assert "Слишком много попыток" in blocked.text
    assert signed_in_as(client) is None


def test_login_by_code_to_email_and_phone(client, individual, code_for):
    for destination in (individual.email, individual.phone):
        response = client.post("/login/code/", data={"destination": destination})
        assert response.location.endswith("/login/code/enter/")
        response = client.post("/login/code/enter/", data={"code": code_for(destination)})
        assert response.status_code == 302
        assert signed_in_as(client) == individual.id
        client.post("/logout/")


def test_login_code_for_unknown_address_looks_the_same_and_sends_nothing(client, individual, sent):
    known = client.post("/login/code/", data={"destination": individual.email})
    unknown = client.post("/login/code/", data={"destination": "nobody@example.ru"})
    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location
    assert [m["To"] for m in sent.emails] == [individual.email]


def test_login_by_email_code_confirms_the_email(client, ctx, code_for):
    user = make_consumer(confirmed=False)
    user.phone_confirmed_at = utcnow()
    db.session.commit()
    client.post("/login/code/", data={"destination": user.email})
    client.post("/login/code/enter/", data={"code": code_for(user.email)})
    db.session.expire_all()
    assert db.session.get(KabinetUser, user.id).email_confirmed_at is not None


def test_wrong_login_code_is_refused_and_counted(client, individual, code_for):
    client.post("/login/code/", data={"destination": individual.phone})
    code = code_for(individual.phone)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        page = client.post("/login/code/enter/", data={"code": wrong})
        assert "Неверный код подтверждения" in page.text
    page = client.post("/login/code/enter/", data={"code": wrong})
    assert "Превышено количество попыток" in page.text
    page = client.post("/login/code/enter/", data={"code": code})
    assert "Превышено количество попыток" in page.text
    assert signed_in_as(client) is None


def test_password_change_needs_the_current_one_and_ends_other_sessions(app, client, individual):
    sign_in(client, individual.email)
    other = app.test_client()
    other.post("/login/", data={"username": individual.email, "password": PASSWORD})
    assert other.get("/my/profile/").status_code == 200

    page = client.post("/my/password/", data={"current": "Wrong-1!", "password": "Newpass-1!", "confirm": "Newpass-1!"})
    assert "Текущий пароль указан неверно" in page.text
    page = client.post("/my/password/", data={"current": PASSWORD, "password": "weak", "confirm": "weak"})
    assert "Пароль должен содержать не менее 6 знаков" in page.text
    response = client.post("/my/password/", data={"current": PASSWORD, "password": "Newpass-1!",
                                                   "confirm": "Newpass-1!"})
    assert response.status_code == 302
    # this browser stays signed in, the other one is out
    assert client.get("/my/profile/").status_code == 200
    assert other.get("/my/profile/").status_code == 302
    client.post("/logout/")
    assert signed_in_as(client) is None
    sign_in(client, individual.email)
    assert signed_in_as(client) is None
    sign_in(client, individual.email, "Newpass-1!")
    assert signed_in_as(client) == individual.id
    assert db.session.scalar(select(AuditRecord).where(AuditRecord.action == "account.password_changed"))


def test_forgot_password_by_sms_code(client, individual, code_for):
    page = client.get("/login/")
    assert "Забыли пароль?" in page.text and "Запомнить меня" in page.text
    response = client.post("/password/forgot/", data={"destination": individual.phone})
    assert response.location.endswith("/password/forgot/code/")
    page = client.post("/password/forgot/code/", data={"code": code_for(individual.phone),
                                                       "password": "weak", "confirm": "weak"})
    assert "Пароль должен содержать не менее 6 знаков" in page.text
    response = client.post("/password/forgot/code/", data={"code": code_for(individual.phone),
                                                           "password": "Brandnew-7$", "confirm": "Brandnew-7$"})
    assert response.location.endswith("/login/")
    sign_in(client, individual.phone, "Brandnew-7$")
    assert signed_in_as(client) == individual.id


def test_forgot_password_by_email_link_is_single_use(client, individual, link_for):
    client.post("/password/forgot/", data={"destination": individual.email})
    link = link_for(individual.email)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert path.startswith("/password/reset/")
    assert "Сменить пароль" in client.get(path).text
    response = client.post(path, data={"password": "Brandnew-7$", "confirm": "Brandnew-7$"})
    assert response.location.endswith("/login/")
    assert "Ссылка недействительна" in client.get(path).text
    sign_in(client, individual.email, "Brandnew-7$")
    assert signed_in_as(client) == individual.id


def test_password_reset_ends_existing_sessions(app, client, individual, code_for):
    sign_in(client, individual.email)
    anonymous = app.test_client()
    anonymous.post("/password/forgot/", data={"destination": individual.phone})
    anonymous.post("/password/forgot/code/", data={"code": code_for(individual.phone),
                                                   "password": "Brandnew-7$", "confirm": "Brandnew-7$"})
    assert client.get("/my/profile/").status_code == 302


def test_forgot_password_for_unconfirmed_email_sends_nothing(client, ctx, sent):
    user = make_consumer(confirmed=False)
    response = client.post("/password/forgot/", data={"destination": user.email})
    assert response.location.endswith("/password/forgot/code/")
    assert sent.emails == []


def test_account_opened_at_the_office_gets_a_single_use_setup_link(client, ctx, sent, link_for):
    from workflows.accounts.passwords import send_password_setup

    user = make_consumer(confirmed=False)
    user.phone_confirmed_at = utcnow()
    send_password_setup(user)
    db.session.commit()
    dispatch_ready()
    mail = sent.emails[-1]
    assert user.email in mail.get_content()
    path = "/" + link_for(user.email).split("://", 1)[1].split("/", 1)[1]
    assert path.startswith("/password/set/")
    response = client.post(path, data={"password": "Office-12#", "confirm": "Office-12#"})
    assert response.location.endswith("/login/")
    assert "Ссылка недействительна" in client.get(path).text
    sign_in(client, user.email, "Office-12#")  # the link proved the email
    assert signed_in_as(client) == user.id


def test_setup_link_expires(client, ctx, link_for):
    from workflows.accounts.passwords import send_password_setup

    user = make_consumer()
    with time_machine.travel(datetime(2026, 5, 1, 10, 0), tick=False):
        send_password_setup(user)
        db.session.commit()
        dispatch_ready()
    path = "/" + link_for(user.email).split("://", 1)[1].split("/", 1)[1]
    with time_machine.travel(datetime(2026, 5, 4, 10, 1), tick=False):
        assert "Срок действия ссылки истек" in client.get(path).text


def test_user_who_must_set_a_password_is_sent_there_first(client, ctx, login):
    user = make_consumer()
    user.must_set_password = True
    db.session.commit()
    login(user)
    assert client.get("/my/profile/").location.endswith("/password/new/")
    client.post("/password/new/", data={"password": "Office-12#", "confirm": "Office-12#"})
    assert client.get("/my/profile/").status_code == 200


def test_password_change_is_told_to_the_user(client, individual, sent):
    sign_in(client, individual.email)
    client.post("/my/password/", data={"current": PASSWORD, "password": "Newpass-1!", "confirm": "Newpass-1!"})
    assert any(m["To"] == individual.email and "Пароль от личного кабинета изменен" in m["Subject"]
               for m in sent.emails)
    assert any(phone == individual.phone and "Пароль" in text for phone, text in sent.sms)


def test_asking_twice_for_a_login_code_does_not_reveal_the_account(client, individual, sent, code_for):
    first = client.post("/login/code/", data={"destination": individual.phone})
    code = code_for(individual.phone)
    again = client.post("/login/code/", data={"destination": individual.phone})  # within the cooldown
    unknown = client.post("/login/code/", data={"destination": "+79000000000"})
    assert first.location == again.location == unknown.location
    assert len(sent.sms) == 1
    client.post("/login/code/", data={"destination": individual.phone})
    assert client.post("/login/code/enter/", data={"code": code}).status_code == 302  # the first code still works
    assert signed_in_as(client) == individual.id


def test_code_requests_are_rate_limited_per_ip(client, ctx, app):
    limit = int(app.config["CODE_RATE_LIMIT"].split()[0])
    for i in range(limit):
        assert client.post("/login/code/", data={"destination": f"+7900000000{i}"}).status_code == 302
    assert client.post("/login/code/", data={"destination": "+79000000099"}).status_code == 429


def test_menu_shows_my_data_to_consumers_only(client, ctx, login):
    consumer = make_consumer()
    login(consumer)
    assert "fa-id-card" in client.get("/my/security/").text  # the navbar entry «Мои данные»
    client.post("/logout/")
    login(make_staff(STAFF))
    assert "fa-id-card" not in client.get("/my/security/").text


def test_one_account_is_throttled_even_from_many_addresses(client, individual):
    for i in range(10):
        response = client.post("/login/", data={"username": individual.email, "password": "Wrong-123!"},
                               environ_base={"REMOTE_ADDR": f"10.1.0.{i}"})
        assert response.status_code == 200
    blocked = client.post("/login/", data={"username": individual.email.upper(), "password": PASSWORD},
                          environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert blocked.status_code == 429 and signed_in_as(client) is None
    other = make_consumer()
    assert client.post("/login/", data={"username": other.email, "password": PASSWORD},
                       environ_base={"REMOTE_ADDR": "10.1.1.2"}).status_code == 302


def test_sign_ins_and_wrong_passwords_are_in_the_audit_log(client, individual):
    sign_in(client, individual.email, "Wrong-123!")
    sign_in(client, individual.email)
    db.session.expire_all()
    actions = db.session.scalars(select(AuditRecord.action).where(AuditRecord.object_id == str(individual.id))).all()
    assert "account.login_failed" in actions and "account.login" in actions
