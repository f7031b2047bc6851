"""The plain-Flask peer of the consumer's meters pages of issue 14 (bench/meters_pages.py).

What a careful engineer would write without Flask-AppBuilder, on top of bench/peer.py (Flask,
Flask-Login, SQLAlchemy Core, Jinja; the same session cookie, the user with their consumer id in
one statement, the same plain layout and menu) and bench/billing_peer.py (the reading window):

- /peer/personal-accounts/<id>/meters — «Приборы учета»: the linked account with its branch, the
  meters with their services, the open fault reports (three statements), the markup of
  templates/meters/cabinet/meters.html and _meter.html;
- /peer/personal-accounts/<id>/meters/history — «Показания прибора учета», the last twelve months:
  the account, the meters, one page of readings (LIMIT 101), as templates/meters/cabinet/history.html;
- /peer/personal-accounts/<id>/readings — «Передать показания»: the account, the meters in place,
  the previous and this period's live reading of every meter in one statement (a window function),
  the form of templates/meters/submit/submit.html with its CSRF token (Flask-WTF) and form token.

Nothing of Kabinet is imported: tables are reflected from the database. Never part of the tests.

    KABINET_BENCH_DATABASE_URL=sqlite:////tmp/bench14.sqlite3 gunicorn --chdir bench meters_peer:app
"""
import json
import os
import secrets
from decimal import Decimal

from flask import abort, render_template
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from sqlalchemy import MetaData, Table, bindparam, create_engine, func, or_, select

from billing_peer import add_months, today, window
from meters_peer_pages import HISTORY, METERS, READINGS
from peer import MENU, create_peer

MENU = [*MENU, ("Лицевые счета", "/personal-accounts/")]
ZONES = ("T1", "T2", "T3")
NBSP = "\u00a0"
MONTHS = ("Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь",
          "Ноябрь", "Декабрь")
SOURCES = {"consumer": "Личный кабинет", "staff": "Сотрудник", "automatic": "Автоматически", "billing": "Биллинг"}


def tables(engine) -> dict:
    meta = MetaData()
    names = ("account_link", "personal_account", "branch", "meter", "billing_service", "meter_reading", "meter_fault",
             "application", "status")
    return {name: Table(name, meta, autoload_with=engine) for name in names}


def queries(t: dict) -> dict:
    link, acc, branch, meter, service, reading = (t[n] for n in ("account_link", "personal_account", "branch", "meter",
                                                                 "billing_service", "meter_reading"))
    account = (select(acc.c.id, acc.c.number, acc.c.address, branch.c.name.label("branch_name"),
                      branch.c.reading_day_from, branch.c.reading_day_to)
               .join(link, link.c.account_id == acc.c.id).join(branch, branch.c.id == acc.c.branch_id)
               .where(acc.c.id == bindparam("account_id"), link.c.consumer_id == bindparam("consumer_id"),
                      link.c.unlinked_at.is_(None)).limit(1))
    meters = (select(meter, service.c.name.label("service_name"), service.c.code.label("service_code"),
                     service.c.unit).join(service, service.c.id == meter.c.service_id)
              .where(meter.c.account_id == bindparam("account_id"))
              .order_by(service.c.sort_order, service.c.name, meter.c.serial))
    fault, application, status = t["meter_fault"], t["application"], t["status"]
    faults = (select(fault.c.meter_id, fault.c.reported_at).join(application, application.c.id == fault.c.application_id)
              .join(status, status.c.id == application.c.status_id)
              .where(fault.c.meter_id.in_(bindparam("meter_ids", expanding=True)), status.c.is_final.is_(False)))
    history = (select(reading).where(reading.c.meter_id.in_(bindparam("meter_ids", expanding=True)),
                                     reading.c.period >= bindparam("start"), reading.c.period <= bindparam("end"))
               .order_by(reading.c.period.desc(), reading.c.meter_id, reading.c.created_at.desc(), reading.c.id.desc())
               .limit(101))
    current = reading.c.period == bindparam("period")
    ranked = (select(reading, current.label("is_live"), func.row_number().over(
        partition_by=(reading.c.meter_id, current),
        order_by=(reading.c.period.desc(), reading.c.taken_on.desc(), reading.c.id.desc())).label("rank"))
        .where(reading.c.meter_id.in_(bindparam("meter_ids", expanding=True)), reading.c.superseded_at.is_(None),
               reading.c.period <= bindparam("period"),
               or_(reading.c.period < bindparam("period"), reading.c.source.in_(("consumer", "staff"))))
        .subquery())
    latest = select(ranked).where(ranked.c.rank == 1)
    return {"account": account, "meters": meters, "faults": faults, "history": history, "latest": latest}


def zone_list(m) -> list[tuple[str, str]]:
    names = json.loads(m.zone_names) if isinstance(m.zone_names, str) else (m.zone_names or {})
    return [(code.replace("T", "Т"), names.get(code, "")) for code in ZONES[:max(m.zones, 1)]]


