"""A5 «Мои данные»: per legal form, required «*», completeness, contacts by code, access."""
from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditRecord, KabinetUser, LegalForm
from app.security.roles import ORG_ADMIN, STAFF
from tests.accounts.conftest import good_ogrn, good_ogrnip
from tests.accounts.test_registration import error_under
from tests.factories import make_consumer, make_staff
from workflows.accounts.profile import missing_profile_fields, profile_is_complete

FULL_INDIVIDUAL = {
    "last_name": "Иванов", "first_name": "Пётр", "middle_name": "Сергеевич", "inn": "",
    "birth_date": "02.01.1980", "birth_place": "г. Казань",
    "passport_series": "9200", "passport_number": "123456", "passport_issued_by": "ОВД Вахитовского района",
    "passport_issued_on": "15.03.2005", "passport_department_code": "160-001",
    "registration_address": "г. Казань, ул. Баумана, 1", "postal_address": "г. Казань, ул. Баумана, 1",
}


@pytest.fixture
def consumer(ctx, login):
    return login(make_consumer(LegalForm.INDIVIDUAL))


def test_profile_shows_the_fields_of_the_legal_form_with_required_marks(client, consumer):
    page = client.get("/my/profile/")
    assert page.status_code == 200
    assert "Мои данные" in page.text
    assert "Внимание! Для подачи заявки необходимо заполнить все обязательные поля" in page.text
    assert 'class="control-label kb-required">Серия паспорта' in page.text
    assert 'class="control-label kb-required">Отчество' not in page.text
    assert "Наименование организации" not in page.text
    # header: name, legal form and identifier (A5)
    assert "Физическое лицо - СНИЛС:" in page.text


@pytest.mark.parametrize("legal_form, present, absent", [
    (LegalForm.ENTREPRENEUR, ["Наименование ИП", "Дата внесения в ЕГРИП"], ["Должность"]),
    (LegalForm.LEGAL_ENTITY, ["Наименование организации", "Должность", "Юридический адрес", "Данные о представителе"],
     ["Серия паспорта"]),
])
def test_profile_form_differs_by_legal_form(client, ctx, login, legal_form, present, absent):
    valid = {LegalForm.LEGAL_ENTITY: {"ogrn": good_ogrn()}, LegalForm.ENTREPRENEUR: {"ogrnip": good_ogrnip()}}
    login(make_consumer(legal_form, **valid[legal_form]))
    page = client.get("/my/profile/")
    for label in present:
        assert label in page.text
    for label in absent:
        assert label not in page.text


def test_filling_every_required_field_completes_the_profile(client, consumer, fresh):
    assert not profile_is_complete(consumer.consumer)
    response = client.post("/my/profile/", data=FULL_INDIVIDUAL)
    assert response.status_code == 302
    profile = fresh(consumer).consumer
    assert profile.birth_date == date(1980, 1, 2) and profile.passport_department_code == "160-001"
    assert missing_profile_fields(profile) == []
    page = client.get(response.location)
    assert "Данные сохранены" in page.text
    assert "Внимание! Для подачи заявки" not in page.text
    audit = db.session.scalar(select(AuditRecord).where(AuditRecord.action == "account.profile_updated"))
    assert audit.after["passport_number"] == "123456" and audit.before["passport_number"] is None


INVALID = [
    ("last_name", "", "Заполните обязательное поле"),
    ("first_name", "Пётр2", "не более 50 символов"),
    ("middle_name", "С" * 51, "не более 50 символов"),
    ("birth_date", "1980-01-02", "Введите дату в формате ДД.ММ.ГГГГ"),
    ("birth_date", "31.02.1980", "Введите дату в формате ДД.ММ.ГГГГ"),
    ("birth_date", "", "Заполните обязательное поле"),
    ("passport_series", "92", "Серия паспорта — 4 цифры"),
    ("passport_number", "12345a", "Номер паспорта — 6 цифр"),
    ("passport_department_code", "160001", "Код подразделения в формате 000-000"),
    ("inn", "123", "ИНН должен содержать 12 цифр"),
    ("registration_address", "", "Заполните обязательное поле"),
]


@pytest.mark.parametrize("field, value, message", INVALID)
def test_each_invalid_profile_value_shows_its_message_and_changes_nothing(client, consumer, fresh, field, value,
                                                                         message):
    before = {c: getattr(consumer.consumer, c) for c in FULL_INDIVIDUAL}
    page = client.post("/my/profile/", data={**FULL_INDIVIDUAL, field: value})
    assert page.status_code == 200
    assert error_under(page.text, field, message)
    profile = fresh(consumer).consumer
    assert {c: getattr(profile, c) for c in FULL_INDIVIDUAL} == before


