"""«Подать заявление» (E2): every topic shows its own fields and the common block; a valid
statement is sent, numbered, listed in «Мои заявления» with the seed's message."""
import pytest

from app.extensions import db
from app.models import Application
from tests.statements.helpers import NEW, consumer_with_account, form_data, own_fields, post, seed, text
from workflows.statements.types import SPECS


@pytest.fixture
def world(ctx, request):
    seed(*getattr(request, "param", ("statement-13",)))
    user, account, supplier = consumer_with_account()
    return dict(user=user, account=account, supplier=supplier)


def test_the_topic_select_lists_the_18_topics(client, login, world):
    login(world["user"])
    page = text(client.get(NEW))
    assert "Тема заявления" in page
    for spec in SPECS:
        assert f'value="{spec["code"]}"' in page and spec["name"] in page
    assert 'data-test="statement-form"' not in page  # no topic yet: no fields


@pytest.mark.parametrize("world, code", [((s["code"],), s["code"]) for s in SPECS], indirect=["world"])
def test_every_topic_shows_its_own_fields_and_the_common_block(client, login, world, code):
    login(world["user"])
    page = text(client.get(NEW, query_string={"topic": code}))
    for field in own_fields(code):
        assert f'data-code="{field["code"]}"' in page and field["label"] in page
    for label in ("ФИО", "Номер лицевого счета", "Поставщик", "Текст заявления", "Номер телефона", "E-mail",
                  "Выбрать документ", "Политикой обработки персональных данных", "Отправить заявление"):
        assert label in page
    assert world["account"].number in page and "АО «Энергосбыт»" in page


def test_a_valid_statement_is_sent(client, login, world):
    login(world["user"])
    response = post(client, form_data("statement-13", world["account"], world["supplier"]),
                    files=[("Паспорт.pdf", b"%PDF-1.4 test")])
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "Ваше обращение принято в работу." in page
    db.session.expire_all()
    application = db.session.query(Application).one()
    assert application.number.startswith("ЗЛ-")
    assert application.status.name == "Принято в работу"
    assert application.data["bik"] == "044525225" and application.data["amount"] == "1500"
    assert application.data["account_number"] == world["account"].number
    assert application.data["supplier"] == "АО «Энергосбыт»"
    assert sorted(a.title for a in application.attachments) == ["Документ к заявлению", "Заявление (PDF)"]
    listing = text(client.get("/my/statements/"))
    assert application.number in listing and "Заявление на возврат денежных средств" in listing
    assert "Принято в работу" in listing


def test_a_topic_an_admin_added_is_offered_and_gets_its_type_when_first_used(client, login, world):
    from app.models import ApplicationKind, ApplicationType, Topic, TopicKind

    db.session.add(Topic(kind=TopicKind.STATEMENT, code="duplicate-receipt", sort_order=50,
                         name="Заявление на выдачу дубликата квитанции"))
    db.session.commit()
    login(world["user"])
    assert 'value="duplicate-receipt"' in text(client.get(NEW))
    page = text(client.get(NEW, query_string={"topic": "duplicate-receipt"}))
    assert 'data-test="own-field"' not in page and "Текст заявления" in page
    response = post(client, form_data("duplicate-receipt", world["account"], world["supplier"]))
    assert response.status_code == 302
    db.session.expire_all()
    app_type = db.session.query(ApplicationType).filter_by(code="duplicate-receipt").one()
    assert (app_type.kind, app_type.name) == (ApplicationKind.STATEMENT, "Заявление на выдачу дубликата квитанции")
    assert [f.code for f in app_type.fields] == ["full_name", "account_number", "supplier", "text", "phone", "email"]
    statement = db.session.query(Application).one()
    assert statement.application_type_id == app_type.id and statement.status.name == "Принято в работу"
