"""Admin screens a non-programmer can use (issue 12): roles, permissions and codes shown in
words, a new row active unless unticked and on the first page, one name per screen."""
from html.parser import HTMLParser

from flask_appbuilder.security.sqla.models import Permission, ViewMenu
from sqlalchemy import select

from app.extensions import db
from app.models import ApplicationType, FormField, Status, Transition
from app.security.roles import ADMIN, CONSUMER, ORG_ADMIN, STAFF
from tests.factories import make_staff


class FormValues(HTMLParser):
    """What a browser sends for a form left as it is: text values, ticked boxes, chosen options."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values, self._select = {}, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.values[a["name"]] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self.values[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select, self._first = a.get("name"), True
        elif tag == "option" and self._select:
            if "selected" in a or self._first:  # no option chosen: the browser sends the first
                self.values[self._select] = a.get("value", "")
            self._first = False

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def form_values(html: str) -> dict:
    parser = FormValues()
    parser.feed(html)
    return parser.values


def _type():
    app_type = ApplicationType(code="tp", name="Техприсоединение")
    db.session.add(app_type)
    db.session.flush()
    draft = Status(application_type_id=app_type.id, code="draft", name="Черновик", is_draft=True, sort_order=0)
    review = Status(application_type_id=app_type.id, code="review", name="На рассмотрении", is_initial=True,
                    sort_order=1)
    db.session.add_all([draft, review])
    db.session.flush()
    db.session.add(Transition(application_type_id=app_type.id, from_status_id=draft.id, to_status_id=review.id,
                              name="Подать", roles=[CONSUMER]))
    db.session.add(Transition(application_type_id=app_type.id, from_status_id=review.id, to_status_id=draft.id,
                              name="Вернуть", roles=[STAFF, ORG_ADMIN]))
    db.session.add(FormField(application_type_id=app_type.id, code="body", label="Текст", field_type="richtext"))
    db.session.commit()
    return app_type


def test_every_permission_and_screen_has_a_name(ctx):
    """A permission or screen added later without a label would show as a code."""
    from app.core.labels import PERMISSION_LABELS, VIEW_LABELS

    permissions = db.session.scalars(select(Permission.name)).all()
    screens = db.session.scalars(select(ViewMenu.name)).all()
    assert [name for name in permissions if name not in PERMISSION_LABELS] == []
    assert [name for name in screens if name not in VIEW_LABELS and name.isascii()] == []


def test_roles_and_permissions_are_shown_in_words(client, login, ctx):
    login(make_staff(ADMIN))
    roles = client.get("/roles/list/").get_data(as_text=True)
    assert "Администратор организации" in roles and "Заявитель" in roles
    assert "Просмотр: Пользователи" in roles and "Пункт меню: Мои данные" in roles
    assert "can show on" not in roles and ORG_ADMIN not in roles
    edit = client.get("/roles/edit/1").get_data(as_text=True)
    assert "Список: Роли" in edit and "can list" not in edit
    users = client.get("/users/list/").get_data(as_text=True)
    assert "Группы" in users and ">Да<" in users.replace(" ", "").replace("\n", "")
    assert "Groups" not in users and "True" not in users
    add_user = client.get("/users/add").get_data(as_text=True)
    assert ">Сотрудник</option>" in add_user and ">Staff</option>" not in add_user


def test_codes_are_shown_as_labels(client, login, org_admin):
    app_type = _type()
    login(org_admin)
    transitions = client.get("/admin/transitions/list/").get_data(as_text=True)
    assert "Сотрудник, Администратор организации" in transitions and "['Staff'" not in transitions
    fields = client.get("/admin/form-fields/list/").get_data(as_text=True)
    assert "Форматированный текст" in fields and ">richtext<" not in fields.replace(" ", "").replace("\n", "")
    graph = client.get(f"/admin/graph/{app_type.id}").get_data(as_text=True)
    assert "Заявитель" in graph and CONSUMER not in graph and ORG_ADMIN not in graph
    add = client.get("/admin/form-fields/add").get_data(as_text=True)
    assert ">Форматированный текст</option>" in add


def test_a_new_status_is_active_unless_unticked(client, login, org_admin):
    app_type = _type()
    login(org_admin)
    values = form_values(client.get("/admin/statuses/add").get_data(as_text=True))
    assert values.get("active") == "y", "«Действует» is ticked on the add form"
    values.update(application_type=str(app_type.id), code="visit", name="Выезд на объект")
    assert client.post("/admin/statuses/add", data=values).status_code == 302
    assert db.session.scalar(select(Status.active).where(Status.code == "visit")) is True


def test_a_new_row_is_on_the_first_page(client, login, org_admin):
    app_type = _type()
    for number in range(60):  # more than a page of older rows
        db.session.add(Status(application_type_id=app_type.id, code=f"s{number}", name=f"Статус {number}",
                              sort_order=number))
    db.session.commit()
    login(org_admin)
    assert client.post("/admin/statuses/add", data={
        "application_type": str(app_type.id), "code": "visit", "name": "Выезд на объект", "sort_order": "0",
        "document_role": "", "active": "y"}).status_code == 302
    page = client.get("/admin/statuses/list/").get_data(as_text=True)
    assert "Выезд на объект" in page


def test_a_new_transition_is_active(client, login, org_admin):
    app_type = _type()
    draft, review = (db.session.scalar(select(Status.id).where(Status.code == code)) for code in ("draft", "review"))
    login(org_admin)
    values = form_values(client.get("/admin/transitions/add").get_data(as_text=True))
    assert values.get("active") == "y"
    values.update(application_type=str(app_type.id), from_status=str(draft), to_status=str(review),
                  name="Отправить повторно", roles=CONSUMER)
    assert client.post("/admin/transitions/add", data=values).status_code == 302
    assert db.session.scalar(select(Transition.active).where(Transition.name == "Отправить повторно")) is True


def test_one_name_per_screen(client, login, ctx):
    login(make_staff(ADMIN))
    page = client.get("/users/list/").get_data(as_text=True)
    assert "Пользователи и роли" in page  # FAB's «Security» menu, not a second «Безопасность»
    assert ">Безопасность<" not in page.replace(" ", "")
    with client.application.test_request_context("/"):
        from flask import session
        from flask_babel import gettext

        session["locale"] = "ru"
        assert gettext("Profile") == "Мой профиль"  # FAB's catalogue said «профиль»
    settings = client.get("/admin/settings/").get_data(as_text=True)
    assert "Правила входа" in settings


def test_english_stays_selectable_on_fab_screens(client, login, ctx):
    login(make_staff(ADMIN))
    client.get("/lang/en")
    roles = client.get("/roles/list/").get_data(as_text=True)
    assert "Organization administrator" in roles and "Администратор организации" not in roles
    client.get("/lang/ru")
    assert "Администратор организации" in client.get("/roles/list/").get_data(as_text=True)
