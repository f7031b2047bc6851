"""Every object route × {owner, another consumer, anonymous, staff}: no unauthorized 2xx, nothing changed."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, ApplicationEvent, Attachment, Message
from tests.applications.conftest import make_draft, make_submitted, pdf

CONSUMER_ROUTES = [
    ("GET", "/my/applications/{id}"),
    ("GET", "/my/applications/{id}/edit"),
    ("GET", "/my/applications/{id}/files/{att}"),
    ("POST", "/my/applications/{id}/documents"),
    ("POST", "/my/applications/{id}/documents/{att}/delete"),
    ("POST", "/my/applications/{id}/messages"),
    ("POST", "/my/applications/{id}/delete"),
]
STAFF_ROUTES = [
    ("GET", "/staff/applications/{id}"),
    ("GET", "/staff/applications/{id}/files/{att}"),
    ("POST", "/staff/applications/{id}/save"),
    ("POST", "/staff/applications/{id}/documents"),
    ("POST", "/staff/applications/{id}/documents/{att}/delete"),
    ("POST", "/staff/applications/{id}/messages"),
    ("POST", "/staff/applications/{id}/notes"),
    ("POST", "/staff/applications/{id}/tracker"),
]


def _payload(url, version=1):
    if url.endswith("/documents"):
        return {"document_type_id": "0", "title": "Письмо", "file": pdf("x.pdf")}
    if url.endswith("/messages"):
        return {"body": "Текст"}
    if url.endswith("/notes"):
        return {"text": "Ведется проектирование"}
    if url.endswith("/save"):
        return {"version": str(version), "number": "777"}
    if url.endswith("/tracker"):
        return {"date_3": "2026-03-13"}
    return {}


def _snapshot():
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in
                 (Application, ApplicationEvent, Attachment, Message)) + tuple(
        (a.number, a.status_id, a.version) for a in db.session.scalars(select(Application).order_by(Application.id)))


def _call(client, method, url, version=1):
    if method == "GET":
        return client.get(url)
    return client.post(url, data=_payload(url, version), content_type="multipart/form-data")


@pytest.mark.parametrize("method, route", CONSUMER_ROUTES)
@pytest.mark.parametrize("who", ["other", "anonymous", "staff"])
def test_consumer_routes_refuse_everyone_but_the_owner(client, login, consumer, other_consumer, staff, who,
                                                       method, route):
    draft = make_draft(consumer)
    url = route.format(id=draft.id, att=draft.attachments[0].id)
    if who != "anonymous":
        login({"other": other_consumer, "staff": staff}[who])
    before = _snapshot()
    response = _call(client, method, url)
    expected = {"other": 404, "anonymous": 302, "staff": 403}[who]
    assert response.status_code == expected, (who, url)
    if who == "anonymous":
        assert "/login/" in response.headers["Location"]
    assert _snapshot() == before


@pytest.mark.parametrize("method, route", CONSUMER_ROUTES)
def test_consumer_routes_serve_the_owner(client, login, consumer, method, route):
    draft = make_draft(consumer)
    url = route.format(id=draft.id, att=draft.attachments[0].id)
    login(consumer)
    response = _call(client, method, url)
    assert response.status_code in (200, 302), url
    if response.status_code == 302:
        assert "/login/" not in response.headers["Location"]


@pytest.mark.parametrize("method, route", STAFF_ROUTES)
@pytest.mark.parametrize("who", ["owner", "other", "anonymous"])
def test_staff_routes_refuse_consumers_and_anonymous(client, login, consumer, other_consumer, who, method, route):
    application = make_submitted(consumer)
    url = route.format(id=application.id, att=application.attachments[0].id)
    if who != "anonymous":
        login({"owner": consumer, "other": other_consumer}[who])
    before = _snapshot()
    response = _call(client, method, url)
    assert response.status_code == (302 if who == "anonymous" else 403)
    assert _snapshot() == before


@pytest.mark.parametrize("method, route", STAFF_ROUTES)
def test_staff_routes_serve_staff(client, login, consumer, staff, method, route):
    application = make_submitted(consumer)
    url = route.format(id=application.id, att=application.attachments[0].id)
    login(staff)
    response = _call(client, method, url, application.version)
    assert response.status_code in (200, 302), (url, response.status_code)


@pytest.mark.parametrize("method, route", STAFF_ROUTES)
def test_staff_do_not_see_drafts(client, login, consumer, staff, method, route):
    draft = make_draft(consumer)
    login(staff)
    before = _snapshot()
    assert _call(client, method, route.format(id=draft.id, att=draft.attachments[0].id)).status_code == 404
    assert _snapshot() == before


def test_attachment_of_another_application_is_not_reachable(client, login, consumer, other_consumer):
    mine, theirs = make_draft(consumer), make_draft(other_consumer)
    login(consumer)
    assert client.get(f"/my/applications/{mine.id}/files/{theirs.attachments[0].id}").status_code == 404
    assert client.get(f"/my/applications/{mine.id}/files/{mine.attachments[0].id}").status_code == 200


def test_lists_show_only_own_applications(client, login, consumer, other_consumer):
    mine, theirs = make_submitted(consumer), make_submitted(other_consumer)
    login(consumer)
    html = client.get("/my/applications/").get_data(as_text=True)
    assert f'data-id="{mine.id}"' in html and f'data-id="{theirs.id}"' not in html


@pytest.mark.parametrize("url", ["/my/applications/", "/my/applications/new", "/my/notifications/"])
def test_cabinet_pages_need_a_consumer(client, login, staff, url):
    assert client.get(url).status_code == 302
    login(staff)
    assert client.get(url).status_code == 403


def test_queue_needs_staff(client, login, consumer):
    assert client.get("/staff/queue/").status_code == 302
    login(consumer)
    assert client.get("/staff/queue/").status_code == 403
