"""F5 and A6: staff find consumers, admins block them, staff open accounts at the office."""
import re

import pytest

from app.extensions import db
from app.core.identifiers import format_snils
from app.models import AuditRecord, ConsumerProfile, KabinetUser, LegalForm
from tests.factories import make_consumer, unique_phone, valid_inn_company, valid_snils


def valid_ogrn() -> str:
    """A 13-digit ОГРН with a correct control digit (tests/factories.valid_ogrn computes it mod 13)."""
    import random

    base = "1027" + "".join(random.choice("0123456789") for _ in range(8))
    return base + str(int(base) % 11 % 10)


@pytest.fixture
def people(ctx):
    return {
        "ivanov": make_consumer(last_name="Иванов", first_name="Пётр"),
        "petrova": make_consumer(last_name="Петрова", first_name="Мария"),
        "company": make_consumer(LegalForm.LEGAL_ENTITY, last_name="Сидоров", org_name="ООО «Ромашка»"),
    }


def _found(client, q):
    body = client.get("/admin/consumers/", query_string={"q": q}).get_data(as_text=True)
    return {int(i) for i in re.findall(r'data-user="(\d+)"', body)}


def test_find_consumer_by_name_email_phone_and_identifiers(client, login, staff, people):
    login(staff)
    ivanov, petrova, company = people["ivanov"], people["petrova"], people["company"]
    assert _found(client, "Петрова") == {petrova.id}
    assert _found(client, "петрова мария") == {petrova.id}
    assert _found(client, "Ромашка") == {company.id}
    assert _found(client, ivanov.email.upper()) == {ivanov.id}
    phone = ivanov.phone
    assert _found(client, f"8 ({phone[2:5]}) {phone[5:8]}-{phone[8:10]}-{phone[10:]}") == {ivanov.id}
    assert _found(client, format_snils(ivanov.consumer.snils)) == {ivanov.id}
    assert _found(client, company.consumer.ogrn) == {company.id}
    assert _found(client, company.consumer.inn) == {company.id}
    assert _found(client, "Несуществующий") == set()


def test_admin_blocks_and_unblocks_a_consumer(client, login, org_admin, people):
    victim = people["ivanov"]
    login(org_admin)
    assert client.post(f"/admin/consumers/{victim.id}/block").status_code == 302
    db.session.expire_all()
    user = db.session.get(KabinetUser, victim.id)
    assert user.active is False
    assert "заблокирован" in client.get("/admin/consumers/", query_string={"q": "Иванов"}).get_data(as_text=True)
    # the blocked consumer's session no longer works
    login(user)
    assert client.get("/my/applications/").status_code in (302, 403)
    login(org_admin)
    client.post(f"/admin/consumers/{victim.id}/unblock")
    db.session.expire_all()
    assert db.session.get(KabinetUser, victim.id).active is True
    actions = [r.action for r in db.session.execute(db.select(AuditRecord).where(
        AuditRecord.object_id == str(victim.id), AuditRecord.action.like("user.%block"))).scalars()]
    assert actions == ["user.block", "user.unblock"]


def test_block_is_only_for_consumers(client, login, org_admin, staff):
    login(org_admin)
    assert client.post(f"/admin/consumers/{staff.id}/block").status_code == 404
    assert client.post("/admin/consumers/999999/block").status_code == 404


def _open(client, **fields):
    data = {"legal_form": "individual", "last_name": "Смирнова", "first_name": "Анна", "middle_name": "Петровна",
            "email": "smirnova@example.ru", "phone": "+7 (912) 555-44-33", "snils": valid_snils()}
    data.update(fields)
    return client.post("/admin/consumers/open", data=data)


def test_staff_open_an_account_and_the_consumer_gets_login_and_link(client, login, staff, sent):
    login(staff)
    response = _open(client)
    assert response.status_code == 302
    user = db.session.execute(db.select(KabinetUser).where(KabinetUser.email == "smirnova@example.ru")).scalar_one()
    assert user.consumer.full_name == "Смирнова Анна Петровна"
    assert user.phone == "+79125554433"
    assert user.password is None and user.must_set_password
    assert [m["To"] for m in sent.emails] == ["smirnova@example.ru"]
    text = sent.emails[0].get_body().get_content()
    assert "Логин: smirnova@example.ru" in text and "http" in text
    record = db.session.execute(db.select(AuditRecord).where(AuditRecord.action == "account.opened_at_office")
                                ).scalar_one()
    assert record.actor_id == staff.id and record.after["email"] == "smirnova@example.ru"


def test_open_legal_entity_account(client, login, staff):
    login(staff)
    response = _open(client, legal_form="legal_entity", snils="", inn=valid_inn_company(), ogrn=valid_ogrn(),
                     kpp="773601001", org_name="ООО «Вектор»", email="vector@example.ru", phone=unique_phone())
    assert response.status_code == 302
    profile = db.session.execute(db.select(ConsumerProfile).where(ConsumerProfile.org_name == "ООО «Вектор»")
                                 ).scalar_one()
    assert profile.legal_form == "legal_entity" and profile.kpp == "773601001"


@pytest.mark.parametrize("fields,field,message", [
    ({"snils": "123-456-789 00"}, "snils", "Некорректный СНИЛС"),
    ({"snils": ""}, "snils", "Поле обязательно для заполнения"),
    ({"phone": "12345"}, "phone", "Введите номер телефона в формате"),
    ({"email": "not-an-email"}, "email", "Некорректный адрес электронной почты"),
    ({"last_name": "Smith123"}, "last_name", "Допустимы только русские или латинские буквы"),
    ({"last_name": "Я" * 51}, "last_name", "Не более 50 символов"),
    ({"legal_form": "legal_entity", "inn": "7707083890", "ogrn": "1027700132195", "kpp": "7736"}, "kpp",
     "КПП должен содержать 9 символов"),
    ({"legal_form": "entrepreneur", "inn": "", "ogrnip": "304500116000157"}, "inn",
     "Поле обязательно для заполнения"),
])
def test_invalid_field_shows_its_message_and_creates_nothing(client, login, staff, fields, field, message, sent):
    login(staff)
    response = _open(client, **fields)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    errors = re.findall(rf'data-error-for="{field}">([^<]*)<', body)
    assert any(message.split(" ")[0] in e for e in errors), (errors, body[-2000:] if not errors else "")
    assert db.session.execute(db.select(KabinetUser).where(KabinetUser.email == "smirnova@example.ru")).first() is None
    assert sent.emails == []


def test_duplicates_are_refused_with_the_registration_messages(client, login, staff, people):
    login(staff)
    existing = people["ivanov"]
    response = _open(client, email=existing.email, phone=existing.phone, snils=existing.consumer.snils)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Указанная электронная почта уже зарегистрирована в личном кабинете. Укажите другой адрес." in body
    assert "На указанный номер уже зарегистрирован личный кабинет. Внесите другой номер телефона." in body
    assert "Указанный СНИЛС уже зарегистрирован" in body
