"""A1, A2, A7: registration per legal form, confirmation of the phone and email."""
import re
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import ConsumerProfile, KabinetUser, LegalForm, OutboxMessage
from app.core.settings import set_setting
from app.security.roles import CONSUMER
from tests.accounts.conftest import good_ogrn, good_ogrnip
from tests.factories import (
    PASSWORD,
    make_consumer,
    unique_phone,
    valid_inn_company,
    valid_inn_person,

    valid_snils,
)


def form_data(legal_form=LegalForm.INDIVIDUAL, **overrides):
    data = {
        "legal_form": legal_form.value,
        "last_name": "Туксин",
        "first_name": "Артем",
        "middle_name": "Александрович",
        "email": "tuksin@example.ru",
        "phone": "+7 (999) 123-45-67",
        "password": "Secret-123!",
        "confirm": "Secret-123!",
        "consent": "y",
    }
    if legal_form is LegalForm.INDIVIDUAL:
        data["snils"] = valid_snils()
    elif legal_form is LegalForm.ENTREPRENEUR:
        data.update(inn=valid_inn_person(), ogrnip=good_ogrnip(), org_name="ИП Туксин А. А.")
    else:
        data.update(inn=valid_inn_company(), ogrn=good_ogrn(), kpp="773601001", org_name="ООО «Ромашка»")
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def users_count():
    db.session.expire_all()
    return db.session.scalar(select(func.count(KabinetUser.id)))


def error_under(html: str, field: str, message: str) -> bool:
    """The message is shown inside the field's own form-group."""
    start = html.find(f'data-field="{field}"')
    if start < 0:
        return False
    end = html.find('data-field="', start + 10)
    return message in html[start: end if end > 0 else len(html)]


@pytest.mark.parametrize("legal_form", list(LegalForm))
def test_registration_creates_unconfirmed_consumer_sends_codes_and_tells_the_organization(
        client, ctx, legal_form, sent, code_for):
    set_setting("org_email", "office@org.ru")
    db.session.commit()
    data = form_data(legal_form)
    response = client.post("/register/", data=data)
    assert response.status_code == 302, re.findall(r"data-error=\"(\w+)\">([^<]*)<", response.text)
    assert response.location.endswith("/register/confirm/")
    db.session.expire_all()
    user = db.session.scalar(select(KabinetUser).where(KabinetUser.email == "tuksin@example.ru"))
    assert user.phone == "+79991234567"
    assert user.phone_confirmed_at is None and user.email_confirmed_at is None
    assert user.role_names == {CONSUMER}
    assert user.consumer.form is legal_form
    assert user.password != "Secret-123!"
    if legal_form is LegalForm.LEGAL_ENTITY:
        assert user.consumer.ogrn == data["ogrn"] and user.consumer.kpp == "773601001"
        assert user.consumer.org_name == "ООО «Ромашка»"
    # SMS code to the phone, a link to the email, notice to the organization (A7)
    assert code_for("+79991234567")
    recipients = {m["To"] for m in sent.emails}
    assert {"tuksin@example.ru", "office@org.ru"} <= recipients
    org_mail = next(m for m in sent.emails if m["To"] == "office@org.ru")
    assert "новый пользователь" in org_mail.get_content()
    assert legal_form.label in org_mail.get_content()


def test_phone_is_confirmed_by_the_sms_code_then_the_user_signs_in(client, ctx, code_for):
    client.post("/register/", data=form_data())
    page = client.get("/register/confirm/")
    assert "Подтверждение телефона" in page.text and "Код подтверждения" in page.text
    response = client.post("/register/confirm/", data={"code": code_for("+79991234567")})
    assert response.location.endswith("/login/")
    user = db.session.scalar(select(KabinetUser).where(KabinetUser.email == "tuksin@example.ru"))
    assert user.phone_confirmed_at is not None


def test_wrong_and_expired_confirmation_codes_are_shown_under_the_field(client, ctx, code_for):
    import time_machine
    from datetime import datetime, timedelta

    with time_machine.travel(datetime(2026, 5, 1, 10, 0), tick=False):
        client.post("/register/", data=form_data())
        code = code_for("+79991234567")
        wrong = "000000" if code != "000000" else "111111"
        page = client.post("/register/confirm/", data={"code": wrong})
        assert error_under(page.text, "code", "Неверный код подтверждения")
    with time_machine.travel(datetime(2026, 5, 1, 10, 6), tick=False):
        page = client.post("/register/confirm/", data={"code": code})
        assert error_under(page.text, "code", "Срок действия кода истек. Повторите попытку!")
        # «Отправить код» sends a new one, which works
        client.post("/register/resend/", data={"phone": "+79991234567"})
        new = code_for("+79991234567")
        assert client.post("/register/confirm/", data={"code": new}).location.endswith("/login/")


def test_resend_is_refused_within_the_cooldown(client, ctx):
    client.post("/register/", data=form_data())
    response = client.post("/register/resend/", data={"phone": "+79991234567"})
    response = client.get(response.location)
    assert "Повторная отправка кода возможна через" in response.text
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.channel == "sms")) == 1


