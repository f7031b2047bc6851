"""Portal pages for 403, 404 and 500 and for a refusal (a KabinetError on a page that is not a
sent form): Russian, with the portal's header and menu.

The full page asks the database (the user, the menu's permissions, the organization's
name); when that fails — the database is down, which is a common cause of a 500 — the
answer is a minimal page that queries nothing.
"""
import logging

from flask import Flask, current_app, render_template
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

from app.core.transactions import discard

log = logging.getLogger(__name__)

#: status → (title, explanation); a refusal (app/web/boundary.py) puts its own message instead
ERROR_PAGES = {
    400: (_l("Действие не выполнено"), _l("Запрос не выполнен. Проверьте данные и повторите попытку.")),
    403: (_l("Доступ запрещен"), _l("У вас нет прав для просмотра этой страницы.")),
    404: (_l("Страница не найдена"),
          _l("Такой страницы нет: возможно, ссылка устарела или в адресе есть опечатка.")),
    500: (_l("Ошибка на сервере"),
          _l("Ошибка на сервере, страница не открылась. Попробуйте повторить через несколько минут.")),
}


def render_error_page(status: int, message: str | None = None):
    """The portal's page for `status`: its explanation, or `message` when one is given."""
    title, text = ERROR_PAGES.get(status, ERROR_PAGES[400])
    text = message or text
    try:
        discard()  # PostgreSQL refuses every query of a transaction that failed; the page asks some
        return render_template("errors/error.html", status=status, title=title, text=text,
                               appbuilder=current_app.appbuilder), status
    except Exception:  # noqa: BLE001 — the full page needs the database; it may be what failed
        log.exception("the %s page could not be drawn with the layout; the minimal page is sent", status)
        # straight from the environment: render_template's context processors load the user
        page = current_app.jinja_env.get_template("errors/minimal.html")
        return page.render(status=status, title=title, text=text), status


def _http_error(error: HTTPException):
    return render_error_page(error.code)


def _server_error(error: InternalServerError):
    return render_error_page(500)


def register(app: Flask) -> None:
    for status in (403, 404):
        app.register_error_handler(status, _http_error)
    app.register_error_handler(InternalServerError, _server_error)
