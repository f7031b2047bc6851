"""The plain-Flask peer of Kabinet's consumer pages (issue 11's benchmark target).

What a careful engineer would write for «Мои заявки» without Flask-AppBuilder: Flask,
Flask-Login, SQLAlchemy Core and Jinja; the same session cookie (Kabinet's SECRET_KEY and
«<user id>:<session version>» in Flask-Login's `_user_id`), the user with their consumer
profile in one statement, the same list query (the thirteen columns of
workflows/applications/queries.MY_APPLICATIONS, scoped to the consumer, LIMIT 21), the same
columns formatted the same way (DD.MM.YYYY in Moscow time, the status as a coloured label, the
row's download and history links), a plain layout with a menu.
Nothing of Kabinet is imported: tables are reflected from the database. Served by gunicorn
exactly like Kabinet in bench/run.py; never part of the test suite.

    KABINET_BENCH_DATABASE_URL=sqlite:////tmp/kabinet-bench.sqlite3 gunicorn --chdir bench peer:app
"""
import os
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import Flask, abort, render_template, request
from flask_login import LoginManager, UserMixin, current_user, login_required
from jinja2 import DictLoader
from sqlalchemy import MetaData, Table, bindparam, create_engine, func, select

MOSCOW = ZoneInfo("Europe/Moscow")
PER_PAGE = 20

LAYOUT = """<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}Личный кабинет{% endblock %}</title>
<link rel="stylesheet" href="/static/css/kabinet.css"></head>
<body><a class="skip" href="#main">Перейти к содержанию</a>
<header><strong>АО «Электросети»</strong> <span>{{ user.name }}</span>
<form method="post" action="/logout/"><button type="submit">Выход</button></form></header>
<nav><ul>{% for label, url in menu %}<li><a href="{{ url }}">{{ label }}</a></li>{% endfor %}</ul></nav>
<main id="main">{% block content %}{% endblock %}</main></body></html>"""

MY_LIST = """{% extends "layout.html" %}{% block content %}
<h1>Мои заявки</h1>
<p><a href="/my/applications/new">Подать заявку</a> <a href="/my/applications/new?type=message">Создать сообщение сетевой организации</a></p>
<table><thead><tr><th>Номер заявки</th><th>Объект (адрес)</th><th>Дата подачи</th><th>Статус заявки</th>
<th>Время изменения</th><th>Действия</th><th>События</th></tr></thead><tbody>
{% for row in rows %}<tr data-id="{{ row.id }}">
<td>{{ row.number or '—' }}<br><small>{{ row.type_name }}</small></td>
<td data-label="Объект (адрес)">{{ row.object_address or row.subject or '' }}</td>
<td data-label="Дата подачи">{{ row.submitted_at|ru_date or '—' }}</td>
<td data-label="Статус заявки"><span class="label label-{{ row|status_kind }}">{{ row.free_status or row.status_name }}</span>
{% if row.due_on and not (row.is_final or row.is_draft or row.consumer_editable) %}<br><small>Срок ответа организации: {{ row.due_on|ru_date }}</small>{% endif %}</td>
<td data-label="Время изменения">{{ row.status_changed_at|ru_datetime }}</td>
<td>{% if row.is_draft or row.consumer_editable %}<a href="/my/applications/{{ row.id }}/edit">Редактировать</a>{% endif %}
<a href="/documents/application/{{ row.id }}/statement.docx" title="Скачать заявку"><i class="fa fa-download"></i><span class="sr-only">Скачать заявку</span></a>
<a href="/documents/application/{{ row.id }}/bundle.zip" title="Скачать все документы"><i class="fa fa-paperclip"></i><span class="sr-only">Скачать все документы</span></a></td>
<td><a href="/my/applications/{{ row.id }}#history"><i class="fa fa-history"></i> Открыть</a></td></tr>{% endfor %}
</tbody></table>
{% if has_next %}<a href="?page={{ page + 1 }}">Далее</a>{% endif %}
{% endblock %}"""

EMPTY = """{% extends "layout.html" %}{% block content %}{% endblock %}"""

MENU = [("Главная", "/"), ("Мои заявки", "/my/applications/"), ("Подать заявку", "/my/applications/new"),
        ("Мои документы", "/documents/"), ("Уведомления", "/my/notifications/"), ("Мои данные", "/profile/"),
        ("Безопасность", "/security/"), ("Информация", "/page/info")]