def test_email_is_confirmed_by_the_link(client, ctx, link_for):
    client.post("/register/", data=form_data())
    link = link_for("tuksin@example.ru")
    assert "/register/email/" in link
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 302
    user = db.session.scalar(select(KabinetUser).where(KabinetUser.email == "tuksin@example.ru"))
    assert user.email_confirmed_at is not None
    again = client.get("/" + path)
    assert "Ссылка недействительна или уже использована" in again.text


REQUIRED = "Заполните обязательное поле"
PASSWORD_RULE = "Пароль должен содержать не менее 6 знаков"
NAME_RULE = "не более 50 символов"

INVALID_VALUES = [
    # (legal form, field, value, message)
    (LegalForm.INDIVIDUAL, "snils", "", REQUIRED),
    (LegalForm.INDIVIDUAL, "snils", "049-114-804 48", "Некорректный СНИЛС: не совпадает контрольное число"),
    (LegalForm.INDIVIDUAL, "snils", "0491148044", "СНИЛС должен содержать 11 цифр"),
    (LegalForm.INDIVIDUAL, "inn", "7707083893", "ИНН должен содержать 12 цифр"),
    (LegalForm.INDIVIDUAL, "inn", "500100732258", "Некорректный ИНН"),
    (LegalForm.INDIVIDUAL, "last_name", "", REQUIRED),
    (LegalForm.INDIVIDUAL, "last_name", "Иванов1", NAME_RULE),
    (LegalForm.INDIVIDUAL, "last_name", "Я" * 51, NAME_RULE),
    (LegalForm.INDIVIDUAL, "first_name", "", REQUIRED),
    (LegalForm.INDIVIDUAL, "first_name", "Пётр!", NAME_RULE),
    (LegalForm.INDIVIDUAL, "middle_name", "Сергеевич_", NAME_RULE),
    (LegalForm.INDIVIDUAL, "email", "", REQUIRED),
    (LegalForm.INDIVIDUAL, "email", "not-an-email", "Введите корректный адрес электронной почты"),
    (LegalForm.INDIVIDUAL, "phone", "", REQUIRED),
    (LegalForm.INDIVIDUAL, "phone", "12345", "Введите номер телефона в формате +7 (XXX) XXX-XX-XX"),
    (LegalForm.INDIVIDUAL, "password", "", REQUIRED),
    (LegalForm.INDIVIDUAL, "password", "Ab1!", PASSWORD_RULE),
    (LegalForm.INDIVIDUAL, "password", "abcdef1!", PASSWORD_RULE),
    (LegalForm.INDIVIDUAL, "password", "ABCDEF1!", PASSWORD_RULE),
    (LegalForm.INDIVIDUAL, "password", "Abcdefg!", PASSWORD_RULE),
    (LegalForm.INDIVIDUAL, "password", "Abcdefg1", PASSWORD_RULE),
    (LegalForm.INDIVIDUAL, "password", "Пароль1!Ab", PASSWORD_RULE),
    (LegalForm.INDIVIDUAL, "confirm", "Other-123!", "Пароли не совпадают"),
    (LegalForm.INDIVIDUAL, "consent", None, "Необходимо согласие с условиями обработки персональных данных"),
    (LegalForm.ENTREPRENEUR, "inn", "", REQUIRED),
    (LegalForm.ENTREPRENEUR, "inn", "7707083893", "ИНН должен содержать 12 цифр"),
    (LegalForm.ENTREPRENEUR, "ogrnip", "", REQUIRED),
    (LegalForm.ENTREPRENEUR, "ogrnip", "304500116000158", "Некорректный ОГРНИП: не совпадает контрольное число"),
    (LegalForm.ENTREPRENEUR, "ogrnip", "1027700132195", "ОГРНИП должен содержать 15 цифр"),
    (LegalForm.ENTREPRENEUR, "org_name", "", REQUIRED),
    (LegalForm.LEGAL_ENTITY, "inn", "500100732259", "ИНН должен содержать 10 цифр"),
    (LegalForm.LEGAL_ENTITY, "inn", "7707083894", "Некорректный ИНН: не совпадает контрольное число"),
    (LegalForm.LEGAL_ENTITY, "ogrn", "", REQUIRED),
    (LegalForm.LEGAL_ENTITY, "ogrn", "1027700132196", "Некорректный ОГРН: не совпадает контрольное число"),
    (LegalForm.LEGAL_ENTITY, "ogrn", "102770013219", "ОГРН должен содержать 13 цифр"),
    (LegalForm.LEGAL_ENTITY, "kpp", "", REQUIRED),
    (LegalForm.LEGAL_ENTITY, "kpp", "77360100", "КПП должен содержать 9 символов"),
    (LegalForm.LEGAL_ENTITY, "org_name", "", REQUIRED),
    (LegalForm.LEGAL_ENTITY, "last_name", "Smith 2", NAME_RULE),
]


