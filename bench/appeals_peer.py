"""The plain-Flask peer of «История обращений» (/my/appeals/, issue 16, bench/appeals_history.py).

What a careful engineer would write without Flask-AppBuilder, on top of bench/peer.py (Flask,
Flask-Login, SQLAlchemy Core, Jinja; the same session cookie, the user with their consumer id in
one statement, the plain layout and menu): the consumer's linked accounts (one statement) and
one page of the period's appeals with topic, number, status and the organization's answer (the
newest comment of a move into a final status, a correlated subquery) in one statement — the
query of workflows/appeals/history.py written by hand — and the markup of
templates/appeals/history.html. The period rule is workflows/billing/periods.py's (the previous
and current month by default, three years back at most). Never part of the tests.

    KABINET_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench16 \
        gunicorn --chdir bench history_peer:app
"""
from datetime import date, datetime, time, timezone
from itertools import groupby
from zoneinfo import ZoneInfo

from flask import render_template, request
from flask_login import current_user, login_required
from sqlalchemy import MetaData, Table, and_, bindparam, select

from billing_peer import add_months, today

MOSCOW = ZoneInfo("Europe/Moscow")
PER_PAGE = 50
MONTHS = ("Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь",
          "Ноябрь", "Декабрь")

HISTORY = """{% extends "layout.html" %}{% block content %}
<div class="kb-page">
  <h1>Обращения</h1>
  <ul class="nav nav-tabs" data-test="appeals-nav">
  <li class="active"><a href="/my/appeals/">История обращений</a></li>
  <li><a href="/my/appeals/new" data-test="new-appeal">Написать новое обращение</a></li>
</ul>
  <p class="text-muted">Обращения, направленные через личный кабинет, по месяцам. Период можно выбрать за последние 3 года.</p>
  <form method="get" class="form-inline well well-sm" data-test="appeals-filter" novalidate>
    <div class="form-group">
      <label class="control-label" for="account">Номер лицевого счета</label>
      <select class="form-control" id="account" name="account">
        <option value="">Все лицевые счета</option>
        {% for a in accounts %}<option value="{{ a.id }}"{% if a.id == account_id %} selected{% endif %}>{{ a.number }} — {{ a.address }}</option>{% endfor %}
      </select>
    </div>
    {% for name, label, value in fields %}
    <div class="form-group{% if errors.get(name) %} has-error{% endif %}">
      <label class="control-label" for="{{ name }}">{{ label }}</label> <input class="form-control" id="{{ name }}" max="{{ latest }}" min="{{ earliest }}" name="{{ name }}" placeholder="ГГГГ-ММ" required type="month" value="{{ value }}">
      {% if errors.get(name) %}<span class="help-block kb-error" role="alert" data-test="error-{{ name }}">{{ errors[name] }}</span>{% endif %}
    </div>
    {% endfor %}
    <button class="btn btn-default" type="submit" data-test="filter-submit">Показать</button>
  </form>
  {% if not errors %}
  <table class="table table-condensed kb-cards" data-test="appeals">
    <thead><tr><th>Тема обращения</th><th>Дата</th><th>Номер</th><th>Статус</th><th>Ответ</th></tr></thead>
    <tbody>
    {% for title, rows in months %}
      <tr class="active" data-test="month"><th colspan="5">{{ title }}</th></tr>
      {% for row in rows %}
      <tr data-test="appeal" data-id="{{ row.id }}">
        <td class="kb-card-title"><a href="/my/appeals/{{ row.id }}" data-test="topic">{{ row.topic }}</a></td>
        <td data-label="Дата">{{ row.submitted_at|ru_date }}</td>
        <td data-label="Номер">{{ row.number or '—' }}</td>
        <td data-label="Статус" data-test="status">{{ row.free_status or row.status }}</td>
        <td data-label="Ответ" data-test="answer">{% if row.answer %}{{ row.answer|truncate(200) }}{% else %}—{% endif %}</td>
      </tr>
      {% endfor %}
    {% else %}
      <tr><td colspan="5" class="text-muted" data-test="no-appeals">Обращений за этот период нет</td></tr>
    {% endfor %}
    </tbody>
  </table>
  <ul class="pager">
    {% if page > 1 %}<li><a href="?{{ dict(args, page=page - 1)|urlencode }}">Назад</a></li>{% endif %}
    {% if has_next %}<li><a href="?{{ dict(args, page=page + 1)|urlencode }}" data-test="next">Далее</a></li>{% endif %}
  </ul>
  {% endif %}
</div>
{% endblock %}"""


