"""Billing data for the page benchmark of issue 13 (bench/billing_pages.py), written in bulk
(PostgreSQL COPY, SQLite executemany): accounts of two branches, one electricity service each
with its supplier, 3 meters, 36 months of charges and balances, 12 payments, the tariffs of the
three services with three years of history and their documents; a few consumers, the first
linked to three accounts (the switcher), the second a co-owner of the first account.

Accounts are added in ranges (`seed_accounts(app, first, last)`), so the pages can be measured at
1,000 accounts (36,000 charges) and again after topping up to 100,000 (3,600,000). The import's
speed is measured elsewhere (bench/billing_import.py); this is only the data behind the pages.
Not part of the test suite.
"""
import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select, text

from billing_data import REFERENCE, account_line, month_of

MONTHS = 36
#: the consumer's accounts (the home page's switcher shows «Все счета +» beyond two)
LINKED = (1, 2, 3)
NOW = datetime(2026, 1, 15, 12, 0)


def bulk(conn, table: str, columns: list[str], rows) -> int:
    """Rows (tuples) into `table` on a SQLAlchemy connection: COPY on PostgreSQL, executemany on
    SQLite, streamed in chunks."""
    raw = conn.connection.driver_connection
    count = 0
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cur:
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    chunk = []
    for row in rows:
        chunk.append(tuple(str(v) if isinstance(v, Decimal) else v for v in row))
        if len(chunk) == 20_000:
            raw.executemany(sql, chunk)
            count += len(chunk)
            chunk = []
    raw.executemany(sql, chunk)
    return count + len(chunk)


def ids_of(conn, table: str) -> dict[str, int]:
    return {code: id_ for id_, code in conn.execute(text(f"SELECT id, code FROM {table}"))}


def decimal(text_value: str) -> Decimal:
    return Decimal(text_value.replace(" ", "").replace(",", "."))


def account_rows(first: int, last: int, branches: dict):
    for i in range(first, last + 1):
        (branch, number, title, address, owner, area, living, owners, registered, residing, rooms, stove,
         heating, delivery, _closed) = account_line(i)
        yield (i, branches[branch], number, title, address, owner, decimal(area), decimal(living), int(owners),
               int(registered), int(residing), int(rooms), stove, heating == "да", delivery, False,
               f"{number} {address} {owner}".lower(), NOW, NOW)


ACCOUNT_COLUMNS = ["id", "branch_id", "number", "title", "address", "owner_name", "area_total", "area_living",
                   "owners_count", "registered_count", "residing_count", "rooms", "stove_type", "electric_heating",
                   "receipt_delivery", "closed", "search_text", "created_at", "updated_at"]


def monthly_rows(first: int, last: int, supplier: int, service: int):
    """(charges, balances, payments) of accounts first..last: 36 months, the last 12 paid."""
    charges, balances, payments = [], [], []
    for i in range(first, last + 1):
        rng = random.Random(i * 7919)
        opening = Decimal("0.00")
        for k in range(MONTHS):
            month = month_of(k)
            volume = rng.randint(80, 450)
            price = Decimal("5.47") if k < 12 else Decimal("5.85") if k < 24 else Decimal("6.43")
            amount = (volume * price).quantize(Decimal("0.01"))
            paid = amount if k < MONTHS - 1 and rng.random() < 0.9 else Decimal("0.00")
            closing = opening + amount - paid
            charges.append((i * 100 + k, i, month, supplier, service, "charge", amount, volume, price))
            balances.append((i * 100 + k, i, supplier, month, opening, amount, paid, closing))
            if k >= MONTHS - 12:
                payments.append((i * 100 + k, f"P{i:08d}{k:02d}", i, supplier, month + timedelta(days=40), paid,
                                 "Сбербанк"))
            opening = closing
        if len(charges) >= 36_000:
            yield charges, balances, payments
            charges, balances, payments = [], [], []
    yield charges, balances, payments


