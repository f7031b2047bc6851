"""The shared page machinery kept cheap (app/core/templating.py, the user loader): what it shows
must be exactly what FAB would have shown."""
import re
from pathlib import Path

import flask_appbuilder
from flask import url_for
from flask_appbuilder.security.sqla.models import Group, assoc_user_group
from markupsafe import Markup

from app.extensions import appbuilder, db
from app.core.templating import FAB_ASSETS, RowUrl, status_label
from app.core.users import find_role
from tests.factories import make_consumer, make_staff


def navbar(html: str) -> str:
    if 'id="kb-menu"' in html:  # the public layout's menu (visitors, consumers)
        return html.split('id="kb-menu"', 1)[1].split("</nav>", 1)[0]  # its dropdowns are lists too
    return html.split('<ul class="nav navbar-nav">', 1)[1].split("</ul>\n            <ul", 1)[0]


def test_fab_assets_are_the_files_of_fab_s_own_layout():
    fab_layout = (Path(flask_appbuilder.__file__).parent / "templates/appbuilder/init.html").read_text()
    fab_files = re.findall(r"filename='([^']+)'", fab_layout)
    ours = [name for part in FAB_ASSETS.values() for name in part]
    assert "css/themes/" in fab_files  # FAB's optional theme, where ours has "{theme}"
    assert sorted(ours) == sorted(["{theme}" if name == "css/themes/" else name for name in fab_files])


def test_every_page_links_fab_s_styles_and_scripts(client):
    html = client.get("/login/").get_data(as_text=True)
    for name in ("css/bootstrap.min.css", "js/jquery-latest.js", "js/bootstrap.min.js", "js/ab.js"):
        assert f"/static/appbuilder/{name}" in html
    assert client.get("/static/appbuilder/js/ab.js").status_code == 200


def test_menu_follows_the_permissions_of_each_role(ctx, client, login, reference_data):
    login(make_consumer())
    consumer_menu = navbar(client.get("/my/applications/").get_data(as_text=True))
    assert "Мои заявки" in consumer_menu and "Документооборот" not in consumer_menu
    login(make_staff("Staff"))
    staff_menu = navbar(client.get("/staff/queue/").get_data(as_text=True))
    assert "Документооборот" in staff_menu and "Мои заявки" not in staff_menu


def test_a_changed_permission_changes_the_menu_at_once(ctx, client, login, reference_data):
    login(make_consumer())
    assert "Документооборот" not in navbar(client.get("/my/applications/").get_data(as_text=True))
    sm, role = appbuilder.sm, find_role("Consumer")
    queue_menu = sm.find_permission_view_menu("menu_access", "Документооборот")
    sm.add_permission_role(role, queue_menu)
    try:
        assert "Документооборот" in navbar(client.get("/my/applications/").get_data(as_text=True))
    finally:
        sm.del_permission_role(role, queue_menu)  # roles outlive a test (tests/conftest.py)


def test_the_menu_is_rendered_once_per_permission_set(app, ctx, client, login, reference_data, monkeypatch):
    app.extensions.pop("kabinet.navbar_menu", None)
    checks = []
    original = type(appbuilder.sm).has_access
    monkeypatch.setattr(type(appbuilder.sm), "has_access",
                        lambda self, *args: checks.append(args) or original(self, *args))
    login(make_consumer())
    client.get("/my/applications/")
    first = len(checks)
    login(make_consumer())  # another consumer, the same roles
    client.get("/my/applications/")
    assert first > 5 and len(checks) - first <= 2  # only the page's own check


def test_menu_language_follows_the_user(ctx, client, login, reference_data):
    login(make_consumer())
    client.get("/lang/en")
    english = navbar(client.get("/my/applications/").get_data(as_text=True))
    client.get("/lang/ru")
    russian = navbar(client.get("/my/applications/").get_data(as_text=True))
    assert english != russian and "Мои заявки" in russian


def test_roles_given_through_a_fab_group_count(ctx, client, login, reference_data):
    user = make_staff("Staff")
    user.roles = []
    group = Group(name="Диспетчеры", label="Диспетчеры", roles=[find_role("Staff")])
    db.session.add(group)
    db.session.flush()
    membership = assoc_user_group.insert().values(user_id=user.id, group_id=group.id)
    db.session.execute(membership)
    db.session.commit()
    login(user)
    assert client.get("/staff/queue/").status_code == 200
    db.session.execute(assoc_user_group.delete())
    db.session.commit()
    assert client.get("/staff/queue/").status_code != 200


def test_row_url_builds_what_url_for_builds(app):
    with app.test_request_context("/"):
        show = RowUrl("ConsumerApplicationsView.show", "application_id")
        for application_id in (1, 42, 1234567):
            assert show(application_id) == url_for("ConsumerApplicationsView.show", application_id=application_id)
    with app.test_request_context("/", base_url="http://localhost/portal/"):
        assert RowUrl("ConsumerApplicationsView.show", "application_id")(7) == "/portal/my/applications/7"


def test_status_label_escapes_a_typed_status():
    class Status:
        is_final, consumer_editable, is_draft = False, False, False

    class Application:
        status, display_status = Status(), '<b>"Ждём" & ждём</b>'

    label = status_label(Application())
    assert isinstance(label, Markup)
    assert label == ('<span class="label label-primary" data-test="status">'
                     '&lt;b&gt;&#34;Ждём&#34; &amp; ждём&lt;/b&gt;</span>')
