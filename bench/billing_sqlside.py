"""A reference point for the import benchmark (bench/billing_import.py), PostgreSQL only: the
charges file loaded the way an engine that leaves the per-row work to the server would load it —
COPY of the raw lines into a temporary text table, then one INSERT … SELECT that converts the
cells in SQL («1 234,56» → numeric, MM.YYYY → date, «Начисление» → charge), finds the account,
supplier and service by joins, and upserts on the billing's key with ON CONFLICT … DO UPDATE …
WHERE row_hash IS DISTINCT FROM. Into a table shaped like `charge` (LIKE … INCLUDING ALL: the
types, defaults, the unique key; no foreign keys), so the engine's own rows are not touched.

It is not an engine: no per-row error file, no duplicate-key report, no progress. It shows what
such a design would cost on this box, beside the engine and the bare COPY. Not part of the tests.
"""
import time
from pathlib import Path

import psycopg

KIND_LABELS = "('начисление','charge'),('перерасчет','recalculation'),('льгота','benefit'),('пени','penalty')"


def sql_side_charges(path: Path, dbname: str) -> dict:
    """Rows/s of COPY to staging + one converting upsert, and of a second identical pass (no-op)."""
    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={dbname}", autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_charge")
        conn.execute("CREATE TABLE bench_charge (LIKE charge INCLUDING ALL)")
        first = _load(conn, path)
        again = _load(conn, path)
        conn.execute("DROP TABLE bench_charge")
    return {"rows": first[0], "rps": round(first[0] / first[1]), "again_rps": round(again[0] / again[1]),
            "seconds": round(first[1], 2), "again_seconds": round(again[1], 2), "changed_again": again[2]}


def _load(conn, path: Path) -> tuple[int, float, int]:
    started = time.perf_counter()
    with conn.transaction():
        conn.execute("CREATE TEMP TABLE staging (branch text, account text, month text, supplier text, service text, "
                     "kind text, amount text, volume text, price text) ON COMMIT DROP")
        with conn.cursor() as cur, open(path, "rb") as fh:
            with cur.copy("COPY staging FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true, ENCODING 'WIN1251')") as copy:
                while block := fh.read(1 << 20):
                    copy.write(block)
            rows = cur.rowcount
        changed = conn.execute(f"""
            WITH kinds(label, code) AS (VALUES {KIND_LABELS}),
            parsed AS (
                SELECT a.id AS account_id, to_date('01.' || s.month, 'DD.MM.YYYY') AS month, sup.id AS supplier_id,
                       svc.id AS service_id, coalesce(k.code, s.kind) AS kind,
                       replace(replace(replace(s.amount, ' ', ''), chr(160), ''), ',', '.')::numeric(14, 2) AS amount,
                       nullif(replace(replace(s.volume, ' ', ''), ',', '.'), '')::numeric(14, 3) AS volume,
                       nullif(replace(replace(s.price, ' ', ''), ',', '.'), '')::numeric(14, 4) AS price
                FROM staging s
                JOIN branch b ON b.code = s.branch
                JOIN personal_account a ON a.branch_id = b.id AND a.number = s.account
                JOIN supplier sup ON sup.code = s.supplier
                JOIN billing_service svc ON svc.code = s.service
                LEFT JOIN kinds k ON k.label = lower(s.kind))
            INSERT INTO bench_charge (account_id, month, supplier_id, service_id, kind, amount, volume, price, row_hash)
            SELECT p.*, md5(concat_ws('|', p.amount, p.volume, p.price)) FROM parsed p
            ON CONFLICT (account_id, month, supplier_id, service_id, kind) DO UPDATE
               SET amount = excluded.amount, volume = excluded.volume, price = excluded.price,
                   row_hash = excluded.row_hash
             WHERE bench_charge.row_hash IS DISTINCT FROM excluded.row_hash""").rowcount
    return rows, time.perf_counter() - started, changed
