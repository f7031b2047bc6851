"""D4 «Редактировать»: the data-change statement — prefilled, refused values each under its field
with nothing filed, and a valid one submitted through the applications workflow, in the staff
queue and «Мои заявки», exported to the billing, the billing's row untouched."""
from datetime import date
from decimal import Decimal

import pytest

from app.extensions import db
from app.models import Application, ExportItem, PersonalAccount
from app.security.roles import STAFF
from tests.billing import builders as b
from tests.factories import make_consumer, make_staff
from workflows.billing.data_change import TYPE_CODE, seed_data_change_type


def _text(response) -> str:
    return response.get_data(as_text=True).replace("\u00a0", " ")


#: «Мои данные» filled in: a statement is submitted like every application
PROFILE = dict(birth_date=date(1980, 5, 1), passport_series="4510", passport_number="123456",
               passport_issued_by="ОВД Тверского района", passport_issued_on=date(2005, 6, 1),
               registration_address="г. Самара, ул. Ленина, 1", postal_address="г. Самара, ул. Ленина, 1")


@pytest.fixture
def world(ctx):
    seed_data_change_type()
    owner = make_consumer(**PROFILE)
    acc = b.account(owner_name="Петров Пётр Петрович", of_branch=b.branch("07", "Южный филиал"))
    b.link(owner, acc)
    b.commit()
    return dict(owner=owner, account=acc, url=f"/personal-accounts/{acc.id}/change")


