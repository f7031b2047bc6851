"""Route × role: only organization admins reach admin views; staff also reach «Потребители»."""
import pytest

from app.extensions import db
from app.models import ApplicationType, InfoPage
from app.security.roles import CONSUMER, ORG_ADMIN, STAFF

ADMIN_ONLY_GET = [
    "/admin/pages/",
    "/admin/pages/{page}/edit",
    "/admin/pages/{page}/versions",
    "/admin/pages/{page}/versions/1",
    "/admin/settings/",
    "/admin/staff/",
    "/admin/audit/",
    "/admin/audit/export.csv",
    "/admin/audit/export.jsonl",
    "/admin/reports/",
    "/admin/reports/by-status.csv",
    "/admin/graph/{type}",
    "/admin/application-types/list/",
    "/admin/form-fields/list/",
    "/admin/statuses/list/",
    "/admin/transitions/list/",
    "/admin/transitions/add",
    "/admin/document-types/list/",
    "/admin/document-requirements/list/",
    "/admin/calendar/list/",
    "/admin/branches/list/",
    "/admin/suppliers/list/",
    "/admin/offices/list/",
    "/admin/topics/list/",
]
ADMIN_ONLY_POST = [
    "/admin/pages/create",
    "/admin/pages/{page}/edit",
    "/admin/pages/{page}/versions/1/publish",
    "/admin/pages/{page}/versions/1/restore",
    "/admin/pages/{page}/unpublish",
    "/admin/pages/upload-image",
    "/admin/pages/upload-file",
    "/admin/settings/",
    "/admin/settings/test",
    "/admin/consumers/{consumer}/block",
    "/admin/consumers/{consumer}/unblock",
    "/admin/statuses/delete/1",
]
STAFF_GET = ["/admin/consumers/", "/admin/consumers/open"]

ALLOWED = {ORG_ADMIN: True, STAFF: False, CONSUMER: False, None: False}


@pytest.fixture
def ids(pages, users):
    page = db.session.execute(db.select(InfoPage).where(InfoPage.slug == "help")).scalar_one()
    app_type = ApplicationType(code="tp", name="Заявка на технологическое присоединение")
    db.session.add(app_type)
    db.session.commit()
    return {"page": page.id, "type": app_type.id, "consumer": users[CONSUMER].id}


def _as(client, login, users, role):
    with client.session_transaction() as session:
        session.clear()
    if role is not None:
        login(users[role])


def _denied(response):
    return response.status_code in (302, 403, 404) and (
        response.status_code != 302 or "/login" in response.headers.get("Location", ""))


@pytest.mark.parametrize("role", list(ALLOWED))
def test_admin_get_routes_by_role(client, login, users, ids, role):
    _as(client, login, users, role)
    for template in ADMIN_ONLY_GET:
        url = template.format(**ids)
        response = client.get(url)
        if ALLOWED[role]:
            assert response.status_code == 200, (role, url, response.status_code)
        else:
            assert _denied(response), (role, url, response.status_code)


@pytest.mark.parametrize("role", [role for role, allowed in ALLOWED.items() if not allowed])
def test_admin_post_routes_by_role_change_nothing_when_denied(client, login, users, ids, role):
    _as(client, login, users, role)
    for template in ADMIN_ONLY_POST:
        url = template.format(**ids)
        response = client.post(url, data={"slug": "x", "title": "x", "org_name": "Взлом"})
        assert _denied(response), (role, url, response.status_code)
    db.session.expire_all()
    assert db.session.execute(db.select(InfoPage).where(InfoPage.slug == "x")).scalar_one_or_none() is None
    from app.core.settings import get_setting

    assert get_setting("org_name") != "Взлом"
    assert db.session.get(type(users[CONSUMER]), users[CONSUMER].id).active


@pytest.mark.parametrize("role,allowed", [(ORG_ADMIN, True), (STAFF, True),
                                          (CONSUMER, False), (None, False)])
def test_consumer_directory_is_for_staff_and_admins(client, login, users, ids, role, allowed):
    _as(client, login, users, role)
    for url in STAFF_GET:
        response = client.get(url)
        assert (response.status_code == 200) if allowed else _denied(response), (role, url)


def test_staff_may_search_but_not_block(client, login, users, ids):
    _as(client, login, users, STAFF)
    listing = client.get("/admin/consumers/?q=Иванов").get_data(as_text=True)
    assert "Заблокировать" not in listing
    response = client.post(f"/admin/consumers/{ids['consumer']}/block")
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(type(users[CONSUMER]), ids["consumer"]).active


def test_admin_menu_shows_for_org_admin_only(client, login, users, ids):
    _as(client, login, users, ORG_ADMIN)
    body = client.get("/page/help").get_data(as_text=True)
    assert "Администрирование" in body and "Справочники" in body
    _as(client, login, users, CONSUMER)
    body = client.get("/page/help").get_data(as_text=True)
    assert "Администрирование" not in body and "Справочники" not in body
    assert 'href="/page/info"' in body


def test_admin_forms_need_the_csrf_token(app, client, login, org_admin, pages):
    """Tests run with CSRF off; this one turns it on and posts without the token."""
    from app.core.settings import get_setting

    login(org_admin)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for url, data in (("/admin/settings/", {"org_name": "Без токена"}),
                          ("/admin/pages/create", {"slug": "no-token", "title": "Без токена"}),
                          ("/admin/settings/test", {"channel": "email", "recipient": "a@example.ru"})):
            response = client.post(url, data=data)
            assert response.status_code == 400, url
        form = client.get("/admin/settings/").get_data(as_text=True)
        assert 'name="csrf_token"' in form
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.expire_all()
    assert get_setting("org_name") != "Без токена"
    assert db.session.execute(db.select(InfoPage).where(InfoPage.slug == "no-token")).first() is None


def test_org_admin_reaches_fab_user_list_for_roles_and_blocking(client, login, users, ids):
    _as(client, login, users, ORG_ADMIN)
    assert client.get("/users/list/").status_code == 200
    assert client.get("/roles/list/").status_code == 200
    _as(client, login, users, STAFF)
    assert _denied(client.get("/users/list/"))


@pytest.mark.parametrize("role", [STAFF, CONSUMER, None])
def test_dictionary_actions_are_refused_to_others(client, login, users, ids, role):
    from app.models import DocumentType

    doc = DocumentType(code="passport", name="Паспорт")
    db.session.add(doc)
    db.session.commit()
    _as(client, login, users, role)
    client.post("/admin/document-types/action_post", data={"action": "retire", "rowid": [str(doc.id)]})
    client.post(f"/admin/document-types/delete/{doc.id}")
    db.session.expire_all()
    assert db.session.get(DocumentType, doc.id).active is True