def seed_reference(app) -> None:
    """Branches, suppliers, services, tariffs with three years of history and two documents."""
    from app.extensions import db
    from app.models import Branch, Service, Supplier, Tariff, TariffDocument

    with app.app_context():
        for code, name, day_from, day_to in REFERENCE["branches"]:
            db.session.add(Branch(code=code, name=name, reading_day_from=day_from, reading_day_to=day_to))
        for code, name in REFERENCE["suppliers"]:
            db.session.add(Supplier(code=code, name=name, inn="7701234567", kpp="770101001", bik="044525225",
                                    bank_name="ПАО Сбербанк", account="40702810938000000001",
                                    corr_account="30101810400000000225"))
        services = [Service(code=code, name=name, unit=unit, sort_order=k)
                    for k, (code, name, unit) in enumerate(REFERENCE["services"])]
        db.session.add_all(services)
        documents = [TariffDocument(code=f"D{year}", title=f"Приказ № {year - 2000}-э от 20.12.{year - 1} об "
                                                          f"утверждении тарифов на {year} год") for year in (2024, 2025, 2026)]
        db.session.add_all(documents)
        db.session.flush()
        zones = {"EL": [("T1", "День", 1.0), ("T2", "Ночь", 0.4)], "HV": [(None, None, 8.0)], "GV": [(None, None, 45.0)]}
        for service in services:
            for year, document in zip((2024, 2025, 2026), documents):
                for zone, zone_name, factor in zones[service.code]:
                    db.session.add(Tariff(
                        external_id=f"{service.code}-{year}-{zone or 'T'}", service_id=service.id, zone=zone,
                        zone_name=zone_name, group_name="Население городское",
                        price=Decimal(str(round((5.47 + 0.4 * (year - 2024)) * factor, 4))),
                        valid_from=date(year, 1, 1), valid_to=date(year, 12, 31) if year < 2026 else None,
                        document_id=document.id))
        db.session.commit()


def seed_accounts(app, first: int, last: int) -> dict:
    """Accounts first..last with their services, meters, charges, balances and payments."""
    from app.extensions import db

    counts = {}
    with app.app_context(), db.engine.begin() as conn:
        branches, suppliers, services = (ids_of(conn, t) for t in ("branch", "supplier", "billing_service"))
        counts["accounts"] = bulk(conn, "personal_account", ACCOUNT_COLUMNS, account_rows(first, last, branches))
        counts["account_services"] = bulk(
            conn, "account_service", ["id", "account_id", "service_id", "supplier_id", "since"],
            ((i * 3 + k, i, services[code], suppliers["ES" if code == "EL" else "VK"], date(2020, 1, 1))
             for i in range(first, last + 1) for k, code in enumerate(("EL", "HV", "GV"))))
        counts["meters"] = bulk(
            conn, "meter", ["id", "external_id", "account_id", "service_id", "serial", "model", "location", "zones",
                            "zone_names", "digits", "precision", "verification_due", "installed_on", "auto_read",
                            "created_at", "updated_at"],
            ((i * 3 + k, f"M{i:08d}{k}", i, services[code], f"{10 ** 7 + i * 3 + k}", model, "Санузел", zones,
              names, 6 if code == "EL" else 5, 0 if code == "EL" else 3, date(2028, 1 + i % 12, 1),
              date(2020, 1, 1), False, NOW, NOW)
             for i in range(first, last + 1)
             for k, (code, model, zones, names) in enumerate([
                 ("EL", "Меркурий 201.5", 2, '{"T1": "День", "T2": "Ночь"}'), ("HV", "СВК-15", 1, "{}"),
                 ("GV", "СВК-15Г", 1, "{}")])))
        for key in ("charges", "balances", "payments"):
            counts[key] = 0
        for charges, balances, payments in monthly_rows(first, last, suppliers["ES"], services["EL"]):
            counts["charges"] += bulk(conn, "charge", ["id", "account_id", "month", "supplier_id", "service_id",
                                                       "kind", "amount", "volume", "price"], charges)
            counts["balances"] += bulk(conn, "monthly_balance", ["id", "account_id", "supplier_id", "month",
                                                                 "opening", "charged", "paid", "closing"], balances)
            counts["payments"] += bulk(conn, "account_payment", ["id", "external_id", "account_id", "supplier_id",
                                                                 "paid_on", "amount", "source"], payments)
        if conn.dialect.name == "postgresql":
            from seed import reset_sequence

            for table in ("personal_account", "account_service", "meter", "charge", "monthly_balance",
                          "account_payment"):
                reset_sequence(conn, table)
        conn.execute(text("ANALYZE"))
    return counts


def link_consumers(app, consumer_ids: list[int]) -> None:
    """The first consumer linked to LINKED (electronic receipt on the first), the second a
    co-owner of the first account."""
    from app.extensions import db
    from app.models import AccountLink

    with app.app_context():
        first, second = consumer_ids[:2]
        for k, account_id in enumerate(LINKED):
            db.session.add(AccountLink(account_id=account_id, consumer_id=first, receipt_electronic=k == 0))
        db.session.add(AccountLink(account_id=LINKED[0], consumer_id=second))
        db.session.commit()


def user_key(app, consumer_id: int) -> str:
    """The session key of a consumer's user («<id>:<session version>»)."""
    from app.extensions import db
    from app.models import ConsumerProfile

    with app.app_context():
        return db.session.scalar(select(ConsumerProfile).where(ConsumerProfile.id == consumer_id)).user.get_id()
