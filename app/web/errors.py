"""Portal pages for 403, 404 and 500: Russian, with the portal's header and menu.

The full page asks the database (the user, the menu's permissions, the organization's
name); when that fails — the database is down, which is a common cause of a 500 — the
answer is a minimal page that queries nothing.
"""
import logging

from flask import Flask, current_app, render_template
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

#: status → (title, explanation)
ERROR_PAGES = {
    403: (_l("Доступ запрещен"), _l("У вас нет прав для просмотра этой страницы.")),
    404: (_l("Страница не найдена"),
          _l("Такой страницы нет: возможно, ссылка устарела или в адресе есть опечатка.")),
    500: (_l("Ошибка на сервере"),
          _l("Ошибка на сервере, страница не открылась. Попробуйте повторить через несколько минут.")),
}


def render_error_page(status: int):
    title, text = ERROR_PAGES[status]
    try:
        _forget_failed_transaction()
        return render_template("errors/error.html", status=status, title=title, text=text,
                               appbuilder=current_app.appbuilder), status
    except Exception:  # noqa: BLE001 — the full page needs the database; it may be what failed
        log.exception("the %s page could not be drawn with the layout; the minimal page is sent", status)
        # straight from the environment: render_template's context processors load the user
        page = current_app.jinja_env.get_template("errors/minimal.html")
        return page.render(status=status, title=title, text=text), status


def _forget_failed_transaction() -> None:
    """After an error mid-transaction (PostgreSQL refuses every later query) start afresh."""
    from app.extensions import db

    db.session.rollback()


def _http_error(error: HTTPException):
    return render_error_page(error.code)


def _server_error(error: InternalServerError):
    return render_error_page(500)


def register(app: Flask) -> None:
    for status in (403, 404):
        app.register_error_handler(status, _http_error)
    app.register_error_handler(InternalServerError, _server_error)
