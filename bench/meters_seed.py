"""Meters and readings for the benchmark of issue 14 (bench/meters_pages.py, bench/meters_submit.py),
written in bulk (PostgreSQL COPY, SQLite executemany — `bulk` of bench/billing_seed.py).

Accounts come in ranges (`seed_meters(app, first, last)`), three meters each (electricity with two
day zones, cold and hot water), ten monthly readings per meter: the ten months before the current
Moscow month, the older seven sent by the billing («принято к расчету», with the billing's id),
the last three sent in the portal by the consumer (the last one not yet accepted). The current
month is left free for the submissions. 334 accounts = 1,002 meters = 10,020 readings; topped up
to 33,334 accounts = 100,002 meters = 1,000,020 readings.

Both branches accept readings on every day of the month (reading days 1–31), so the window is
open whenever the benchmark runs. Consumers are linked one to one: consumer k to account k.
Not part of the test suite.
"""
import random
from datetime import date, datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import text

from billing_seed import ACCOUNT_COLUMNS, NOW, account_rows, bulk, ids_of

READINGS_PER_METER = 10
METERS_PER_ACCOUNT = 3
#: the portal's readings among each meter's ten (the latest months)
PORTAL_MONTHS = 3
#: (service code, model, zones, zone names, digits, precision, a month's consumption per zone)
METERS = [("EL", "Меркурий 201.5", 2, '{"T1": "День", "T2": "Ночь"}', 6, 0, (150, 60)),
          ("HV", "СВК-15", 1, "{}", 5, 3, (6,)),
          ("GV", "СВК-15Г", 1, "{}", 5, 3, (4,))]
METER_COLUMNS = ["id", "external_id", "account_id", "service_id", "serial", "model", "location", "zones",
                 "zone_names", "digits", "precision", "verification_due", "installed_on", "auto_read",
                 "created_at", "updated_at"]
READING_COLUMNS = ["id", "external_id", "meter_id", "period", "taken_on", "source", "t1", "t2", "t3", "accepted",
                   "created_at", "rollover"]


def current_month() -> date:
    return datetime.now(timezone.utc).astimezone(ZoneInfo("Europe/Moscow")).date().replace(day=1)


