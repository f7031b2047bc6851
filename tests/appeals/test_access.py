"""Every object route of «Обращения» × {owner, another consumer, anonymous, staff}: only the owner
gets 2xx; staff answer on /staff/applications/… and see a 404 here like everyone else outside."""
import pytest

from app.extensions import db
from app.models import Attachment
from app.security.roles import STAFF
from tests.appeals import builders
from tests.factories import make_consumer, make_staff

ROUTES = [
    "/my/appeals/{appeal}",
    "/my/appeals/{appeal}/files/{attachment}",
    "/my/appeals/by-application/{application}",
]
#: the cabinet's own pages: a consumer's, not staff's (FAB answers them with a redirect or 403)
PAGES = ["/my/appeals/", "/my/appeals/new"]


@pytest.fixture
def people(ctx):
    w = builders.world()
    appeal = builders.write(w["owner"], w, files=[builders.upload("скан.pdf")])

    class P:
        owner = w["owner"]
        other = make_consumer()
        staff = make_staff(STAFF)
    P.appeal = appeal
    P.attachment = db.session.query(Attachment).filter_by(application_id=appeal.application_id).one()
    return P


def _url(route, p) -> str:
    return route.format(appeal=p.appeal.id, attachment=p.attachment.id, application=p.appeal.application_id)


def test_the_owner_sees_the_card_and_downloads_the_file(client, login, people):
    login(people.owner)
    for route in ROUTES + PAGES:
        response = client.get(_url(route, people), follow_redirects=True)
        assert response.status_code == 200, (route, response.status_code)
    download = client.get(_url(ROUTES[1], people))
    assert download.data.startswith(b"%PDF") and "attachment" in download.headers["Content-Disposition"]


@pytest.mark.parametrize("who", ["other", "anonymous", "staff"])
def test_outsiders_get_no_2xx(client, login, people, who):
    if who != "anonymous":
        login(getattr(people, who))
    for route in ROUTES:
        response = client.get(_url(route, people))
        if who == "anonymous":
            assert response.status_code == 302 and "/login" in response.location, (route, response.status_code)
        else:  # staff lack the cabinet's permission at all (403); another consumer finds nothing
            assert response.status_code in ((403, 404) if who == "staff" else (404,)), (who, route,
                                                                                      response.status_code)


def test_staff_open_the_appeal_and_its_file_on_their_own_page(client, login, people):
    login(people.staff)
    page = client.get(f"/staff/applications/{people.appeal.application_id}").get_data(as_text=True)
    assert builders.TEXT in page and "Дать ответ" in page
    download = client.get(f"/staff/applications/{people.appeal.application_id}/files/{people.attachment.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")


def test_another_appeals_file_is_not_found_through_ones_own(client, login, people, ctx):
    mine = builders.write(people.other, {"topic": builders.topic("Сообщение")})
    login(people.other)
    response = client.get(f"/my/appeals/{mine.id}/files/{people.attachment.id}")
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_the_cabinet_pages_are_a_consumers(client, login, people, who):
    if who != "anonymous":
        login(people.staff)
    for route in PAGES:
        response = client.get(route)
        assert response.status_code in (302, 403, 404), (who, route, response.status_code)
        if response.status_code == 302:
            assert "/login" in response.location or who == "staff", (route, response.location)
