"""Staff process a statement like any application: it is in the queue (by its type), its page
shows what the consumer filled in and the statement's PDF; «Отказать» needs a comment; the
consumer sees every status in «Мои заявления» and on the statement's page."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Application, Transition
from app.security.roles import STAFF
from tests.factories import make_staff
from tests.statements.helpers import consumer_with_account, form_data, post, seed, text


@pytest.fixture
def world(ctx, client, login):
    seed("statement-13")
    owner, account, supplier = consumer_with_account()
    staff = make_staff(STAFF)
    login(owner)
    assert post(client, form_data("statement-13", account, supplier)).status_code == 302
    db.session.expire_all()
    return dict(owner=owner, staff=staff, statement=db.session.scalars(select(Application)).one())


def _transition(statement, name) -> Transition:
    return db.session.scalars(select(Transition).where(
        Transition.application_type_id == statement.application_type_id, Transition.name == name,
        Transition.from_status_id == statement.status_id)).one()


def _save(client, statement, name, comment=""):
    db.session.expire_all()
    statement = db.session.get(Application, statement.id)
    return client.post(f"/staff/applications/{statement.id}/save", data={
        "version": str(statement.version), "transition_id": str(_transition(statement, name).id),
        "comment": comment, "number": statement.number})


def _status(statement) -> str:
    db.session.expire_all()
    return db.session.get(Application, statement.id).status.name


def test_staff_find_it_in_the_queue_and_see_what_was_filled_in(client, login, world):
    statement = world["statement"]
    login(world["staff"])
    queue = text(client.get(f"/staff/queue/?type={statement.application_type_id}"))
    assert statement.number in queue
    page = text(client.get(f"/staff/applications/{statement.id}"))
    for value in ("Заявление на возврат денежных средств", "044525225", "40817810099910004312",
                  "Прошу рассмотреть заявление", "АО «Энергосбыт»", "Заявление (PDF)", "Принято в работу"):
        assert value in page, value


def test_staff_take_refuse_only_with_a_comment_and_the_consumer_sees_each_status(client, login, world):
    statement = world["statement"]
    login(world["staff"])
    refused = _save(client, statement, "Отказать")
    assert refused.status_code == 400 and "Для этого статуса необходимо указать комментарий." in text(refused)
    assert _status(statement) == "Принято в работу"

    assert _save(client, statement, "Взять на рассмотрение").status_code == 302
    login(world["owner"])
    assert "На рассмотрении" in text(client.get("/my/statements/"))

    login(world["staff"])
    assert _save(client, statement, "Отказать", "Реквизиты счета не совпадают с данными плательщика").status_code == 302
    assert _status(statement) == "Отказано"
    login(world["owner"])
    row = text(client.get("/my/statements/"))
    assert "Отказано" in row and statement.number in row
    page = text(client.get(f"/my/applications/{statement.id}"))
    assert "Отказано" in page and "Реквизиты счета не совпадают с данными плательщика" in page


def test_staff_mark_it_done(client, login, world):
    statement = world["statement"]
    login(world["staff"])
    assert _save(client, statement, "Исполнено").status_code == 302
    assert _status(statement) == "Исполнено"
    login(world["owner"])
    assert 'data-test="status">Исполнено<' in text(client.get("/my/statements/"))


def test_the_queue_filters_statements_and_appeals_and_pages_keep_both(world, client, login):
    from tests.appeals import builders as appeal_builders

    writer = appeal_builders.world()
    appeal = appeal_builders.write(writer["owner"], writer)
    login(world["staff"])
    only_statements = client.get("/staff/queue/?kind=statement").get_data(as_text=True)
    assert world["statement"].number in only_statements and appeal.application.number not in only_statements
    assert 'value="statement" checked' in only_statements
    both = client.get("/staff/queue/?kind=statement&kind=appeal").get_data(as_text=True)
    assert world["statement"].number in both and appeal.application.number in both
    assert 'value="appeal" checked' in both and 'value="statement" checked' in both
