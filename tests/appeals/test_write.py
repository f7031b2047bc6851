"""«Написать новое обращение»: prefilled requisites; a sent appeal is registered, numbered, due in
the setting's working days and in the staff queue; every refused field names itself, keeps what was
typed and creates nothing."""
import pytest

from app.core.settings import set_setting
from app.extensions import db
from app.models import Appeal, Application
from tests.appeals import builders
from tests.factories import make_consumer
from workflows.applications.calendar import add_working_days
from workflows.applications.rules import today

REQUIRED = "Поле обязательно для заполнения"


def _text(response) -> str:
    return response.get_data(as_text=True).replace("\u00a0", " ")


@pytest.fixture
def w(ctx):
    return builders.world()


def test_the_form_is_prefilled(client, login, w):
    login(w["owner"])
    page = _text(client.get("/my/appeals/new"))
    assert "Написать новое обращение" in page and 'href="/my/appeals/"' in page  # the menu's «Обращения»
    assert 'value="Петров Петр Петрович"' in page  # the account's owner
    assert f'<option selected value="{w["account"].id}">' in page
    assert f'<option selected value="{w["supplier"].id}">' in page
    assert w["owner"].email in page
    for topic in ("Консультация", "Жалоба", "Сообщение"):
        assert topic in page


def test_a_sent_appeal_is_registered_with_its_deadline(client, login, w, sent):
    login(w["owner"])
    response = client.post("/my/appeals/new", data=builders.form(w), follow_redirects=True)
    page = _text(response)
    assert "Ваше обращение принято в работу." in page
    appeal = db.session.query(Appeal).one()
    application = appeal.application
    assert application.number.startswith("ОБР-")
    assert application.status.name == "Зарегистрировано"
    assert application.due_on == add_working_days(today(), 30)
    assert application.data["text"] == builders.TEXT
    assert (appeal.account_id, appeal.supplier_id, appeal.phone) == (w["account"].id, w["supplier"].id,
                                                                     "+79123456789")
    assert builders.TEXT in page and "Зарегистрировано" in page


def test_the_deadline_follows_the_setting(client, login, w):
    set_setting("appeal_answer_working_days", 10)
    db.session.commit()
    login(w["owner"])
    client.post("/my/appeals/new", data=builders.form(w))
    assert db.session.query(Application).one().due_on == add_working_days(today(), 10)


@pytest.mark.parametrize("field, value, message", [
    ("full_name", "  ", REQUIRED),
    ("account_id", "", REQUIRED),
    ("account_id", "999999", "Выберите лицевой счет из списка"),
    ("account_id", "abc", "Выберите лицевой счет из списка"),
    ("supplier_id", "", REQUIRED),
    ("supplier_id", "999999", "Выберите поставщика из списка"),
    ("topic_id", "", REQUIRED),
    ("topic_id", "999999", "Выберите тему обращения из списка"),
    ("text", " ", REQUIRED),
    ("text", "я" * 5001, "Не более 5000 символов"),
    ("phone", "", REQUIRED),
    ("phone", "12345", "Введите номер телефона в формате +7 (XXX) XXX-XX-XX"),
    ("email", "", REQUIRED),
    ("email", "not-an-address", "Введите корректный адрес электронной почты"),
])
def test_every_field_names_its_refusal_and_nothing_is_created(client, login, w, field, value, message):
    login(w["owner"])
    typed = builders.form(w, **{"full_name": "Петров П. П.", field: value})
    page = _text(client.post("/my/appeals/new", data=typed))
    assert f'data-test="error-{field}"' in page
    assert message in page
    builders.nothing_created()
    if field != "text":
        assert builders.TEXT in page  # what was typed stays
    if field != "full_name":
        assert 'value="Петров П. П."' in page


def test_another_consumers_account_is_refused(client, login, w):
    stranger = make_consumer()
    login(stranger)
    page = _text(client.post("/my/appeals/new", data=builders.form(w)))
    assert "Выберите лицевой счет из списка" in page
    builders.nothing_created()


def test_a_consumer_without_accounts_writes_an_appeal(client, login, w):
    lonely = make_consumer()
    login(lonely)
    page = _text(client.get("/my/appeals/new"))
    assert 'value="Иванов Пётр Сергеевич"' in page  # the consumer's own name
    client.post("/my/appeals/new", data=builders.form(w, account_id="", supplier_id=""))
    appeal = db.session.query(Appeal).one()
    assert appeal.account_id is None and appeal.consumer_id == lonely.consumer.id


def test_a_double_click_sends_one_appeal(client, login, w):
    login(w["owner"])
    data = dict(builders.form(w), form_token="t" * 32)
    first = client.post("/my/appeals/new", data=data)
    second = client.post("/my/appeals/new", data=data)
    assert first.status_code == second.status_code == 302 and first.location == second.location
    assert db.session.query(Appeal).count() == 1