def test_legal_entity_kpp_is_checked(client, ctx, login):
    user = login(make_consumer(LegalForm.LEGAL_ENTITY, ogrn=good_ogrn()))
    page = client.post("/my/profile/", data={"org_name": "ООО «Ромашка»", "kpp": "12", "last_name": "Иванов",
                                             "first_name": "Иван", "position": "Директор"})
    assert error_under(page.text, "kpp", "КПП должен содержать 9 символов")


def test_identifiers_used_to_sign_in_cannot_be_changed_in_the_profile(client, consumer, fresh):
    snils = consumer.consumer.snils
    client.post("/my/profile/", data={**FULL_INDIVIDUAL, "snils": "11111111145"})
    assert fresh(consumer).consumer.snils == snils


def test_phone_change_needs_a_code_sent_to_the_new_number(client, consumer, fresh, code_for):
    other = make_consumer()
    page = client.post("/my/phone/", data={"phone": other.phone})
    assert error_under(page.text, "phone",
                       "На указанный номер уже зарегистрирован личный кабинет. Внесите другой номер телефона.")
    page = client.post("/my/phone/", data={"phone": "123"})
    assert error_under(page.text, "phone", "Введите номер телефона в формате")
    response = client.post("/my/phone/", data={"phone": "8 900 111-22-33"})
    assert response.location.endswith("/my/phone/confirm/")
    code = code_for("+79001112233")
    wrong = "000000" if code != "000000" else "111111"
    page = client.post("/my/phone/confirm/", data={"code": wrong})
    assert "Неверный код подтверждения" in page.text
    assert fresh(consumer).phone != "+79001112233"
    response = client.post("/my/phone/confirm/", data={"code": code})
    assert "Номер телефона успешно изменен" in client.get(response.location).text
    user = fresh(consumer)
    assert user.phone == "+79001112233" and user.phone_confirmed_at is not None


def test_email_change_needs_a_code_sent_to_the_new_address(client, consumer, fresh, code_for):
    other = make_consumer()
    page = client.post("/my/email/", data={"email": other.email})
    assert error_under(page.text, "email", "Указанная электронная почта уже зарегистрирована в личном кабинете.")
    client.post("/my/email/", data={"email": "New.Address@example.ru"})
    response = client.post("/my/email/confirm/", data={"code": code_for("new.address@example.ru")})
    assert "Адрес электронной почты подтвержден" in client.get(response.location).text
    assert fresh(consumer).email == "new.address@example.ru"


def test_unconfirmed_email_is_confirmed_by_a_new_link_from_the_profile(client, ctx, login, fresh, link_for):
    from app.models.base import utcnow

    user = make_consumer(confirmed=False)
    user.phone_confirmed_at = utcnow()
    db.session.commit()
    login(user)
    page = client.get("/my/profile/")
    assert "перейдите по ссылке из письма" in page.text and "Отправить письмо повторно" in page.text
    client.post("/my/email/link/")
    client.get("/" + link_for(user.email).split("://", 1)[1].split("/", 1)[1])
    assert fresh(user).email_confirmed_at is not None


def test_notification_preferences(client, consumer, fresh):
    client.post("/my/notify-settings/", data={"notify_email": "y"})
    user = fresh(consumer)
    assert user.notify_email is True and user.notify_sms is False
    client.post("/my/notify-settings/", data={"notify_sms": "y"})
    user = fresh(consumer)
    assert user.notify_email is False and user.notify_sms is True


def test_navbar_profile_link_leads_to_my_data(client, consumer):
    assert client.get("/users/userinfo/").location.endswith("/my/profile/")


# ---- who reaches which page ----------------------------------------------------------------

CONSUMER_PAGES = ["/my/profile/", "/my/phone/", "/my/email/"]
EVERYONE_PAGES = ["/my/security/", "/my/password/", "/my/security/totp/"]


@pytest.mark.parametrize("url", CONSUMER_PAGES + EVERYONE_PAGES)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response.location


@pytest.mark.parametrize("url", CONSUMER_PAGES + EVERYONE_PAGES)
def test_consumer_reaches_own_pages(client, consumer, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", [STAFF, ORG_ADMIN])
@pytest.mark.parametrize("url", CONSUMER_PAGES)
def test_staff_do_not_reach_consumer_pages(client, ctx, login, role, url):
    login(make_staff(role))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", [STAFF, ORG_ADMIN])
@pytest.mark.parametrize("url", EVERYONE_PAGES)
def test_staff_reach_security_pages(client, ctx, login, role, url):
    login(make_staff(role))
    assert client.get(url).status_code == 200


def test_a_consumer_sees_only_their_own_data(client, ctx, login):
    me = make_consumer()
    other = make_consumer(last_name="Сидоров")
    login(me)
    page = client.get("/my/profile/")
    assert me.email in page.text
    assert other.email not in page.text and other.consumer.snils not in page.text


def test_profile_form_is_protected_by_csrf(app, client, consumer, fresh):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = client.post("/my/profile/", data=FULL_INDIVIDUAL)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert page.status_code in (200, 400)
    assert fresh(consumer).consumer.passport_number is None
