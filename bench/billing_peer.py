"""The plain-Flask peer of the consumer's account pages of issue 13 (bench/billing_pages.py).

What a careful engineer would write without Flask-AppBuilder, on top of bench/peer.py (Flask,
Flask-Login, SQLAlchemy Core, Jinja; the same session cookie, the user with their consumer id
in one statement, the same plain layout and menu):

- /peer/personal-accounts/<id>/ — the home page (D3): the consumer's linked accounts with the
  selected one's branch (one statement), the latest balance per supplier and the payments after
  it (two statements, the queries of workflows/billing/balance.py), the reading window;
- /peer/personal-accounts/<id>/details — «Реквизиты лицевого счета» (D4): the linked account with
  its branch, the services with suppliers, the meters, the current tariffs and the last twelve
  months' (the queries of workflows/billing/details.py, written by hand).

Nothing of Kabinet is imported: tables are reflected from the database. Never part of the tests.

    KABINET_BENCH_DATABASE_URL=sqlite:////tmp/bench13_pages.sqlite3 gunicorn --chdir bench billing_peer:app
"""
import calendar
import os
from datetime import date, datetime, timezone
from decimal import Decimal

from flask import abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import MetaData, Table, and_, bindparam, create_engine, func, or_, select

from peer import MENU, MOSCOW, create_peer

MENU = [*MENU, ("Лицевые счета", "/personal-accounts/")]

HOME = """{% extends "layout.html" %}{% block content %}
<h1>Лицевые счета</h1><p><a href="/personal-accounts/add">+ Добавить лицевой счет</a></p>
{% macro row(link) %}<li{% if link.account_id == selected.account_id %} class="active"{% endif %}>
<a href="/personal-accounts/{{ link.account_id }}">Л/с {{ link.number }}</a> {% if link.title %}<span>{{ link.title }}</span>{% endif %}
<br><small>{{ link.address }}</small> <a href="/personal-accounts/{{ link.account_id }}/remove">Удалить</a></li>{% endmacro %}
<ul>{% for link in links[:2] %}{{ row(link) }}{% endfor %}</ul>
{% if links|length > 2 %}<details><summary>Все счета +</summary><ul>{% for link in links[2:] %}{{ row(link) }}{% endfor %}</ul></details>{% endif %}
<dl><dt>Лицевой счет</dt><dd>{{ selected.number }}</dd><dt>Адрес</dt><dd>{{ selected.address }}</dd>
<dt>ФИО</dt><dd>{{ selected.owner_name }}</dd><dt>Филиал</dt><dd>{{ selected.branch_name }}</dd></dl>
<p>{% if balance > 0 %}К оплате <strong>{{ balance|money }}</strong>{% elif balance < 0 %}Переплата <strong>{{ balance|money }}</strong>
{% else %}Задолженность отсутствует <strong>{{ 0|money }}</strong>{% endif %}<br><small>с учетом оплаты текущего периода</small></p>
{% if window %}<p>{% if window[0] %}До окончания приема показаний {{ window[1] }} дн.{% else %}До начала приема показаний {{ window[1] }} дн.{% endif %}
<small>(прием показаний с {{ window[2]|ru_date }} по {{ window[3]|ru_date }})</small></p>{% endif %}
{% if selected.receipt_electronic %}<p>Электронная квитанция. <a href="/personal-accounts/{{ selected.account_id }}/receipt">Способ получения квитанции</a></p>
{% else %}<p><a href="/personal-accounts/{{ selected.account_id }}/receipt">Подписаться на электронную квитанцию</a></p>{% endif %}
<ul><li><a href="/personal-accounts/{{ selected.account_id }}/details">Реквизиты лицевого счета</a></li></ul>
{% endblock %}"""

