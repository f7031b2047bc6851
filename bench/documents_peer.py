"""The plain-Flask peer of «Мои документы» (/my/documents/, issue 16, bench/documents_history.py).

What a careful engineer would write without Flask-AppBuilder, on top of bench/peer.py (Flask,
Flask-Login, SQLAlchemy Core, Jinja; the same session cookie, the user with their consumer id in
one statement, the plain layout and menu): the consumer's linked accounts, the upload's document
types (the «Тип документов» filter), one page of the ledger (consumer_document, LIMIT 21, the
filters as WHERE clauses) and «Откуда» of the page's applications in one more statement — the
queries of workflows/documents/mine.py written by hand — and the markup of
templates/documents/mine.html. Never part of the tests.

    KABINET_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench16 \
        gunicorn --chdir bench history_peer:app
"""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import render_template, request
from flask_login import current_user, login_required
from sqlalchemy import MetaData, Table, bindparam, select

MOSCOW = ZoneInfo("Europe/Moscow")
PER_PAGE = 20
DIRECTIONS = {"sent": "Отправлен", "received": "Получен"}
ORIGIN_WORDS = {"connection": "Заявка", "message": "Сообщение", "statement": "Заявление", "appeal": "Обращение"}
#: the upload's types (workflows/documents/uploads.py DOCUMENT_TYPES), then what the portal sends
UPLOAD_CODES = ("cabinet_supply_contract", "cabinet_debt_restructuring", "cabinet_claim", "cabinet_court_decision",
                "cabinet_court_order", "cabinet_writ", "cabinet_other")
PORTAL_TYPES = ("Заявка", "Сообщение", "Заявление", "Обращение", "Электронная подпись", "Копия документа",
                "Квитанция", "Прочие документы")
DOWNLOADS = {"attachment": "/documents/attachment/{}/file", "statement": "/documents/application/{}/statement.docx",
             "signature": "/documents/signature/{}/evidence", "copy": "/documents/copy-file/{}",
             "receipt": "/my/documents/receipts/{}"}
FILTER_ARGS = ("direction", "type_name", "date_from", "date_to", "account_id")

MINE = """{% extends "layout.html" %}{% block content %}
<div class="kb-page">
  <h1>Мои документы</h1>
  <p class="text-muted">История отправленных и полученных документов: заявки, обращения, заявления, квитанции, подписанные документы и копии.</p>
  <p><a class="btn btn-primary" href="/my/documents/upload" data-test="upload-link">Загрузить документ</a></p>
  <form method="get" class="form-inline" data-test="filters" novalidate>
    {% macro select(name, label, options, chosen) %}<div class="form-group">
      <label class="control-label" for="{{ name }}">{{ label }}</label> <select class="form-control" id="{{ name }}" name="{{ name }}"><option value="">Все</option>{% for value, text in options %}<option{% if value|string == chosen|string %} selected{% endif %} value="{{ value }}">{{ text }}</option>{% endfor %}</select>
    </div>{% endmacro %}
    {{ select('direction', 'Направление', directions.items(), f.direction) }}
    {{ select('type_name', 'Тип документов', types, f.type_name) }}
    {% for name, label in (('date_from', 'Период с'), ('date_to', 'по')) %}
    <div class="form-group{% if errors.get(name) %} has-error{% endif %}">
      <label class="control-label" for="{{ name }}">{{ label }}</label> <input class="form-control" id="{{ name }}" name="{{ name }}" type="date" value="{{ f[name] or '' }}">
      {% if errors.get(name) %}<span class="help-block kb-error" role="alert" data-test="error-{{ name }}">{{ errors[name] }}</span>{% endif %}
    </div>
    {% endfor %}
    {% if accounts %}{{ select('account_id', 'Лицевой счет', accounts, f.account_id) }}{% endif %}
    <button class="btn btn-default" type="submit" data-test="filter-submit">Показать</button>
  </form>
  <div class="table-responsive">
  <table class="table table-condensed kb-cards" data-test="documents">
    <thead><tr><th>Дата</th><th>Документ</th><th>Тип документов</th><th>Откуда</th><th>Отправлен / Получен</th><th></th></tr></thead>
    <tbody>
    {% for row in rows %}
      <tr data-test="document" data-kind="{{ row.source_kind }}" data-source="{{ row.source_id }}">
        <td data-label="Дата" data-test="date">{{ row.created_at|ru_date }}</td>
        <td class="kb-card-title" data-test="title">{{ row.title }}{% if row.period %} за {{ row.period.strftime('%m.%Y') }}{% endif %}</td>
        <td data-label="Тип документов" data-test="type">{{ row.type_name }}</td>
        <td data-label="Откуда" data-test="origin">{{ origins[row.id] }}</td>
        <td data-label="Отправлен / Получен" data-test="direction">{{ directions.get(row.direction, row.direction) }}</td>
        <td><a class="btn btn-default btn-sm" href="{{ downloads[row.source_kind].format(row.source_id) }}" data-test="download">Скачать документ</a></td>
      </tr>
    {% else %}
      <tr><td colspan="6" class="text-muted" data-test="no-documents">Документов нет</td></tr>
    {% endfor %}
    </tbody>
  </table>
  </div>
  {% if page > 1 %}<a href="?{{ dict(args, page=page - 1)|urlencode }}">&larr; Назад</a>{% endif %}
  {% if has_next %}<a class="pull-right" href="?{{ dict(args, page=page + 1)|urlencode }}">Дальше &rarr;</a>{% endif %}
</div>
{% endblock %}"""