def reading_value(value, precision: int) -> str:
    """12345.600 → «12 345,6» with the meter's decimals (workflows/meters/history.py)."""
    if value is None:
        return ""
    whole, _dot, fraction = f"{abs(Decimal(value)):.{max(precision, 0)}f}".partition(".")
    return f"{int(whole):,}".replace(",", NBSP) + (f",{fraction}" if fraction else "")


def shown(value, precision: int) -> str:
    """«12345,6» as the readings form shows and takes it (workflows/meters/rules.py)."""
    if value is None:
        return ""
    return format(Decimal(value).quantize(Decimal(1).scaleb(-precision)), "f").replace(".", ",")


class MeterPages:
    """The three pages, each a view function of the peer app."""

    def __init__(self, engine):
        self.engine, self.q = engine, queries(tables(engine))

    def account_of(self, conn, account_id):
        account = conn.execute(self.q["account"], {"account_id": account_id,
                                                   "consumer_id": current_user.consumer_id}).first()
        return account or abort(404)

    def meters(self, account_id):
        on = today()
        with self.engine.connect() as conn:
            account = self.account_of(conn, account_id)
            rows = conn.execute(self.q["meters"], {"account_id": account_id}).all()
            faults = dict(conn.execute(self.q["faults"], {"meter_ids": [m.id for m in rows]}).all()) if rows else {}
        groups, removed = {}, []
        for m in rows:
            card = (m, zone_list(m), faults.get(m.id))
            if m.removed_on is not None and m.removed_on <= on:
                removed.append(card)
            else:
                groups.setdefault(m.service_id, (m.service_name, m.service_code, []))[2].append(card)
        return render_template("meters.html", user=current_user, menu=MENU, a=account, groups=list(groups.values()),
                               removed=removed)

    def history(self, account_id):
        end = today().replace(day=1)
        start = add_months(end, -11)
        with self.engine.connect() as conn:
            account = self.account_of(conn, account_id)
            meters = {m.id: m for m in conn.execute(self.q["meters"], {"account_id": account_id})}
            rows = conn.execute(self.q["history"], {"meter_ids": list(meters), "start": start, "end": end}).all() \
                if meters else []
        items = [(r, meters[r.meter_id], [(code, name, reading_value(getattr(r, f"t{n}"), meters[r.meter_id].precision))
                                          for n, (code, name) in enumerate(zone_list(meters[r.meter_id]), start=1)])
                 for r in rows[:100]]
        return render_template("history.html", user=current_user, menu=MENU, a=account, items=items,
                               meters=list(meters.values()), months=MONTHS,
                               has_next=len(rows) > 100, start=start, end=end,
                               earliest=add_months(end, -36).strftime("%Y-%m"))

    def readings(self, account_id):
        on = today()
        with self.engine.connect() as conn:
            account = self.account_of(conn, account_id)
            win = window(account.reading_day_from, account.reading_day_to, on)
            period = (win[2] if win and win[0] else on).replace(day=1)
            meters = [m for m in conn.execute(self.q["meters"], {"account_id": account_id}) if m.removed_on is None]
            latest = conn.execute(self.q["latest"], {"meter_ids": [m.id for m in meters], "period": period}).all() \
                if meters else []
        live = {r.meter_id: r for r in latest if r.is_live}
        previous = {r.meter_id: r for r in latest if not r.is_live}
        rows = []
        for m in meters:
            why_not = ("Показания передаются автоматически" if m.auto_read else
                       f"Истек срок поверки прибора учета {m.verification_due:%d.%m.%Y}"
                       if m.verification_due and m.verification_due < on else None)
            zones = [(f"T{n}", name or code, getattr(previous.get(m.id), f"t{n}", None),
                      getattr(live.get(m.id), f"t{n}", None)) for n, (code, name) in enumerate(zone_list(m), start=1)]
            rows.append((m, zones, live.get(m.id), previous.get(m.id), bool(win and win[0]) and why_not is None,
                         why_not))
        return render_template("readings.html", user=current_user, menu=MENU, a=account, window=win, rows=rows)


def add_meter_routes(app, engine) -> None:
    pages = MeterPages(engine)
    app.jinja_loader.mapping.update({"meters.html": METERS, "history.html": HISTORY, "readings.html": READINGS})
    app.jinja_env.globals.update(csrf_token=generate_csrf, form_token=lambda: secrets.token_urlsafe(24),
                                 sources=SOURCES)
    app.jinja_env.filters.update(reading_value=reading_value, shown=shown)
    for path, view in (("meters", pages.meters), ("meters/history", pages.history), ("readings", pages.readings)):
        app.add_url_rule(f"/peer/personal-accounts/<int:account_id>/{path}", f"meter_{view.__name__}",
                         login_required(view))


if os.environ.get("KABINET_BENCH_DATABASE_URL"):
    app = create_peer(os.environ["KABINET_BENCH_DATABASE_URL"])
    ENGINE = create_engine(os.environ["KABINET_BENCH_DATABASE_URL"], pool_pre_ping=True, pool_use_lifo=True)
    add_meter_routes(app, ENGINE)