def months_before(month: date, count: int) -> list[date]:
    """The `count` months before `month`, oldest first."""
    index = month.year * 12 + month.month - 1
    return [date((index - k) // 12, (index - k) % 12 + 1, 1) for k in range(count, 0, -1)]


def meter_id(account: int, k: int) -> int:
    return account * METERS_PER_ACCOUNT + k


def meter_rows(first: int, last: int, services: dict):
    for i in range(first, last + 1):
        for k, (code, model, zones, names, digits, precision, _) in enumerate(METERS):
            yield (meter_id(i, k), f"M{i:08d}{k}", i, services[code], f"{10 ** 7 + meter_id(i, k)}", model,
                   "Санузел" if code != "EL" else "Лестничная площадка", zones, names, digits, precision,
                   date(2028, 1 + i % 12, 1), date(2020, 1, 1), False, NOW, NOW)


def reading_rows(first: int, last: int, months: list[date]):
    """Ten readings per meter, growing by a month's consumption ±30 %."""
    for i in range(first, last + 1):
        rng = random.Random(i * 104_729)
        for k, (_code, _model, zones, _names, _digits, precision, usage) in enumerate(METERS):
            mid = meter_id(i, k)
            values = [Decimal(rng.randint(1000, 20000)) for _ in range(zones)]
            for n, month in enumerate(months):
                values = [(v + Decimal(str(round(u * rng.uniform(0.7, 1.3), precision)))) for v, u in zip(values, usage)]
                portal = n >= len(months) - PORTAL_MONTHS
                taken = month.replace(day=20)
                yield (mid * READINGS_PER_METER + n, None if portal else f"B{mid}-{n}", mid, month, taken,
                       "consumer" if portal else "billing", values[0], values[1] if zones > 1 else None, None,
                       n < len(months) - 1, datetime.combine(taken, datetime.min.time()), False)


def open_windows(app) -> None:
    """Every branch accepts readings on every day (1–31), so the window is open during the run."""
    from app.extensions import db

    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("UPDATE branch SET reading_day_from = 1, reading_day_to = 31"))


def seed_meters(app, first: int, last: int) -> dict:
    """Accounts first..last with their services, three meters each and ten readings per meter."""
    from app.extensions import db
    from seed import reset_sequence

    months = months_before(current_month(), READINGS_PER_METER)
    counts = {}
    with app.app_context(), db.engine.begin() as conn:
        branches, suppliers, services = (ids_of(conn, t) for t in ("branch", "supplier", "billing_service"))
        counts["accounts"] = bulk(conn, "personal_account", ACCOUNT_COLUMNS, account_rows(first, last, branches))
        bulk(conn, "account_service", ["id", "account_id", "service_id", "supplier_id", "since"],
             ((meter_id(i, k), i, services[code], suppliers["ES" if code == "EL" else "VK"], date(2020, 1, 1))
              for i in range(first, last + 1) for k, (code, *_rest) in enumerate(METERS)))
        counts["meters"] = bulk(conn, "meter", METER_COLUMNS, meter_rows(first, last, services))
        counts["readings"] = bulk(conn, "meter_reading", READING_COLUMNS, reading_rows(first, last, months))
        if conn.dialect.name == "postgresql":
            for table in ("personal_account", "account_service", "meter", "meter_reading"):
                reset_sequence(conn, table)
        conn.execute(text("ANALYZE"))
    return counts


def link_one_to_one(app, consumer_ids: list[int], first_account: int = 1) -> dict[int, int]:
    """Consumer k linked to account first_account + k; {consumer id: account id}."""
    from app.extensions import db
    from app.models import AccountLink

    pairs = {consumer: first_account + k for k, consumer in enumerate(consumer_ids)}
    with app.app_context():
        db.session.add_all(AccountLink(account_id=account, consumer_id=consumer) for consumer, account in pairs.items())
        db.session.commit()
    return pairs


# ---- the prepared database of bench/meters_pages.py and bench/meters_submit.py ---------------

PG_NAME = "bench14"
#: accounts of the two phases: 1,002 meters (10,020 readings), then 100,002 (1,000,020)
SMALL, LARGE = 334, 33_334
#: consumers: [0] → account 1 (the pages measured); [1..2149] → accounts 2..2150 (submitters);
#: [2150..2199] co-owners of account 50 (the race of bench/meters_submit.py)
CONSUMERS, LINKED_ONE_TO_ONE, CO_OWNED_ACCOUNT = 2200, 2150, 50


def prepare(kind: str, accounts: int, *, reuse: bool = False):
    """(app, url, consumer ids): the database `bench14` (or /tmp/bench14.sqlite3) re-created with
    accounts 1..`accounts` and the consumers, the first linked to account 1; or, with `reuse`,
    the one a previous run left."""
    from billing_import import fresh_database
    from billing_seed import seed_reference
    from seed import build_app, create_schema, seed_consumers

    if reuse:
        url = (f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_NAME}" if kind == "postgresql"
               else f"sqlite:////tmp/{PG_NAME}.sqlite3")
        app = build_app(url)
        from app.extensions import db

        with app.app_context():
            consumers = [row[0] for row in db.session.execute(text("SELECT id FROM consumer ORDER BY id"))]
        return app, url, consumers
    url = fresh_database(kind, PG_NAME)
    app = build_app(url)
    create_schema(app)
    seed_reference(app)
    open_windows(app)
    seed_meters(app, 1, accounts)
    consumers = seed_consumers(app, CONSUMERS)
    link_one_to_one(app, consumers[:1])
    return app, url, consumers


def link_submitters(app, consumers: list[int]) -> None:
    """Consumers 2..2150 to accounts 2..2150 one to one, the last fifty co-owners of account 50."""
    from app.extensions import db
    from app.models import AccountLink

    link_one_to_one(app, consumers[1:LINKED_ONE_TO_ONE], first_account=2)
    with app.app_context():
        db.session.add_all(AccountLink(account_id=CO_OWNED_ACCOUNT, consumer_id=c)
                           for c in consumers[LINKED_ONE_TO_ONE:])
        db.session.commit()


def signed_cookie(app, user_id: int) -> str:
    """The session cookie of a signed-in consumer (Flask-Login's «<id>:<session version>»)."""
    return app.session_interface.get_signing_serializer(app).dumps({"_user_id": f"{user_id}:1", "_fresh": True})


def append_results(text_block: str) -> None:
    from seed import ROOT

    with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as fh:
        fh.write("\n" + text_block + "\n")
