"""D8 «Уведомить о неисправности»: a valid report is a statement in the staff queue with its photo,
a MeterFault row and the meter's mark; refused input names its field and files nothing; a second
report while one is open is refused; the mark clears once staff finish the statement."""
import io
from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Application, Attachment, MeterFault, Transition
from app.security.roles import STAFF
from tests.billing import builders as b
from tests.factories import make_consumer, make_staff
from workflows.applications.commands.staff import ItemChanges, save_item
from workflows.applications.rules import today
from workflows.meters.faults import TYPE_CODE, seed_meter_fault_type

#: «Мои данные» filled in: a statement is submitted like every application
PROFILE = dict(birth_date=date(1980, 5, 1), passport_series="4510", passport_number="123456",
               passport_issued_by="ОВД Тверского района", passport_issued_on=date(2005, 6, 1),
               registration_address="г. Самара, ул. Ленина, 1", postal_address="г. Самара, ул. Ленина, 1")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def _text(response) -> str:
    return response.get_data(as_text=True).replace("\u00a0", " ")


@pytest.fixture
def world(ctx):
    seed_meter_fault_type()
    owner = make_consumer(**PROFILE)
    acc = b.account(of_branch=b.branch("07", "Южный филиал"))
    meter = b.meter(acc, serial="11223344", location="Лестничная площадка")
    b.link(owner, acc)
    b.commit()
    return dict(owner=owner, account=acc, meter=meter,
                url=f"/personal-accounts/{acc.id}/meters/{meter.id}/fault",
                page=f"/personal-accounts/{acc.id}/meters")


def _nothing_filed():
    db.session.expire_all()
    assert db.session.query(Application).count() == 0
    assert db.session.query(MeterFault).count() == 0
    assert db.session.query(Attachment).count() == 0


def _post(client, url, description="Не горит табло", photo=None, name="meter.jpg"):
    data = {"description": description}
    if photo is not None:
        data["photo"] = (io.BytesIO(photo), name)
    return client.post(url, data=data, content_type="multipart/form-data")


def test_the_form_names_the_meter(client, login, world):
    login(world["owner"])
    page = _text(client.get(world["url"]))
    assert "Уведомить о неисправности" in page and "№ 11223344, Меркурий 201.5, Лестничная площадка" in page
    assert 'name="csrf_token"' in page and 'name="description"' in page and 'name="photo"' in page


def test_a_valid_report_is_queued_with_its_photo_and_marks_the_meter(client, login, world):
    login(world["owner"])
    response = _post(client, world["url"], photo=JPEG)
    assert response.status_code == 302 and response.headers["Location"].endswith(world["page"])
    db.session.expire_all()
    application = db.session.query(Application).one()
    assert application.application_type.code == TYPE_CODE and application.submitted_at is not None
    assert application.status.name == "Принято в работу" and application.number.startswith("ПУ-")
    assert application.data["meter"] == "№ 11223344, Меркурий 201.5, Лестничная площадка"
    assert application.data["description"] == "Не горит табло"
    assert application.data["account_number"] == world["account"].number
    attachment = db.session.query(Attachment).one()
    assert attachment.application_id == application.id and attachment.file.content_type == "image/jpeg"
    fault = db.session.query(MeterFault).one()
    assert (fault.meter_id, fault.application_id, fault.reported_by_id) == (
        world["meter"].id, application.id, world["owner"].id)
    page = _text(client.get(response.headers["Location"]))
    assert "Ваше обращение принято в работу." in page and application.number in page
    mark = page.split('data-test="fault-mark"')[1].split("</p>")[0]
    assert f"Направлено уведомление о неисправности {today():%d.%m.%Y}" in mark
    login(make_staff(STAFF))
    queue = _text(client.get("/staff/queue/"))
    assert application.number in queue and "Заявление о неисправности прибора учета" in queue


def test_a_png_photo_and_no_photo_are_both_accepted(client, login, world, ctx):
    login(world["owner"])
    assert _post(client, world["url"], photo=PNG, name="x.png").status_code == 302
    db.session.expire_all()
    assert db.session.query(Attachment).one().file.content_type == "image/png"


