"""The demo's «Обращения»: two appeals of the consumer, one answered, made once."""
from app.extensions import db
from app.models import Appeal
from tests.appeals import builders
from tests.factories import make_staff
from workflows.appeals.demo import demo_appeals


def test_two_appeals_one_answered_once(client, login, ctx):
    w = builders.world()
    staff = make_staff()
    assert demo_appeals(w["owner"].email, staff.email)
    db.session.commit()
    assert demo_appeals(w["owner"].email, staff.email) == []
    statuses = sorted(a.application.status.name for a in db.session.query(Appeal))
    assert statuses == ["Зарегистрировано", "Ответ дан"]
    login(w["owner"])
    page = client.get("/my/appeals/").get_data(as_text=True)
    assert page.count('data-test="appeal"') == 2 and "Показания можно передать" in page