def _form(**changes) -> dict:
    """The form as it comes prefilled, with `changes` typed over it."""
    data = {"owner_name": "Петров Пётр Петрович", "area_total": "54,30", "area_living": "38,10",
            "owners_count": "1", "registered_count": "2", "residing_count": "2", "rooms": "2",
            "stove_type": "Электрическая", "electric_heating": "0", "comment": "Продана часть квартиры",
            "consent": "y"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _nothing_filed():
    db.session.expire_all()
    assert db.session.query(Application).count() == 0
    assert db.session.query(ExportItem).count() == 0


def test_form_is_prefilled_with_the_billing_values(client, login, world):
    login(world["owner"])
    page = _text(client.get(world["url"]))
    assert "Заявление на изменение данных по лицевому счету" in page
    assert 'value="Петров Пётр Петрович"' in page and 'value="54,30"' in page and 'value="38,10"' in page
    assert '<option selected value="Электрическая">' in page and '<option selected value="0">' in page
    assert "Согласие с «Политикой обработки персональных данных»" in page and 'name="csrf_token"' in page


@pytest.mark.parametrize("changes, field, message", [
    ({"area_total": "-5"}, "area_total", "Площадь не может быть отрицательной"),
    ({"rooms": "2,5"}, "rooms", "Введите целое число"),
    ({"owners_count": "-1"}, "owners_count", "Введите целое неотрицательное число"),
    ({"area_living": "абв"}, "area_living", "Введите число, например 54,30"),
    ({"area_living": "60"}, "area_living", "Жилая площадь не может быть больше общей"),
    ({"rooms": "3", "comment": " "}, "comment", "Поле обязательно для заполнения"),
    ({"rooms": "3", "consent": None}, "consent", "Необходимо согласие с условиями обработки персональных данных"),
    ({"stove_type": "Дровяная"}, "stove_type", "Неверный вариант"),
])
def test_refused_values_are_named_under_their_field(client, login, world, changes, field, message):
    login(world["owner"])
    response = client.post(world["url"], data=_form(**changes))
    page = _text(response)
    assert response.status_code == 200
    errors = page.split(f'data-test="error-{field}">')
    assert len(errors) == 2 and message in errors[1].split("</span>")[0]
    for name, typed in changes.items():  # what was typed survives the refusal
        if name not in ("consent", "comment", "stove_type"):
            assert f'name="{name}"' in page and f'value="{typed}"' in page
    _nothing_filed()


def test_nothing_changed_is_refused(client, login, world):
    login(world["owner"])
    page = _text(client.post(world["url"], data=_form(area_total="54,3")))  # the same area, typed shorter
    assert "Измените хотя бы одно значение" in page.split('data-test="form-error"')[1]
    _nothing_filed()


def test_valid_statement_is_submitted_queued_and_exported(client, login, world):
    login(world["owner"])
    response = client.post(world["url"], data=_form(area_total="60,5", rooms="3", electric_heating="1",
                                                    owner_name="Петрова  Анна Петровна"))
    assert response.status_code == 302
    db.session.expire_all()
    application = db.session.query(Application).one()
    assert response.headers["Location"].endswith(f"/my/applications/{application.id}")
    assert application.application_type.code == TYPE_CODE and application.submitted_at is not None
    assert application.status.name == "Принято в работу" and application.number.startswith("ИД-")
    assert application.data["account_number"] == world["account"].number
    assert application.data["branch"] == "Южный филиал"
    assert application.data["area_total"] == "54,30 → 60,50" and application.data["rooms"] == "2 → 3"
    assert application.data["electric_heating"] == "нет → есть"
    assert application.data["owner_name"] == "Петров Пётр Петрович → Петрова Анна Петровна"
    assert application.data["comment"] == "Продана часть квартиры" and "area_living" not in application.data
    items = db.session.query(ExportItem).filter_by(kind="data_changes").order_by(ExportItem.id).all()
    assert [(i.payload["field"], i.payload["old"], i.payload["new"]) for i in items] == [
        ("owner_name", "Петров Пётр Петрович", "Петрова Анна Петровна"), ("area_total", "54.30", "60.50"),
        ("rooms", "2", "3"), ("electric_heating", "false", "true")]
    assert {(i.payload["application_number"], i.payload["branch_code"], i.payload["account_number"])
            for i in items} == {(application.number, "07", world["account"].number)}
    account = db.session.get(PersonalAccount, world["account"].id)
    assert account.area_total == Decimal("54.30") and account.rooms == 2 and account.electric_heating is False
    assert account.owner_name == "Петров Пётр Петрович"
    page = _text(client.get(response.headers["Location"]))
    assert "Ваше обращение принято в работу." in page and "54,30 → 60,50" in page
    assert application.number in _text(client.get("/my/applications/"))
    login(make_staff(STAFF))
    queue = _text(client.get("/staff/queue/"))
    assert application.number in queue and "Заявление на изменение данных по лицевому счету" in queue
    assert "54,30 → 60,50" in _text(client.get(f"/staff/applications/{application.id}"))


def test_a_double_click_files_one_statement(client, login, world):
    login(world["owner"])
    data = _form(rooms="4", form_token="t" * 32)
    assert client.post(world["url"], data=data).status_code == 302
    assert client.post(world["url"], data=data).status_code == 302
    db.session.expire_all()
    assert db.session.query(Application).count() == 1 and db.session.query(ExportItem).count() == 1


def test_the_statement_type_is_not_offered_among_applications(client, login, world):
    login(world["owner"])
    assert "Заявление на изменение данных по лицевому счету" not in _text(client.get("/my/applications/new"))


@pytest.mark.parametrize("who", ["other", "anonymous", "staff"])
def test_only_a_linked_consumer_files_a_statement(client, login, world, who):
    if who == "other":
        login(make_consumer())
    elif who == "staff":
        login(make_staff(STAFF))
    response = client.post(world["url"], data=_form(rooms="5"))
    assert response.status_code == 404 if who == "other" else response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/login")
    _nothing_filed()


def test_incomplete_profile_is_named_and_nothing_is_filed(client, login, world):
    someone = login(make_consumer())  # «Мои данные» without passport and addresses
    b.link(someone, world["account"])
    b.commit()
    assert "Серия паспорта" in _text(client.get(world["url"])).split('data-test="profile-incomplete"')[1]
    page = _text(client.post(world["url"], data=_form(rooms="3")))
    assert "Для подачи заявки необходимо заполнить все обязательные поля" in page.split('data-test="form-error"')[1]
    assert 'value="3"' in page
    _nothing_filed()


def test_the_statement_type_is_seeded_once(world):
    from app.models import ApplicationType, Status, StatementTemplate, Transition

    seed_data_change_type()
    db.session.commit()
    app_type = db.session.query(ApplicationType).filter_by(code=TYPE_CODE).one()
    assert app_type.kind == "statement" and app_type.name == "Заявление на изменение данных по лицевому счету"
    assert db.session.query(Status).filter_by(application_type_id=app_type.id).count() == 5
    assert db.session.query(Transition).filter_by(application_type_id=app_type.id).count() == 6
    assert db.session.query(StatementTemplate).filter_by(application_type_id=app_type.id).count() == 1


def test_csrf_is_required(app, client, login, world):
    login(world["owner"])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(world["url"], data=_form(rooms="3"))
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    _nothing_filed()


def test_the_billing_reads_the_statement_from_the_export(client, login, world):
    from workflows.billing.exports import as_csv, read

    login(world["owner"])
    client.post(world["url"], data=_form(area_total="60,5", comment="Перепланировка"))
    db.session.expire_all()
    number = db.session.query(Application).one().number
    items, cursor = read("data_changes", 0, 100)
    assert len(items) == 1 and read("data_changes", cursor, 100)[0] == []
    line = f"{number};{items[0].payload['date']};07;{world['account'].number};area_total;54.30;60.50;Перепланировка"
    assert line in as_csv(items)