def utc_day(day: date) -> datetime:
    """A Moscow day's first moment as the naive UTC the ledger keeps."""
    return datetime.combine(day, time.min, tzinfo=MOSCOW).astimezone(timezone.utc).replace(tzinfo=None)


def queries(engine) -> dict:
    meta = MetaData()
    link, account, ledger, application, kind, doc_type = (Table(name, meta, autoload_with=engine) for name in (
        "account_link", "personal_account", "consumer_document", "application", "application_type",
        "document_type"))
    return {
        "accounts": (select(account.c.id, account.c.number, account.c.address)
                     .join(link, link.c.account_id == account.c.id)
                     .where(link.c.consumer_id == bindparam("consumer_id"), link.c.unlinked_at.is_(None))
                     .order_by(link.c.id)),
        "types": (select(doc_type.c.name).where(doc_type.c.code.in_(UPLOAD_CODES), doc_type.c.active.is_(True))
                  .order_by(doc_type.c.sort_order, doc_type.c.id)),
        "ledger": ledger,
        "origins": (select(application.c.id, application.c.number, kind.c.kind, application.c.submitted_at)
                    .join(kind, kind.c.id == application.c.application_type_id)
                    .where(application.c.id.in_(bindparam("ids", expanding=True)))),
        "numbers": select(account.c.id, account.c.number).where(account.c.id.in_(bindparam("ids", expanding=True))),
    }


def filters(args) -> tuple[dict, dict]:
    """(the filters, field → message) as the page's form reads them."""
    def day(name):
        try:
            return date.fromisoformat(args.get(name, ""))
        except ValueError:
            return None

    raw = args.get("account_id", "").strip()
    f = {"direction": args.get("direction", "") if args.get("direction") in DIRECTIONS else "",
         "type_name": args.get("type_name", "").strip(), "date_from": day("date_from"), "date_to": day("date_to"),
         "account_id": (int(raw) if raw.isdigit() and len(raw) < 10 else 0) if raw else None}
    if f["date_from"] and f["date_to"] and f["date_from"] > f["date_to"]:
        f["date_from"] = f["date_to"] = None
        return f, {"date_to": "Дата начала периода позже даты окончания"}
    return f, {}


def page_query(ledger, consumer_id: int, f: dict, page: int):
    query = select(ledger).where(ledger.c.consumer_id == consumer_id)
    for name in ("direction", "type_name", "account_id"):
        if f[name]:
            query = query.where(ledger.c[name] == f[name])
    if f["date_from"]:
        query = query.where(ledger.c.created_at >= utc_day(f["date_from"]))
    if f["date_to"]:
        query = query.where(ledger.c.created_at < utc_day(f["date_to"] + timedelta(days=1)))
    return (query.order_by(ledger.c.created_at.desc(), ledger.c.id.desc())
            .limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE))


def origin(row, applications: dict, accounts: dict) -> str:
    if row.application_id in applications:
        number, kind, submitted = applications[row.application_id]
        word = ORIGIN_WORDS.get(kind, "Заявка")
        local = submitted.replace(tzinfo=timezone.utc).astimezone(MOSCOW)
        return f"{word} № {number}" if number else f"{word} от {local:%d.%m.%Y}"
    if row.account_id in accounts:
        return f"Лицевой счет {accounts[row.account_id]}"
    return "Запрос копий документов" if row.source_kind == "copy" else ""


def add_documents_route(app, engine, menu) -> None:
    q = queries(engine)
    app.jinja_loader.mapping.update({"mine.html": MINE})

    @app.route("/peer/my/documents/")
    @login_required
    def my_documents():
        f, errors = filters(request.args)
        page = max(request.args.get("page", 1, type=int), 1)
        with engine.connect() as conn:
            accounts = conn.execute(q["accounts"], {"consumer_id": current_user.consumer_id}).all()
            names = conn.execute(q["types"]).scalars().all()
            rows = conn.execute(page_query(q["ledger"], current_user.consumer_id, f, page)).all()
            ids = {row.application_id for row in rows[:PER_PAGE] if row.application_id}
            applications = ({r.id: (r.number, r.kind, r.submitted_at) for r in conn.execute(q["origins"], {"ids": ids})}
                            if ids else {})
            numbers = {a.id: a.number for a in accounts}
            missing = {row.account_id for row in rows[:PER_PAGE] if row.account_id and row.account_id not in numbers}
            if missing:  # an account unlinked since: its number read once for the page
                numbers.update(conn.execute(q["numbers"], {"ids": missing}).all())
        origins = {row.id: origin(row, applications, numbers) for row in rows[:PER_PAGE]}
        types = [(n, n) for n in names] + [(n, n) for n in PORTAL_TYPES if n not in names]
        args = {k: v for k, v in request.args.items() if k in FILTER_ARGS and v}
        return render_template("mine.html", user=current_user, menu=menu, f=f, errors=errors, rows=rows[:PER_PAGE],
                               origins=origins, has_next=len(rows) > PER_PAGE, page=page, args=args,
                               directions=DIRECTIONS, downloads=DOWNLOADS, types=types,
                               accounts=[(a.id, f"{a.number} — {a.address}") for a in accounts])
