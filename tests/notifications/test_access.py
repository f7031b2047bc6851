"""Every route of «Уведомления» and «Настройка уведомлений» × {owner, another consumer, anonymous,
staff, org admin}: a notice is opened and marked only by its addressee — another consumer gets 404
and changes nothing, anonymous is sent to sign in, staff are refused."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from app.security.roles import ORG_ADMIN, STAFF
from tests.factories import make_consumer, make_staff
from tests.notifications.builders import notice

OBJECT_ROUTES = [("GET", "/my/notifications/{id}"), ("POST", "/my/notifications/{id}/read"),
                 ("POST", "/my/notifications/{id}/unread")]
PAGE_ROUTES = [("GET", "/my/notifications/"), ("POST", "/my/notifications/read"),
               ("GET", "/my/notifications/settings/"), ("POST", "/my/notifications/settings/"),
               ("POST", "/my/hints/notifications/dismiss")]


@pytest.fixture
def people(ctx):
    class P:
        owner = make_consumer()
        other = make_consumer()
        staff = make_staff(STAFF)
        org_admin = make_staff(ORG_ADMIN)
    P.notice = notice(P.owner, "Мое уведомление")
    db.session.commit()
    return P


def _call(client, method, route, notice_id):
    url = route.format(id=notice_id)
    return client.get(url) if method == "GET" else client.post(url)


def _read_at(people):
    db.session.expire_all()
    return db.session.scalar(select(Notification.read_at).where(Notification.id == people.notice.id))


def test_the_owner_may(client, login, people):
    login(people.owner)
    for method, route in OBJECT_ROUTES:
        assert _call(client, method, route, people.notice.id).status_code == 302, (method, route)


def test_another_consumer_gets_404_on_every_object_route_and_marks_nothing(client, login, people):
    login(people.other)
    for method, route in OBJECT_ROUTES:
        assert _call(client, method, route, people.notice.id).status_code == 404, (method, route)
    assert _read_at(people) is None
    client.post("/my/notifications/read")  # «все» are one's own only
    assert _read_at(people) is None


@pytest.mark.parametrize("who", ["anonymous", "staff", "org_admin"])
def test_outsiders_get_no_2xx(client, login, people, who):
    if who != "anonymous":
        login(getattr(people, who))
    for method, route in OBJECT_ROUTES + PAGE_ROUTES:
        response = _call(client, method, route, people.notice.id)
        if who == "anonymous":
            assert response.status_code == 302 and "/login" in response.location, (method, route)
        else:
            assert response.status_code in (403, 404), (who, method, route, response.status_code)
    assert _read_at(people) is None


def test_an_unknown_notice_is_404(client, login, people):
    login(people.owner)
    assert client.get("/my/notifications/999999").status_code == 404