@pytest.mark.parametrize("description, photo, name, field, message", [
    ("  ", None, None, "description", "Поле обязательно для заполнения"),
    ("Не работает", b"%PDF-1.4 not an image", "meter.pdf", "photo", "Приложите фотографию в формате JPEG или PNG"),
    ("Не работает", b"just text, not a jpeg", "meter.jpg", "photo", "Содержимое файла не соответствует его типу"),
    ("Не работает", PNG, "meter.jpg", "photo", "Содержимое файла не соответствует его типу"),
])
def test_refused_input_is_named_under_its_field_and_files_nothing(client, login, world, description, photo,
                                                                   name, field, message):
    login(world["owner"])
    response = _post(client, world["url"], description=description, photo=photo, name=name)
    page = _text(response)
    assert response.status_code == 200
    errors = page.split(f'data-test="error-{field}">')
    assert len(errors) == 2 and message in errors[1].split("</span>")[0]
    if description.strip():  # what was typed survives the refusal
        assert f"{description}</textarea>" in page
    _nothing_filed()


def test_an_incomplete_profile_is_told_and_nothing_filed(client, login, world, ctx):
    stranger = make_consumer()
    b.link(stranger, world["account"])
    b.commit()
    login(stranger)
    assert "profile-incomplete" in _text(client.get(world["url"]))
    page = _text(_post(client, world["url"], photo=JPEG))
    assert "необходимо заполнить все обязательные поля" in page.split('data-test="form-error"')[1]
    _nothing_filed()


def test_a_second_report_is_refused_while_the_first_is_open(client, login, world):
    login(world["owner"])
    assert _post(client, world["url"]).status_code == 302
    assert 'data-test="fault-open"' in _text(client.get(world["url"]))
    page = _text(_post(client, world["url"], description="Ещё раз"))
    assert "уже направлено уведомление о неисправности" in page.split('data-test="form-error"')[1]
    db.session.expire_all()
    assert db.session.query(Application).count() == 1 and db.session.query(MeterFault).count() == 1


def test_a_removed_meter_takes_no_report(client, login, world, ctx):
    world["meter"].removed_on = date(2024, 1, 31)
    b.commit()
    login(world["owner"])
    assert 'data-test="fault-form"' not in _text(client.get(world["url"]))
    assert "Прибор учета снят" in _text(_post(client, world["url"]))
    _nothing_filed()


@pytest.mark.parametrize("final", ["Рассмотрено", "Отказать"])
def test_the_mark_clears_when_staff_finish_the_statement(client, login, world, ctx, final):
    login(world["owner"])
    assert _post(client, world["url"]).status_code == 302
    db.session.expire_all()
    application = db.session.query(Application).one()
    staff = make_staff(STAFF)
    transition = db.session.scalar(select(Transition).where(
        Transition.application_type_id == application.application_type_id,
        Transition.from_status_id == application.status_id, Transition.name == final))
    save_item(application.id, staff, ItemChanges(transition_id=transition.id, comment="Прибор заменен"),
              expected_version=application.version)
    db.session.commit()
    page = _text(client.get(world["page"]))
    assert 'data-test="fault-mark"' not in page
    assert 'data-test="fault-form"' in _text(client.get(world["url"]))  # a new report may be sent
    assert _post(client, world["url"], description="Снова не работает").status_code == 302
    assert 'data-test="fault-mark"' in _text(client.get(world["page"]))


def test_a_double_click_files_one_report(client, login, world):
    login(world["owner"])
    data = {"description": "Не горит табло", "form_token": "t" * 32}
    assert client.post(world["url"], data=data).status_code == 302
    assert client.post(world["url"], data=data).status_code == 302
    db.session.expire_all()
    assert db.session.query(Application).count() == 1 and db.session.query(MeterFault).count() == 1


def test_the_report_is_refused_without_its_csrf_token(app, client, login, world):
    login(world["owner"])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = _post(client, world["url"])
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    _nothing_filed()