@pytest.mark.parametrize("legal_form, field, value, message", INVALID_VALUES,
                         ids=[f"{f.short}-{n}-{v!r:.12}" for f, n, v, _ in INVALID_VALUES])
def test_each_invalid_value_shows_its_message_under_the_field_and_creates_nothing(
        client, ctx, legal_form, field, value, message):
    data = form_data(legal_form, **{field: value})
    if value is None:
        data.pop(field, None)
    if field == "password":
        data["confirm"] = value
    response = client.post("/register/", data=data)
    assert response.status_code == 200
    assert error_under(response.text, field, message), response.text[:0]
    assert users_count() == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_names_accept_cyrillic_latin_hyphen_and_dash(client, ctx):
    data = form_data(last_name="Салтыков-Щедрин", first_name="Anna—Maria", middle_name=None)
    assert client.post("/register/", data=data).status_code == 302


def test_minimum_password_length_is_a_setting(client, ctx):
    set_setting("password_min_length", 10)
    db.session.commit()
    response = client.post("/register/", data=form_data(password="Abcd-123!", confirm="Abcd-123!"))
    assert error_under(response.text, "password", "не менее 10 знаков")
    assert users_count() == 0


def test_fields_of_other_legal_forms_are_ignored(client, ctx):
    data = form_data(LegalForm.INDIVIDUAL, ogrn="garbage", kpp="x")
    assert client.post("/register/", data=data).status_code == 302
    profile = db.session.scalar(select(ConsumerProfile))
    assert profile.ogrn is None and profile.kpp is None


@pytest.mark.parametrize("field, message", [
    ("phone", "На указанный номер уже зарегистрирован личный кабинет. Внесите другой номер телефона."),
    ("email", "Указанная электронная почта уже зарегистрирована в личном кабинете. Укажите другой адрес."),
    ("snils", "Указанный СНИЛС уже зарегистрирован в личном кабинете. Укажите другой СНИЛС."),
    ("ogrn", "Указанный ОГРН уже зарегистрирован в личном кабинете. Укажите другой ОГРН."),
    ("ogrnip", "Указанный ОГРНИП уже зарегистрирован в личном кабинете. Укажите другой ОГРНИП."),
])
def test_duplicates_are_refused_with_the_seed_messages(client, ctx, field, message):
    legal_form = {"ogrn": LegalForm.LEGAL_ENTITY, "ogrnip": LegalForm.ENTREPRENEUR}.get(field, LegalForm.INDIVIDUAL)
    valid = {"ogrn": {"ogrn": good_ogrn()}, "ogrnip": {"ogrnip": good_ogrnip()}}.get(field, {})
    existing = make_consumer(legal_form, **valid)
    value = {"phone": existing.phone, "email": existing.email.upper()}.get(field) or getattr(existing.consumer, field)
    before = users_count()
    response = client.post("/register/", data=form_data(legal_form, **{field: value}))
    assert error_under(response.text, field, message)
    assert users_count() == before


def test_consent_links_to_the_policy_and_the_simple_signature_agreement(client):
    page = client.get("/register/")
    assert 'href="/page/privacy"' in page.text and 'href="/page/simple-signature"' in page.text
    assert "Я согласен с условиями по обработке персональных данных" in page.text
    assert "63-ФЗ" in page.text


def test_registration_form_is_protected_by_csrf(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/register/", data=form_data())
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code in (200, 400)
    with app.app_context():
        assert users_count() == 0


def test_unconfirmed_user_who_signs_in_is_sent_to_confirm_the_phone(client, ctx, code_for):
    client.post("/register/", data=form_data())
    client.post("/logout/")
    with client.session_transaction() as session:
        session.clear()
    response = client.post("/login/", data={"username": "+79991234567", "password": "Secret-123!"})
    assert response.location.endswith("/register/confirm/")
    assert client.get("/my/profile/").location.endswith("/register/confirm/")
    client.post("/register/confirm/", data={"code": code_for("+79991234567")})
    assert client.get("/my/profile/").status_code == 200


def test_a_mistyped_phone_is_corrected_before_confirmation(client, ctx, code_for, fresh):
    import time_machine
    from datetime import datetime

    taken = make_consumer()
    with time_machine.travel(datetime(2026, 5, 1, 10, 0), tick=False):
        client.post("/register/", data=form_data())
    with time_machine.travel(datetime(2026, 5, 1, 10, 2), tick=False):
        page = client.get("/register/confirm/")
        assert 'value="+79991234567"' in page.text and "Отправить код" in page.text
        response = client.post("/register/resend/", data={"phone": taken.phone})
        assert "На указанный номер уже зарегистрирован личный кабинет" in client.get(response.location).text
        response = client.post("/register/resend/", data={"phone": "8 (999) 000-11-22"})
        assert "+7 (999) ***-**-22" in client.get(response.location).text
        assert client.post("/register/confirm/", data={"code": code_for("+79990001122")}).location.endswith("/login/")
    user = db.session.scalar(select(KabinetUser).where(KabinetUser.email == "tuksin@example.ru"))
    assert user.phone == "+79990001122" and user.phone_confirmed_at is not None