class User(UserMixin):
    __slots__ = ("id", "name", "consumer_id")

    def __init__(self, id_, name, consumer_id):
        self.id, self.name, self.consumer_id = id_, name, consumer_id


def _local(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc).astimezone(MOSCOW)


def ru_date(value) -> str:
    if value is None:
        return ""
    return (_local(value) if isinstance(value, datetime) else value).strftime("%d.%m.%Y")


def ru_datetime(value) -> str:
    return "" if value is None else _local(value).strftime("%d.%m.%Y %H:%M")


def status_kind(row) -> str:
    """The colour of the status label, as on Kabinet's list."""
    return ("default" if row.is_final else "warning" if row.consumer_editable else "info" if row.is_draft
            else "primary")


def queries(engine):
    """The user with their consumer id (one statement), and «Мои заявки»'s list."""
    meta = MetaData()
    user, consumer, application, status, kind = (Table(name, meta, autoload_with=engine) for name in
                                                  ("ab_user", "consumer", "application", "status",
                                                   "application_type"))
    user_query = (select(user.c.id, user.c.first_name, user.c.last_name, user.c.active, user.c.session_version,
                         consumer.c.id.label("consumer_id"))
                  .outerjoin(consumer, consumer.c.user_id == user.c.id).where(user.c.id == bindparam("user_id")))
    list_query = (select(application.c.id, application.c.number, kind.c.name.label("type_name"),
                         application.c.object_address,
                         func.json_extract(application.c.data, "$.subject").label("subject")
                         if engine.dialect.name == "sqlite" else application.c.data["subject"].astext.label("subject"),
                         application.c.submitted_at, status.c.name.label("status_name"), status.c.is_final,
                         status.c.is_draft, status.c.consumer_editable, application.c.free_status,
                         application.c.due_on, application.c.status_changed_at)
                  .join(status, status.c.id == application.c.status_id)
                  .join(kind, kind.c.id == application.c.application_type_id)
                  .where(application.c.consumer_id == bindparam("consumer_id"))
                  .order_by(application.c.created_at.desc(), application.c.id.desc())
                  .limit(bindparam("limit")).offset(bindparam("offset")))
    return user_query, list_query


def create_peer(url: str, secret_key: str = "test-secret-key") -> Flask:
    app = Flask(__name__, static_folder=os.path.join(os.path.dirname(__file__), "..", "static"))
    app.config.update(SECRET_KEY=secret_key, SESSION_COOKIE_NAME="session")
    app.jinja_loader = DictLoader({"layout.html": LAYOUT, "my_list.html": MY_LIST, "empty.html": EMPTY})
    app.jinja_env.filters.update(ru_date=ru_date, ru_datetime=ru_datetime, status_kind=status_kind)
    engine = create_engine(url, pool_pre_ping=True, pool_use_lifo=True)
    user_query, list_query = queries(engine)
    login = LoginManager(app)

    @login.user_loader
    def load_user(key: str):
        user_id, _, version = key.partition(":")
        if not user_id.isdigit():
            return None
        with engine.connect() as conn:
            row = conn.execute(user_query, {"user_id": int(user_id)}).first()
        if row is None or not row.active or str(row.session_version) != version:
            return None
        return User(row.id, f"{row.last_name} {row.first_name}", row.consumer_id)

    add_routes(app, engine, list_query)
    return app


def add_routes(app: Flask, engine, list_query) -> None:
    @app.route("/peer/layout")
    @login_required
    def layout():
        return render_template("empty.html", user=current_user, menu=MENU)

    @app.route("/peer/my/applications/")
    @login_required
    def my_applications():
        if current_user.consumer_id is None:
            abort(404)
        page = max(request.args.get("page", 1, type=int), 1)
        with engine.connect() as conn:
            rows = conn.execute(list_query, {"consumer_id": current_user.consumer_id, "limit": PER_PAGE + 1,
                                             "offset": (page - 1) * PER_PAGE}).all()
        return render_template("my_list.html", user=current_user, menu=MENU, rows=rows[:PER_PAGE],
                               has_next=len(rows) > PER_PAGE, page=page)

    @app.route("/peer/hello")
    def hello():
        return "Hello, world!"


if os.environ.get("KABINET_BENCH_DATABASE_URL"):
    app = create_peer(os.environ["KABINET_BENCH_DATABASE_URL"])
