"""The data of issue 16's history benchmarks (bench/appeals_history.py, bench/documents_history.py),
written in bulk (PostgreSQL COPY: `bulk` of bench/billing_seed.py) — not part of the tests.

PostgreSQL database `bench16` (dropped and re-created): the billing reference data, 100,000
personal accounts (bench/billing_seed.py's rows) and 100,000 consumers, consumer k linked to
account k; 1,000,000 appeals (an Application of an appeal type, its Appeal row and its events)
and 1,000,000 rows of «Мои документы», spread at random over the consumers and over the last
three years. The measured consumer (the first) holds a realistic history of their own: five
appeals and about eight documents a month for 36 months (MEASURED_*).

Rows are built from the tables as the models declare them (`Row`): the columns the benchmark
knows are given, any other column gets its default, so a column added to a model later does not
break the generator (a NOT NULL foreign key it cannot guess is named in the error).

    nice -n 10 .venv/bin/python bench/history_seed.py            # ≈ 6 min on the shared box
"""
import argparse
import json
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from billing_import import PG_SERVER, fresh_database  # noqa: E402
from billing_seed import ACCOUNT_COLUMNS, account_rows, bulk, ids_of, seed_reference  # noqa: E402
from seed import build_app, create_schema, reset_sequence, seed_consumers  # noqa: E402

NAME = "bench16"
URL = PG_SERVER + NAME
CONSUMERS = 100_000
APPEALS = 1_000_000
DOCUMENTS = 1_000_000
#: the measured consumer's own history: per month, over the last MONTHS months
MONTHS = 36
MEASURED_APPEALS_A_MONTH = 5
MEASURED_DOCUMENTS_A_MONTH = 8
#: the seeding's "now" (the history runs back from here; the page's default period ends last month)
NOW = datetime.utcnow().replace(microsecond=0)
TOPICS = ("Консультация", "Жалоба", "Сообщение")
TEXT = ("Прошу разъяснить порядок начисления платы за электроэнергию по моему лицевому счету "
        "за прошлый месяц: сумма в квитанции выше обычной.")
ANSWER = ("Начисление выполнено по показаниям прибора учета, переданным 20-го числа; "
          "перерасчет не требуется. Подробности — в разделе «Начисления и оплаты».")


def app_for():
    """Kabinet on bench16 (bench/seed.py's app: hello-world and the empty signed-in page)."""
    return build_app(URL)


class Row:
    """Rows of one table in its column order: the given values, else each column's scalar default
    (or a callable default called without a context), else None where the column allows it."""

    def __init__(self, table):
        self.table = table
        self.columns = [c.name for c in table.columns]

    def __call__(self, **values) -> tuple:
        return tuple(self._value(column, values) for column in self.table.columns)

    def _value(self, column, values):
        if column.name in values:
            value = values[column.name]
        elif column.default is not None and column.default.is_scalar:
            value = column.default.arg
        elif column.default is not None and column.default.is_callable:
            value = column.default.arg(None)  # SQLAlchemy wraps a default as fn(context)
        elif column.nullable or column.server_default is not None:
            value = None
        else:
            raise ValueError(f"{self.table.name}.{column.name}: NOT NULL without a default — the benchmark must "
                             f"give it (bench/history_seed.py)")
        return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def months_back(count: int) -> list[date]:
    """The first days of the `count` months before NOW's month, newest first."""
    index = NOW.year * 12 + NOW.month - 1
    return [date((index - k) // 12, (index - k) % 12 + 1, 1) for k in range(1, count + 1)]


def seed_people(app) -> dict:
    """Billing reference, accounts 1..CONSUMERS with their electricity supplier (the appeal form's
    «Поставщик»), consumers, consumer k linked to account k."""
    from app.extensions import db

    seed_reference(app)
    consumer_ids = seed_consumers(app, CONSUMERS)
    with app.app_context(), db.engine.begin() as conn:
        branches, suppliers, services = (ids_of(conn, t) for t in ("branch", "supplier", "billing_service"))
        accounts = bulk(conn, "personal_account", ACCOUNT_COLUMNS, account_rows(1, CONSUMERS, branches))
        bulk(conn, "account_service", ["id", "account_id", "service_id", "supplier_id", "since"],
             ((k, k, services["EL"], suppliers["ES"], date(2020, 1, 1)) for k in range(1, CONSUMERS + 1)))
        links = bulk(conn, "account_link", ["id", "account_id", "consumer_id", "receipt_electronic", "created_at",
                                            "updated_at"],
                     ((k + 1, k + 1, consumer, False, NOW, NOW) for k, consumer in enumerate(consumer_ids)))
        for table in ("personal_account", "account_service", "account_link"):
            reset_sequence(conn, table)
    return {"consumers": len(consumer_ids), "accounts": accounts, "links": links}


def owners(total: int, measured_a_month: int, rng: random.Random):
    """(consumer id, moment) of `total` rows: the measured consumer's `measured_a_month` in each
    of the last MONTHS months, the rest to random consumers 2..CONSUMERS at random moments of the
    last three years; oldest first, so ids grow with time as in a real table."""
    mine = [(1, datetime.combine(month, datetime.min.time()) + timedelta(days=rng.randint(0, 27),
                                                                          minutes=rng.randint(480, 1080)))
            for month in months_back(MONTHS) for _ in range(measured_a_month)]
    span = MONTHS * 30 * 24 * 60
    rest = [(rng.randint(2, CONSUMERS), NOW - timedelta(minutes=rng.randint(60, span)))
            for _ in range(total - len(mine))]
    return sorted(mine + rest, key=lambda pair: pair[1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--step", choices=["all", "people", "appeals", "documents"], default="all",
                        help="one step on the existing bench16 (people: re-creates it)")
    args = parser.parse_args()
    rng = random.Random(2016)
    t0 = time.perf_counter()
    if args.step in ("all", "people"):
        fresh_database("postgresql", NAME)
    app = app_for()
    create_schema(app)  # create_all: the tables a later model adds appear on a re-run
    counts = {}
    if args.step in ("all", "people"):
        counts |= seed_people(app)
    if args.step in ("all", "appeals"):
        from history_rows import seed_appeals

        counts |= seed_appeals(app, rng)
    if args.step in ("all", "documents"):
        from history_rows import seed_documents

        counts |= seed_documents(app, rng)
    print(counts, f"{time.perf_counter() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
