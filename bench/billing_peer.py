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
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from flask import abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import MetaData, Table, and_, bindparam, create_engine, func, or_, select

from peer import MENU, MOSCOW, create_peer

MENU = [*MENU, ("Лицевые счета", "/personal-accounts/")]

HOME = """{% extends "layout.html" %}
{% macro row(link) -%}
<li class="list-group-item{% if link.account_id == selected.account_id %} active{% endif %}" data-test="linked-account" data-id="{{ link.account_id }}">
  <a href="/personal-accounts/{{ link.account_id }}/" data-test="account-number"{% if link.account_id == selected.account_id %} aria-current="true"{% endif %}>Л/с {{ link.number }}</a>
  {% if link.title %}<span data-test="account-title">{{ link.title }}</span>{% endif %}
  <br><small>{{ link.address }}</small>
  <a class="btn btn-link btn-xs pull-right" href="/personal-accounts/{{ link.account_id }}/remove" data-test="remove-account">Удалить</a>
</li>
{%- endmacro %}
{% block content %}
<div class="kb-page" data-test="personal-accounts">
  <h1>Лицевые счета</h1>
  <p><a class="btn btn-primary" href="/personal-accounts/add" data-test="add-account">+ Добавить лицевой счет</a></p>
  <div class="row"><div class="col-md-4">
    <ul class="list-group" data-test="linked-accounts">{% for link in links[:2] %}{{ row(link) }}{% endfor %}</ul>
    {% if links|length > 2 %}<details data-test="all-accounts"><summary class="btn btn-default btn-sm">Все счета +</summary>
    <ul class="list-group">{% for link in links[2:] %}{{ row(link) }}{% endfor %}</ul></details>{% endif %}
  </div><div class="col-md-8">
<div class="panel panel-default" data-test="selected-account" data-id="{{ selected.account_id }}"><div class="panel-body">
  <dl class="dl-horizontal">
    <dt>Лицевой счет</dt><dd data-test="selected-number">{{ selected.number }}</dd>
    <dt>Адрес</dt><dd data-test="selected-address">{{ selected.address }}</dd>
    <dt>ФИО</dt><dd data-test="selected-owner">{{ selected.owner_name }}</dd>
    <dt>Филиал</dt><dd>{{ selected.branch_name }}</dd>
  </dl>
  <p class="lead" data-test="balance">
    {% if balance > 0 %}К оплате <strong data-test="balance-amount">{{ balance|money }}</strong>
    {% elif balance < 0 %}Переплата <strong data-test="balance-amount">{{ balance|money }}</strong>
    {% else %}Задолженность отсутствует <strong data-test="balance-amount">{{ 0|money }}</strong>{% endif %}
    <br><small class="text-muted">с учетом оплаты текущего периода</small>
  </p>
  {% if window %}<p data-test="reading-window">
    {% if window[0] %}До окончания приема показаний {{ window[1] }} дн.{% else %}До начала приема показаний {{ window[1] }} дн.{% endif %}
    <small class="text-muted">(прием показаний с {{ window[2]|ru_date }} по {{ window[3]|ru_date }})</small></p>{% endif %}
  {% if selected.receipt_electronic %}<p data-test="receipt-electronic">Электронная квитанция.
    <a href="/personal-accounts/{{ selected.account_id }}/receipt">Способ получения квитанции</a></p>
  {% else %}<p><a class="btn btn-default" href="/personal-accounts/{{ selected.account_id }}/receipt" data-test="subscribe-receipt">Подписаться на электронную квитанцию</a></p>{% endif %}
</div></div>
<ul class="nav nav-pills" data-test="account-navigation">
  <li><a href="/personal-accounts/{{ selected.account_id }}/details" data-test="account-details">Реквизиты лицевого счета</a></li>
</ul>
  </div></div>
</div>
{% endblock %}"""

