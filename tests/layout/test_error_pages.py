"""403/404/500 are portal pages in Russian with the header and menu, for consumers and
visitors alike; a 500 with the database down still answers, with a page that asks nothing."""
import pytest
from flask import abort
from sqlalchemy import event

from app.extensions import db
from tests.factories import make_consumer

MENU = 'data-test="menu"'


@pytest.fixture
def consumer(ctx, login):
    return login(make_consumer())


def endpoint_of(app, path: str) -> str:
    return app.url_map.bind("localhost").match(path)[0]


@pytest.fixture
def broken_view(app, monkeypatch):
    """broken_view(path, raising) makes the view behind `path` call raising()."""

    def _break(path, raising):
        monkeypatch.setitem(app.view_functions, endpoint_of(app, path), lambda *a, **kw: raising())
        monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # TESTING re-raises otherwise

    return _break


def test_unknown_address_for_a_consumer(client, consumer):
    response = client.get("/no-such-page/")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Страница не найдена" in html and "Not Found" not in html
    assert MENU in html and "Мои заявки" in html and "Выход" in html
    assert 'data-test="home-link"' in html


def test_unknown_address_for_a_visitor(client, reference_data):
    response = client.get("/no-such-page/")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Страница не найдена" in html and 'data-test="org-name"' in html and "Вход" in html


def test_staff_page_for_a_consumer_is_forbidden_in_russian(client, consumer):
    response = client.get("/staff/queue/")
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Доступ запрещен" in html and "Forbidden" not in html and MENU in html


def test_forbidden_for_a_visitor(client, broken_view):
    broken_view("/page/info", lambda: abort(403))
    response = client.get("/page/info")
    assert response.status_code == 403
    assert "Доступ запрещен" in response.get_data(as_text=True)


def test_view_that_raises_gives_the_russian_500_page_with_the_menu(client, consumer, broken_view):
    def fail():
        raise RuntimeError("boom")

    broken_view("/my/applications/", fail)
    response = client.get("/my/applications/")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Ошибка на сервере" in html and "Internal Server Error" not in html
    assert MENU in html and "Выход" in html


def test_500_with_the_database_down_answers_a_minimal_page(app, client, consumer, broken_view):
    def fail():
        raise RuntimeError("boom")

    def database_down(*args, **kwargs):
        raise ConnectionRefusedError("database is down")

    broken_view("/my/applications/", fail)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", database_down)
    try:
        response = client.get("/my/applications/")
    finally:
        event.remove(engine, "before_cursor_execute", database_down)
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Ошибка на сервере" in html and 'data-test="home-link"' in html
    assert MENU not in html
