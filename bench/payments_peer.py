"""The plain-Flask peer of «Начисления и оплаты» (issue 15, bench/payments_charges.py).

/peer/personal-accounts/<id>/charges — the «Все события» tab as Kabinet shows it (the same rows,
text, links and form; only the layout is bench/peer.py's plain one), written by hand on top of
bench/peer.py and bench/billing_peer.py (Flask, Flask-Login, SQLAlchemy Core, Jinja): the linked
account (one statement), the account's suppliers, the month's charges with supplier and service
names, the payments the billing registered, the portal's own payments «в обработке» — the
queries of workflows/payments/charges.py written by hand. Never part of the tests.

    KABINET_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench15 \
        gunicorn --chdir bench payments_peer:app
"""
import os
from datetime import date, timedelta

from flask import abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import MetaData, Table, bindparam, case, create_engine, select

from billing_peer import MENU, add_months, money, today
from peer import create_peer

KINDS = {"charge": "Начисление", "recalculation": "Перерасчет", "benefit": "Льгота", "penalty": "Пени"}
TABS = {"events": "Все события", "charges": "Начисления", "payments": "Оплата", "balance": "Баланс"}

CHARGES = """{% extends "layout.html" %}
{% block content %}
<div class="kb-page" data-test="charges">
  <p><a href="/personal-accounts/{{ a.id }}/">&larr; Лицевой счет {{ a.number }}</a></p>
  <h1>Начисления и оплаты</h1>
  <p data-test="account">Лицевой счет <strong>{{ a.number }}</strong>, {{ a.address }}
    <a class="btn btn-primary btn-sm" href="/personal-accounts/{{ a.id }}/pay" data-test="pay">Оплатить</a></p>
  <ul class="nav nav-tabs" data-test="tabs">
    {% for key, label in tabs.items() %}
      <li{% if key == 'events' %} class="active"{% endif %}><a href="/personal-accounts/{{ a.id }}/charges?tab={{ key }}&amp;period_from={{ first.strftime('%Y-%m') }}&amp;period_to={{ last.strftime('%Y-%m') }}&amp;supplier=" data-test="tab-{{ key }}">{{ label }}</a></li>
    {% endfor %}
    <li><a href="/personal-accounts/{{ a.id }}/statistics" data-test="tab-statistics">Статистика</a></li>
  </ul>
  <p class="help-block">Период для истории операций можно выбирать с месяца, предшествующий текущему месяцу, по максимальный период за последние 3 года.</p>
  <form method="get" class="form-inline" data-test="charges-form" novalidate>
    <input id="tab" name="tab" type="hidden" value="events">
    <div class="form-group">
      <label class="control-label" for="period_from">Начало периода</label> <input class="form-control" id="period_from" max="{{ latest }}" min="{{ earliest }}" name="period_from" placeholder="ГГГГ-ММ" required type="month" value="{{ first.strftime('%Y-%m') }}">
    </div>
    <div class="form-group">
      <label class="control-label" for="period_to">Конец периода</label> <input class="form-control" id="period_to" max="{{ latest }}" min="{{ earliest }}" name="period_to" placeholder="ГГГГ-ММ" required type="month" value="{{ last.strftime('%Y-%m') }}">
    </div>
    <div class="form-group"><label class="control-label" for="supplier">Поставщик услуг</label> <select class="form-control" id="supplier" name="supplier"><option selected value="">Все поставщики</option>{% for s in suppliers %}<option value="{{ s.id }}">{{ s.name }}</option>{% endfor %}</select></div>
    <button class="btn btn-default" type="submit" data-test="charges-submit">Показать</button>
  </form>
{% for m in events %}
<div class="panel panel-default" data-test="event-month" data-month="{{ m.month.strftime('%Y-%m') }}">
  <div class="panel-heading"><strong>{{ m.month.strftime('%m.%Y') }}</strong>
    {% if m.charges %}<span class="pull-right"><a class="btn btn-default btn-xs" href="/personal-accounts/{{ a.id }}/receipt/{{ m.month.strftime('%Y-%m') }}" data-test="receipt-link" data-month="{{ m.month.strftime('%Y-%m') }}"><i class="fa fa-file-pdf-o"></i> Скачать квитанцию</a></span>{% endif %}</div>
  <table class="table table-condensed">
    <tbody>
    {% for line in m.charges %}
      <tr data-test="event-charge"><td>{{ kinds.get(line.kind, line.kind) }}</td><td>{{ line.service }}</td><td>{{ line.supplier }}</td>
        <td class="text-right" data-test="amount">{{ line.amount|money }}</td></tr>
    {% endfor %}
    {% for line in m.payments %}
      <tr data-test="event-payment"><td>Оплата {{ line.paid_on|ru_date }}</td><td>{{ line.source or '' }}</td><td>{{ line.supplier }}</td>
        <td class="text-right" data-test="amount">{{ line.amount|money }}</td></tr>
    {% endfor %}
    </tbody>
  </table>
</div>
{% else %}
<p class="text-muted" data-test="no-events">За выбранный период событий нет</p>
{% endfor %}
{% if processing %}
<h2>Оплаты в обработке</h2>
<table class="table table-condensed" data-test="processing-table"><tbody>
{% for line in processing %}
  <tr data-test="payment" class="warning" data-processing="1">
    <td>{{ line.day|ru_date }}</td><td>{{ line.supplier }}</td><td>Личный кабинет</td>
    <td class="text-right" data-test="paid">{{ line.amount|money }}</td>
    <td><span class="label label-warning" data-test="processing">в обработке</span></td>
  </tr>
{% endfor %}
</tbody></table>
{% endif %}
</div>
{% endblock %}"""