DETAILS = """{% extends "layout.html" %}
{% macro zone(t) -%}
  {%- if t.zone %}{{ t.zone|replace('T', 'Т') }}{% if t.zone_name %} ({{ t.zone_name }}){% endif %}
  {%- elif t.zone_name %}{{ t.zone_name }}{% else %}Одноставочный{% endif -%}
{%- endmacro %}
{% macro tariff_table(rows, test) %}
  <div class="table-responsive"><table class="table table-striped table-condensed kb-cards" data-test="{{ test }}">
    <thead><tr><th>Услуга</th><th>Зона суток</th><th>Тариф</th><th>Период действия</th><th>Документ об утверждении тарифов</th></tr></thead>
    <tbody>
    {% for t in rows %}
      <tr data-test="tariff" data-id="{{ t.id }}">
        <td class="kb-card-title">{{ t.service_name }}{% if t.group_name %}<br><small class="text-muted">{{ t.group_name }}</small>{% endif %}</td>
        <td data-label="Зона суток">{{ zone(t) }}</td>
        <td data-label="Тариф" data-test="price">{{ t.price|price(t.unit) }}</td>
        <td data-label="Период действия" data-test="valid">с {{ t.valid_from|ru_date }}{% if t.valid_to %} по {{ t.valid_to|ru_date }}{% endif %}</td>
        <td data-label="Документ об утверждении тарифов">{% if t.document_title %}{{ t.document_title }}{% endif %}
          {% if t.file_id %}<a class="btn btn-xs btn-default" data-test="tariff-document" href="/personal-accounts/{{ a.id }}/tariff-documents/{{ t.document_id }}"><i class="fa fa-download"></i> Скачать</a>{% endif %}</td>
      </tr>
    {% else %}<tr><td colspan="5" class="text-muted" data-test="no-tariffs">Тарифов за этот период нет</td></tr>{% endfor %}
    </tbody></table></div>
{% endmacro %}
{% block content %}
<div class="kb-page">
  <p><a href="/personal-accounts/{{ a.id }}/">&larr; Лицевой счет {{ a.number }}</a></p>
  <h1>Реквизиты лицевого счета</h1>
  <p data-test="account">Лицевой счет <strong>{{ a.number }}</strong>, {{ a.branch_name }}<br>{{ a.address }}</p>
  <table class="table table-condensed kb-summary" data-test="requisites">
    {% for label, value, field in requisites %}
      <tr><th style="width:45%">{{ label }}</th><td>{{ value }}</td>
        <td class="text-right"><a class="btn btn-xs btn-link" href="/personal-accounts/{{ a.id }}/change#{{ field }}" data-test="edit-{{ field }}" title="Редактировать: {{ label }}"><i class="fa fa-pencil"></i> Редактировать</a></td></tr>
    {% endfor %}
  </table>
  <p><a class="btn btn-default" href="/personal-accounts/{{ a.id }}/change" data-test="edit-requisites"><i class="fa fa-pencil"></i> Редактировать</a>
    <small class="text-muted">Изменение данных оформляется заявлением: данные изменятся после его рассмотрения.</small></p>
  <h2>Услуги</h2>
  <table class="table table-striped table-condensed kb-cards" data-test="services">
    <thead><tr><th>Услуга</th><th>Поставщик</th><th>Предоставляется с</th></tr></thead><tbody>
    {% for s in services %}<tr data-test="service"><td class="kb-card-title">{{ s.service_name }}</td>
      <td data-label="Поставщик">{{ s.supplier_name }}</td><td data-label="Предоставляется с">{{ s.since|ru_date }}</td></tr>
    {% else %}<tr><td colspan="3" class="text-muted">Услуг нет</td></tr>{% endfor %}
  </tbody></table>
  {% if meters %}<h2>Приборы учета</h2>
  <table class="table table-striped table-condensed kb-cards" data-test="meters">
    <thead><tr><th>Заводской номер</th><th>Услуга</th><th>Тип (модель)</th><th>Тарифные зоны</th><th>Дата очередной поверки</th><th>Дата установки</th></tr></thead>
    <tbody>{% for m in meters %}<tr data-test="meter"><td class="kb-card-title">№ {{ m.serial }}</td>
      <td data-label="Услуга">{{ m.service_name }}</td><td data-label="Тип (модель)">{{ m.model or '' }}</td>
      <td data-label="Тарифные зоны">{% for code, name in (m.zone_names or {})|dictsort %}{{ code|replace('T', 'Т') }} — {{ name }}{% if not loop.last %}; {% endif %}{% else %}{{ m.zones }}{% endfor %}</td>
      <td data-label="Дата очередной поверки">{{ m.verification_due|ru_date }}</td><td data-label="Дата установки">{{ m.installed_on|ru_date }}</td></tr>{% endfor %}
  </tbody></table>{% endif %}
  <h2>Тарифы</h2><h3>Действующие тарифы</h3>{{ tariff_table(current, 'current-tariffs') }}
  <h3 id="history">История тарифов</h3>
  <p class="help-block">Период для истории тарифов можно выбирать по максимальный период за последние 3 года.</p>
  <form method="get" action="#history" class="form-inline" data-test="period-form" novalidate>
    <div class="form-group"><label class="control-label" for="period_from">С месяца</label> <input class="form-control" id="period_from" min="{{ earliest }}" name="period_from" type="month" value="{{ start.strftime('%Y-%m') }}"></div>
    <div class="form-group"><label class="control-label" for="period_to">По месяц</label> <input class="form-control" id="period_to" min="{{ earliest }}" name="period_to" type="month" value="{{ end.strftime('%Y-%m') }}"></div>
    <button class="btn btn-default" type="submit" data-test="period-submit">Показать</button>
  </form>
  <p data-test="period">Тарифы с {{ start|ru_date }} по {{ end|ru_date }}</p>
  {{ tariff_table(history, 'tariff-history') }}
</div>
{% endblock %}"""


def requisites(a) -> list[tuple[str, str, str]]:
    """The requisites as the page lists them (label, value in words, the field «Редактировать» opens)."""
    def shown(value):
        if value is None:
            return "не указано"
        return str(value).replace(".", ",") if isinstance(value, Decimal) else str(value)

    heating = a.electric_heating
    return [("ФИО", shown(a.owner_name), "owner_name"),
            ("Общая/жилая площадь, м²", f"{shown(a.area_total)} / {shown(a.area_living)}", "area_total"),
            ("Количество собственников", shown(a.owners_count), "owners_count"),
            ("Количество зарегистрированных/проживающих", f"{shown(a.registered_count)} / {shown(a.residing_count)}",
             "registered_count"),
            ("Количество комнат", shown(a.rooms), "rooms"), ("Тип плиты", shown(a.stove_type), "stove_type"),
            ("Наличие/отсутствие электроотопительной установки",
             "не указано" if heating is None else ("наличие" if heating else "отсутствие"), "electric_heating")]


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
    services = (select(service.c.name.label("service_name"), supplier.c.name.label("supplier_name"), svc.c.since)
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
        start, end = add_months(on.replace(day=1), -11), add_months(on.replace(day=1), 1) - timedelta(days=1)
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
                               meters=meters, current=current, history=history, start=start, end=end,
                               requisites=requisites(account), earliest=add_months(start, -24).strftime("%Y-%m"))


if os.environ.get("KABINET_BENCH_DATABASE_URL"):
    app = create_peer(os.environ["KABINET_BENCH_DATABASE_URL"])
    add_billing_routes(app, create_engine(os.environ["KABINET_BENCH_DATABASE_URL"], pool_pre_ping=True,
                                          pool_use_lifo=True))