def utc_start(month: date) -> datetime:
    """The month's first moment in Moscow, as the naive UTC the columns keep."""
    return datetime.combine(month, time.min, tzinfo=MOSCOW).astimezone(timezone.utc).replace(tzinfo=None)


def month_title(moment: datetime) -> str:
    local = moment.replace(tzinfo=timezone.utc).astimezone(MOSCOW)
    return f"{MONTHS[local.month - 1]} {local.year}"


def queries(engine) -> dict:
    meta = MetaData()
    link, account, appeal, application, status, topic, event = (Table(name, meta, autoload_with=engine) for name in (
        "account_link", "personal_account", "appeal", "application", "status", "topic", "application_event"))
    accounts = (select(account.c.id, account.c.number, account.c.address)
                .join(link, link.c.account_id == account.c.id)
                .where(link.c.consumer_id == bindparam("consumer_id"), link.c.unlinked_at.is_(None))
                .order_by(link.c.id))
    final = status.alias("final")
    answer = (select(event.c.comment)
              .join(final, and_(final.c.id == event.c.to_status_id, final.c.is_final.is_(True)))
              .where(event.c.application_id == appeal.c.application_id, event.c.kind == "status",
                     event.c.comment.is_not(None))
              .order_by(event.c.id.desc()).limit(1).correlate(appeal).scalar_subquery())
    rows = (select(appeal.c.id, appeal.c.submitted_at, topic.c.name.label("topic"), application.c.number,
                   status.c.name.label("status"), application.c.free_status, answer.label("answer"))
            .join(application, application.c.id == appeal.c.application_id)
            .join(status, status.c.id == application.c.status_id)
            .join(topic, topic.c.id == appeal.c.topic_id)
            .where(appeal.c.consumer_id == bindparam("consumer_id"), appeal.c.submitted_at >= bindparam("since"),
                   appeal.c.submitted_at < bindparam("until"))
            .order_by(appeal.c.submitted_at.desc(), appeal.c.id.desc())
            .limit(PER_PAGE + 1).offset(bindparam("offset")))
    by_account = rows.where(appeal.c.account_id == bindparam("account_id"))
    return {"accounts": accounts, "rows": rows, "by_account": by_account}


def period(args) -> tuple[date, date, dict]:
    """(first, last, field → message): the months chosen, or the default two; three years back."""
    current = today().replace(day=1)
    earliest = add_months(current, -36)
    try:
        first = date.fromisoformat(args["period_from"] + "-01")
        last = date.fromisoformat(args["period_to"] + "-01")
    except (KeyError, ValueError):
        return add_months(current, -1), current, {}
    if first < earliest:
        return first, last, {"period_from": f"История обращений доступна за последние 3 года: выберите месяц не "
                                            f"ранее {earliest:%m.%Y}"}
    if last > current:
        return first, last, {"period_to": "Период не может заканчиваться позже текущего месяца"}
    if last < first:
        return first, last, {"period_to": "Конец периода не может быть раньше его начала"}
    return first, last, {}


def add_appeals_route(app, engine, menu) -> None:
    q = queries(engine)
    app.jinja_loader.mapping.update({"appeals.html": HISTORY})

    @app.route("/peer/my/appeals/")
    @login_required
    def appeals():
        first, last, errors = period(request.args)
        raw = request.args.get("account", "").strip()
        account_id = (int(raw) if raw.isdigit() and len(raw) < 10 else 0) if raw else None
        page = max(request.args.get("page", 1, type=int), 1)
        rows = []
        with engine.connect() as conn:
            accounts = conn.execute(q["accounts"], {"consumer_id": current_user.consumer_id}).all()
            if not errors and (account_id is None or account_id in {a.id for a in accounts}):
                params = {"consumer_id": current_user.consumer_id, "since": utc_start(first),
                          "until": utc_start(add_months(last, 1)), "offset": (page - 1) * PER_PAGE,
                          "account_id": account_id}
                rows = conn.execute(q["rows" if account_id is None else "by_account"], params).all()
        months = [(title, list(items)) for title, items in groupby(rows[:PER_PAGE], key=lambda r: month_title(
            r.submitted_at))]
        fields = [("period_from", "Начало периода", f"{first:%Y-%m}"), ("period_to", "Конец периода", f"{last:%Y-%m}")]
        args = {k: v for k, v in request.args.items() if k in ("period_from", "period_to", "account")}
        return render_template("appeals.html", user=current_user, menu=menu, accounts=accounts, account_id=account_id,
                               fields=fields, errors=errors, months=months, page=page, has_next=len(rows) > PER_PAGE,
                               args=args, earliest=f"{add_months(today().replace(day=1), -36):%Y-%m}",
                               latest=f"{today().replace(day=1):%Y-%m}")