class Month:
    def __init__(self, month):
        self.month, self.charges, self.payments = month, [], []


def queries(engine) -> dict:
    meta = MetaData()
    t = {name: Table(name, meta, autoload_with=engine) for name in (
        "account_link", "personal_account", "charge", "account_payment", "monthly_balance", "supplier",
        "billing_service", "payment", "payment_part")}
    link, acc, charge, pay, bal, sup, svc, payment, part = t.values()
    account = (select(acc.c.id, acc.c.number, acc.c.address).join(link, link.c.account_id == acc.c.id)
               .where(acc.c.id == bindparam("account_id"), link.c.consumer_id == bindparam("consumer_id"),
                      link.c.unlinked_at.is_(None)).limit(1))
    ids = (select(bal.c.supplier_id).where(bal.c.account_id == bindparam("account_id"),
                                           bal.c.month >= bindparam("since"))
           .union(select(charge.c.supplier_id).where(charge.c.account_id == bindparam("account_id"),
                                                    charge.c.month >= bindparam("since"))))
    suppliers = select(sup.c.id, sup.c.name).where(sup.c.id.in_(ids)).order_by(sup.c.sort_order, sup.c.name)
    charges = (select(charge.c.month, sup.c.name.label("supplier"), svc.c.name.label("service"), charge.c.kind,
                      charge.c.amount)
               .join(sup, sup.c.id == charge.c.supplier_id).join(svc, svc.c.id == charge.c.service_id)
               .where(charge.c.account_id == bindparam("account_id"), charge.c.month >= bindparam("first"),
                      charge.c.month <= bindparam("last"))
               .order_by(charge.c.month.desc(), sup.c.sort_order, sup.c.name, svc.c.sort_order, svc.c.name,
                         case({k: n for n, k in enumerate(KINDS)}, value=charge.c.kind, else_=len(KINDS))))
    payments = (select(pay.c.paid_on, sup.c.name.label("supplier"), pay.c.amount, pay.c.source)
                .join(sup, sup.c.id == pay.c.supplier_id)
                .where(pay.c.account_id == bindparam("account_id"), pay.c.paid_on >= bindparam("first"),
                       pay.c.paid_on <= bindparam("until"))
                .order_by(pay.c.paid_on.desc(), pay.c.id.desc()))
    processing = (select(payment.c.paid_at, payment.c.created_at, sup.c.name.label("supplier"), part.c.amount)
                  .join(payment, payment.c.id == part.c.payment_id).join(sup, sup.c.id == part.c.supplier_id)
                  .where(part.c.account_id == bindparam("account_id"), payment.c.state == "succeeded",
                         payment.c.billing_confirmed_at.is_(None))
                  .order_by(payment.c.created_at.desc(), part.c.id))
    return {"account": account, "suppliers": suppliers, "charges": charges, "payments": payments,
            "processing": processing}


def add_charges_route(app, engine) -> None:
    q = queries(engine)
    app.jinja_loader.mapping.update({"charges.html": CHARGES})
    app.jinja_env.filters.update(money=money)

    @app.route("/peer/personal-accounts/<int:account_id>/charges")
    @login_required
    def charges(account_id):
        month = today().replace(day=1)
        latest, earliest = add_months(month, -1), add_months(month, -36)
        first = date.fromisoformat(request.args.get("period_from", "") + "-01")
        last = date.fromisoformat(request.args.get("period_to", "") + "-01")
        params = {"account_id": account_id, "first": first, "last": last, "since": earliest,
                  "until": add_months(last, 1) - timedelta(days=1)}
        with engine.connect() as conn:
            account = conn.execute(q["account"], {**params, "consumer_id": current_user.consumer_id}).first()
            if account is None:
                abort(404)
            suppliers = conn.execute(q["suppliers"], params).all()
            charge_rows = conn.execute(q["charges"], params).all()
            payment_rows = conn.execute(q["payments"], params).all()
            processing = conn.execute(q["processing"], params).all()
        months = {}
        for row in charge_rows:
            months.setdefault(row.month, Month(row.month)).charges.append(row)
        for row in payment_rows:
            key = row.paid_on.replace(day=1)
            months.setdefault(key, Month(key)).payments.append(row)
        events = [months[m] for m in sorted(months, reverse=True)]
        processing = [{"day": p.paid_at or p.created_at, "supplier": p.supplier, "amount": p.amount}
                      for p in processing]
        return render_template("charges.html", user=current_user, menu=MENU, a=account, tabs=TABS, kinds=KINDS,
                               first=first, last=last, earliest=earliest.strftime("%Y-%m"),
                               latest=latest.strftime("%Y-%m"), suppliers=suppliers, events=events,
                               processing=processing)


if os.environ.get("KABINET_BENCH_DATABASE_URL"):
    app = create_peer(os.environ["KABINET_BENCH_DATABASE_URL"])
    add_charges_route(app, create_engine(os.environ["KABINET_BENCH_DATABASE_URL"], pool_pre_ping=True,
                                         pool_use_lifo=True))