DETAILS = """{% extends "layout.html" %}{% block content %}
<h1>Реквизиты лицевого счета</h1><p>Л/с {{ a.number }}, {{ a.address }}</p>
<table><tr><th>ФИО</th><td>{{ a.owner_name }}</td></tr><tr><th>Общая площадь</th><td>{{ a.area_total }} м²</td></tr>
<tr><th>Жилая площадь</th><td>{{ a.area_living }} м²</td></tr><tr><th>Количество собственников</th><td>{{ a.owners_count }}</td></tr>
<tr><th>Количество зарегистрированных</th><td>{{ a.registered_count }}</td></tr><tr><th>Количество проживающих</th><td>{{ a.residing_count }}</td></tr>
<tr><th>Количество комнат</th><td>{{ a.rooms }}</td></tr><tr><th>Тип плиты</th><td>{{ a.stove_type }}</td></tr>
<tr><th>Электроотопительная установка</th><td>{{ 'Есть' if a.electric_heating else 'Нет' }}</td></tr></table>
<p><a href="/personal-accounts/{{ a.id }}/change">Редактировать</a></p>
<h2>Услуги</h2><table>{% for s in services %}<tr><td>{{ s.service_name }}</td><td>{{ s.supplier_name }}</td></tr>{% endfor %}</table>
<h2>Приборы учета</h2><table><tr><th>Заводской номер</th><th>Услуга</th><th>Тип</th><th>Зоны</th><th>Дата поверки</th><th>Установлен</th></tr>
{% for m in meters %}<tr><td>{{ m.serial }}</td><td>{{ m.service_name }}</td><td>{{ m.model or '' }}</td>
<td>{% for code, name in (m.zone_names or {}).items() %}{{ code }} — {{ name }}{% if not loop.last %}, {% endif %}{% endfor %}</td>
<td>{{ m.verification_due|ru_date }}</td><td>{{ m.installed_on|ru_date }}</td></tr>{% endfor %}</table>
{% macro tariffs(rows) %}<table><tr><th>Услуга</th><th>Зона</th><th>Цена</th><th>Действует</th><th>Документ</th></tr>
{% for t in rows %}<tr><td>{{ t.service_name }}</td><td>{{ t.zone_name or 'Одноставочный' }}</td><td>{{ t.price|price(t.unit) }}</td>
<td>с {{ t.valid_from|ru_date }}{% if t.valid_to %} по {{ t.valid_to|ru_date }}{% endif %}</td>
<td>{% if t.file_id %}<a href="/personal-accounts/{{ a.id }}/tariff-documents/{{ t.document_id }}">Скачать</a>{% else %}{{ t.document_title or '' }}{% endif %}</td></tr>{% endfor %}</table>{% endmacro %}
<h2>Тарифы</h2>{{ tariffs(current) }}
<h2>История тарифов</h2><form><input type="month" name="period_from" value="{{ start.strftime('%Y-%m') }}">
<input type="month" name="period_to" value="{{ end.strftime('%Y-%m') }}"><button>Показать</button></form>{{ tariffs(history) }}
{% endblock %}"""


def money(value) -> str:
    whole, _dot, cents = f"{abs(Decimal(value)):,.2f}".partition(".")
    return f"{'-' if Decimal(value) < 0 else ''}{whole.replace(',', chr(0xa0))},{cents}\u00a0руб."


def price(value, unit) -> str:
    text = f"{Decimal(value):.4f}".rstrip("0")
    text = text + "0" * max(0, 2 - len(text.partition(".")[2]))
    return text.replace(".", ",") + "\u00a0руб." + (f"/{unit}" if unit else "")


def today() -> date:
    return datetime.now(timezone.utc).astimezone(MOSCOW).date()


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def window(day_from, day_to, on: date):
    """(open, days, opens on, closes on) of the branch's reading window, as workflows/billing/windows.py."""
    if not day_from or not day_to:
        return None

    def day_of(month: date, day: int) -> date:
        return month.replace(day=min(day, calendar.monthrange(month.year, month.month)[1]))

    spans = []
    for by in (-1, 0, 1):
        month = add_months(on.replace(day=1), by)
        spans.append((day_of(month, day_from), day_of(month if day_from <= day_to else add_months(month, 1), day_to)))
    for opens_on, closes_on in spans:
        if opens_on <= on <= closes_on:
            return True, (closes_on - on).days + 1, opens_on, closes_on
    opens_on, closes_on = next(s for s in spans if s[0] > on)
    return False, (opens_on - on).days, opens_on, closes_on


def tables(engine) -> dict:
    meta = MetaData()
    names = ("account_link", "personal_account", "branch", "monthly_balance", "account_payment", "account_service",
             "billing_service", "supplier", "meter", "tariff", "tariff_document")
    return {name: Table(name, meta, autoload_with=engine) for name in names}


