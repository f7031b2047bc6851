"""E6: an organization admin keeps the sections' entries in «Разделы сайта» and the page
editor — a new entry, its text as versions (sanitized), its section's fields and their checks;
nobody else reaches these screens."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import InfoPage, InfoPageVersion
from app.security.roles import CONSUMER, ORG_ADMIN, STAFF
from tests.pages.section_builders import day, entry, promotion
from workflows.pages import commands, sections, service
from workflows.pages.sections import CATALOGUE, FAQ, PROMOTION

ALLOWED = {ORG_ADMIN: True, STAFF: False, CONSUMER: False, None: False}


def _as(client, login, users, role):
    with client.session_transaction() as session:
        session.clear()
    if role is not None:
        login(users[role])


def _denied(response) -> bool:
    return response.status_code in (302, 403, 404) and (
        response.status_code != 302 or "/login" in response.headers.get("Location", ""))


def _count(model=InfoPage) -> int:
    db.session.expire_all()
    return db.session.execute(select(func.count()).select_from(model)).scalar()


def _editor_post(client, page, title, html, **fields):
    latest = service.latest_version(page)
    data = {"title": title, "body_html": html, "sort_order": "10", "base_version": str(latest.number if latest else 0),
            "publish": "1", **fields}
    return client.post(f"/admin/pages/{page.id}/edit", data=data)


@pytest.mark.parametrize("role", list(ALLOWED))
def test_section_admin_routes_by_role(client, login, users, role):
    question = entry(FAQ, "Вопрос", category="Общие")
    _as(client, login, users, role)
    before = (_count(), _count(InfoPageVersion))
    for url in ("/admin/content/", "/admin/content/faq/", "/admin/content/promotion/", f"/admin/pages/{question.id}/edit"):
        response = client.get(url)
        if ALLOWED[role]:
            assert response.status_code in (200, 302), (url, response.status_code)
        else:
            assert _denied(response), (role, url, response.status_code)
    posted = [client.post("/admin/content/faq/create", data={"title": "Взлом", "category": "Взлом"}),
              _editor_post(client, question, "Взлом", "<p>Взлом</p>", category="Взлом")]
    if ALLOWED[role]:
        assert [r.status_code for r in posted] == [302, 302]
    else:
        assert all(_denied(r) for r in posted), role
        assert (_count(), _count(InfoPageVersion)) == before


def test_unknown_section_is_404(client, login, users):
    login(users[ORG_ADMIN])
    assert client.get("/admin/content/news/").status_code == 404
    assert client.post("/admin/content/news/create", data={"title": "x"}).status_code == 404


def test_admin_creates_an_entry_and_publishes_it_from_the_editor(client, login, users):
    login(users[ORG_ADMIN])
    response = client.post("/admin/content/faq/create", data={"title": "Как подать заявку?", "category": "Заявки"})
    page = db.session.execute(select(InfoPage).where(InfoPage.section == FAQ)).scalar_one()
    assert response.headers["Location"].endswith(f"/admin/pages/{page.id}/edit")
    editor = client.get(f"/admin/pages/{page.id}/edit").get_data(as_text=True)
    assert 'data-test="section-fields"' in editor and 'value="Заявки"' in editor
    assert "Показывать в списке страниц" not in editor
    assert "Как подать заявку?" not in client.get("/faq/").get_data(as_text=True)  # not published yet
    _editor_post(client, page, "Как подать заявку?", "<p>Через раздел «Подать заявку»</p>", category="Заявки")
    assert "Через раздел «Подать заявку»" in client.get("/faq/").get_data(as_text=True)
    listing = client.get("/admin/content/faq/").get_data(as_text=True)
    assert "Как подать заявку?" in listing and "Заявки" in listing
    assert "Как подать заявку?" not in client.get("/admin/pages/").get_data(as_text=True)


def test_editing_keeps_versions_and_removes_scripts(client, login, users):
    item = entry(CATALOGUE, "Замена счетчика", "<p>Первая редакция</p>", price=Decimal("1000"))
    login(users[ORG_ADMIN])
    response = _editor_post(client, item, "Замена счетчика", '<p>Вторая редакция</p><script>alert("x")</script>'
                            '<img src="x" onerror="alert(1)">', price="1 234,56")
    assert response.status_code == 302
    db.session.expire_all()
    page = db.session.get(InfoPage, item.id)
    assert [v.number for v in page.versions] == [2, 1]
    assert page.versions[1].body_html == "<p>Первая редакция</p>"
    assert page.published_version.body_html == "<p>Вторая редакция</p>"
    assert page.price == Decimal("1234.56")
    body = client.get("/catalogue/").get_data(as_text=True)
    assert "Вторая редакция" in body and 'alert("x")' not in body and "onerror" not in body
    assert "1\u00a0234,56\u00a0руб." in body


def test_promotion_ending_before_it_starts_is_refused_and_changes_nothing(client, login, users):
    login(users[ORG_ADMIN])
    response = client.post("/admin/content/promotion/create",
                           data={"title": "Акция", "starts_on": "10.03.2026", "ends_on": "09.03.2026"})
    assert response.status_code == 400
    assert "Дата окончания не может быть раньше даты начала" in response.get_data(as_text=True)
    assert _count() == 0

    current = promotion("Текущая акция", starts=-1, ends=1)
    editor = client.get(f"/admin/pages/{current.id}/edit").get_data(as_text=True)
    assert f'value="{day(-1).strftime("%d.%m.%Y")}"' in editor and f'value="{day(1).strftime("%d.%m.%Y")}"' in editor
    before = _count(InfoPageVersion)
    response = _editor_post(client, current, "Новое название", "<p>Новый текст</p>",
                            starts_on=day(5).strftime("%d.%m.%Y"), ends_on=day(4).strftime("%d.%m.%Y"))
    assert response.status_code == 200
    assert "Дата окончания не может быть раньше даты начала" in response.get_data(as_text=True)
    db.session.expire_all()
    page = db.session.get(InfoPage, current.id)
    assert (page.starts_on, page.ends_on, page.title) == (day(-1), day(1), "Текущая акция")
    assert _count(InfoPageVersion) == before


@pytest.mark.parametrize("code,fields,message", [
    (FAQ, {"category": ""}, "Поле обязательно для заполнения"),
    (PROMOTION, {"starts_on": "31.02.2026", "ends_on": "01.03.2026"}, "Введите дату в формате ДД.ММ.ГГГГ"),
    (PROMOTION, {"starts_on": "", "ends_on": "01.03.2026"}, "Поле обязательно для заполнения"),
    (CATALOGUE, {"price": "-5"}, "Цена не может быть отрицательной"),
    (CATALOGUE, {"price": "дорого"}, "Введите число"),
    ("energy_org", {"org_role": "сетевая организация", "site": "javascript:alert(1)"}, "Адрес сайта"),
])
def test_each_invalid_field_gives_its_message_and_creates_nothing(client, login, users, code, fields, message):
    login(users[ORG_ADMIN])
    response = client.post(f"/admin/content/{code}/create", data={"title": "Запись", **fields})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _count() == 0


def test_the_command_refuses_wrong_dates_too(ctx):
    with pytest.raises(sections.EntryRefused) as refused:
        sections.create_entry(PROMOTION, "Акция", {"starts_on": date(2026, 3, 10), "ends_on": date(2026, 3, 9)})
    assert refused.value.field_errors == {"ends_on": "Дата окончания не может быть раньше даты начала"}
    current = promotion("Акция", starts=0, ends=1)
    with pytest.raises(sections.EntryRefused):
        commands.save_page(current.id, title="Акция", body_html="<p>x</p>", show_in_menu=False, sort_order=0,
                           base_version="1", publish=True, actor=None,
                           details={"starts_on": day(2), "ends_on": day(1)})
    db.session.rollback()
    assert _count() == 1 and _count(InfoPageVersion) == 1


def test_retiring_an_entry_takes_it_off_its_page(client, login, users):
    question = entry(FAQ, "Устаревший вопрос", category="Общие")
    login(users[ORG_ADMIN])
    assert client.post(f"/admin/pages/{question.id}/unpublish").status_code == 302
    assert "Устаревший вопрос" not in client.get("/faq/").get_data(as_text=True)
    assert "Устаревший вопрос" in client.get("/admin/content/faq/").get_data(as_text=True)


def test_the_audit_log_names_an_entrys_fields_in_words(client, login, users):
    current = promotion("Акция недели", starts=-1, ends=1)
    login(users[ORG_ADMIN])
    _editor_post(client, current, "Акция недели", "<p>Условия</p>",
                 starts_on=day(-1).strftime("%d.%m.%Y"), ends_on=day(9).strftime("%d.%m.%Y"))
    log = client.get("/admin/audit/", query_string={"q": "Акция недели"}).get_data(as_text=True)
    assert "Изменение записи раздела" in log and "Дата окончания" in log
    assert day(9).strftime("%d.%m.%Y") in log
    assert "ends_on" not in log


def test_the_sections_are_in_the_admin_menu_and_an_ordinary_page_keeps_its_editor(client, login, users, pages):
    login(users[ORG_ADMIN])
    listing = client.get("/admin/pages/").get_data(as_text=True)
    assert 'href="/admin/content/"' in listing and "Разделы сайта" in listing
    help_page = service.get_page("help")
    editor = client.get(f"/admin/pages/{help_page.id}/edit").get_data(as_text=True)
    assert "Показывать в списке страниц" in editor and 'data-test="section-fields"' not in editor
    tabs = client.get("/admin/content/catalogue/").get_data(as_text=True)
    for label in ("Вопросы и ответы", "Акции", "Контакты организаций электроэнергетики", "Интернет-магазин"):
        assert label in tabs
