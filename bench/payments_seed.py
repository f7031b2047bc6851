"""The data of the payments benchmark of issue 15 (bench/payments_*.py) — not part of the tests.

PostgreSQL database `bench15` (dropped and re-created): the billing bench's generator
(bench/billing_seed.py: 100,000 accounts, 36 months of charges = 3,600,000, balances, payments,
COPY) and, for the monthly mailing, one consumer per account of the range MAIL_FIRST..MAIL_LAST
linked to it with the electronic receipt off (bench/payments_mailing.py switches it on for the
accounts of each run). The first consumer is linked to accounts 1, 2, 3 (the charges page's).

    nice -n 10 .venv/bin/python bench/payments_seed.py [--accounts 100000]
"""
import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from billing_import import PG_SERVER, fresh_database  # noqa: E402
from billing_seed import bulk, link_consumers, seed_accounts, seed_reference  # noqa: E402
from seed import build_app, create_schema, reset_sequence, seed_consumers  # noqa: E402

NAME = "bench15"
URL = PG_SERVER + NAME
#: accounts whose consumers may get the receipt by email (the mailing's samples come from here)
MAIL_FIRST, MAIL_LAST = 1001, 5000


def app_for(**overrides):
    """Kabinet on bench15 (bench/seed.py's app: hello-world and the empty signed-in page)."""
    app = build_app(URL)
    app.config.update(overrides)
    return app


def link_mail_consumers(app, consumer_ids: list[int]) -> int:
    """One consumer per account MAIL_FIRST..MAIL_LAST, linked with the electronic receipt off."""
    from app.extensions import db

    now = datetime.utcnow()
    with app.app_context(), db.engine.begin() as conn:
        rows = ((1000 + n, account, consumer, False, None, now, now)
                for n, (account, consumer) in enumerate(zip(range(MAIL_FIRST, MAIL_LAST + 1), consumer_ids)))
        count = bulk(conn, "account_link", ["id", "account_id", "consumer_id", "receipt_electronic",
                                            "receipt_email", "created_at", "updated_at"], rows)
        reset_sequence(conn, "account_link")
        conn.exec_driver_sql("ANALYZE account_link")
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=100_000)
    args = parser.parse_args()
    t0 = time.perf_counter()
    fresh_database("postgresql", NAME)
    app = app_for()
    create_schema(app)
    seed_reference(app)
    counts = seed_accounts(app, 1, args.accounts)
    link_consumers(app, seed_consumers(app, 100))
    counts["mail_links"] = link_mail_consumers(app, seed_consumers(app, MAIL_LAST - MAIL_FIRST + 1))
    print(counts, f"{time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