def queries(t: dict) -> dict:
    link, acc, branch, bal, pay = (t[n] for n in ("account_link", "personal_account", "branch", "monthly_balance",
                                                    "account_payment"))
    later = bal.alias("later")
    newest = (select(func.max(later.c.month)).where(later.c.account_id == bal.c.account_id,
                                                    later.c.supplier_id == bal.c.supplier_id).scalar_subquery())
    links = (select(link.c.account_id, link.c.receipt_electronic, acc.c.number, acc.c.title, acc.c.address,
                    acc.c.owner_name, branch.c.name.label("branch_name"), branch.c.reading_day_from,
                    branch.c.reading_day_to)
             .join(acc, acc.c.id == link.c.account_id).join(branch, branch.c.id == acc.c.branch_id)
             .where(link.c.consumer_id == bindparam("consumer_id"), link.c.unlinked_at.is_(None))
             .order_by(link.c.created_at, link.c.id))
    latest = (select(bal.c.supplier_id, bal.c.month, bal.c.closing)
              .where(bal.c.account_id == bindparam("account_id"), bal.c.month == newest))
    service, supplier, meter, tariff, document = (t[n] for n in ("billing_service", "supplier", "meter", "tariff",
                                                                 "tariff_document"))
    svc = t["account_service"]
    account = (select(acc, branch.c.name.label("branch_name")).join(link, link.c.account_id == acc.c.id)
               .join(branch, branch.c.id == acc.c.branch_id)
               .where(acc.c.id == bindparam("account_id"), link.c.consumer_id == bindparam("consumer_id"),
                      link.c.unlinked_at.is_(None)).limit(1))
    services = (select(service.c.name.label("service_name"), supplier.c.name.label("supplier_name"))
                .join(service, service.c.id == svc.c.service_id).join(supplier, supplier.c.id == svc.c.supplier_id)
                .where(svc.c.account_id == bindparam("account_id"),
                       or_(svc.c.until.is_(None), svc.c.until >= bindparam("on")))
                .order_by(service.c.sort_order, service.c.name))
    meters = (select(meter, service.c.name.label("service_name")).join(service, service.c.id == meter.c.service_id)
              .where(meter.c.account_id == bindparam("account_id"),
                     or_(meter.c.removed_on.is_(None), meter.c.removed_on > bindparam("on")))
              .order_by(meter.c.serial))
    tariffs = (select(tariff, service.c.name.label("service_name"), service.c.unit, service.c.sort_order,
                      document.c.title.label("document_title"), document.c.file_id)
               .join(service, service.c.id == tariff.c.service_id)
               .outerjoin(document, document.c.id == tariff.c.document_id)
               .where(tariff.c.service_id.in_(select(svc.c.service_id)
                                              .where(svc.c.account_id == bindparam("account_id"))),
                      or_(tariff.c.branch_id.is_(None), tariff.c.branch_id == bindparam("branch_id")),
                      tariff.c.valid_from <= bindparam("end"),
                      or_(tariff.c.valid_to.is_(None), tariff.c.valid_to >= bindparam("start")))
               .order_by(service.c.sort_order, service.c.name, tariff.c.valid_from.desc(), tariff.c.zone))
    return {"links": links, "latest": latest, "pay": pay, "account": account, "services": services,
            "meters": meters, "tariffs": tariffs}


def paid_since(conn, pay, account_id: int, cutoffs: dict) -> Decimal:
    if not cutoffs:
        return Decimal("0.00")
    total = conn.execute(
        select(func.coalesce(func.sum(pay.c.amount), 0))
        .where(pay.c.account_id == account_id, pay.c.paid_on >= min(cutoffs.values()),
               or_(*(and_(pay.c.supplier_id == s, pay.c.paid_on >= since) for s, since in cutoffs.items())))).scalar()
    return Decimal(total or 0)


def add_billing_routes(app, engine) -> None:
    q = queries(tables(engine))
    app.jinja_loader.mapping.update({"home.html": HOME, "details.html": DETAILS})
    app.jinja_env.filters.update(money=money, price=price)

    @app.route("/peer/personal-accounts/<int:account_id>/")
    @login_required
    def home(account_id):
        with engine.connect() as conn:
            links = conn.execute(q["links"], {"consumer_id": current_user.consumer_id}).all()
            selected = next((link for link in links if link.account_id == account_id), None)
            if selected is None:
                abort(404)
            latest = conn.execute(q["latest"], {"account_id": account_id}).all()
            cutoffs = {row.supplier_id: add_months(row.month, 1) for row in latest}
            balance = sum((Decimal(row.closing) for row in latest), Decimal("0.00"))
            balance = (balance - paid_since(conn, q["pay"], account_id, cutoffs)).quantize(Decimal("0.01"))
        return render_template("home.html", user=current_user, menu=MENU, links=links, selected=selected,
                               balance=balance, window=window(selected.reading_day_from, selected.reading_day_to,
                                                              today()))

    @app.route("/peer/personal-accounts/<int:account_id>/details")
    @login_required
    def details(account_id):
        on = today()
        start, end = add_months(on.replace(day=1), -11), on
        with engine.connect() as conn:
            account = conn.execute(q["account"], {"account_id": account_id,
                                                  "consumer_id": current_user.consumer_id}).first()
            if account is None:
                abort(404)
            params = {"account_id": account_id, "on": on, "branch_id": account.branch_id}
            services = conn.execute(q["services"], params).all()
            meters = conn.execute(q["meters"], params).all()
            current = conn.execute(q["tariffs"], {**params, "start": on, "end": on}).all()
            history = conn.execute(q["tariffs"], {**params, "start": start, "end": end}).all()
        return render_template("details.html", user=current_user, menu=MENU, a=account, services=services,
                               meters=meters, current=current, history=history, start=start, end=end)


if os.environ.get("KABINET_BENCH_DATABASE_URL"):
    app = create_peer(os.environ["KABINET_BENCH_DATABASE_URL"])
    add_billing_routes(app, create_engine(os.environ["KABINET_BENCH_DATABASE_URL"], pool_pre_ping=True,
                                          pool_use_lifo=True))
