"""The import benchmark of issue 13 — not part of the test suite.

Imports the files of bench/billing_data.py (100,000 accounts, 300,000 meters, 3,600,000 charges)
through the billing import engine (workflows/billing/imports: start_import + run_import, as the
admin page and the API call them) into PostgreSQL (database bench13, dropped and re-created) or
SQLite (/tmp/bench13.sqlite3), and in the same run COPYs the same files into bare PostgreSQL
tables (text columns, no index, no constraint: the physical limit of this box). Each import runs
in a child process of its own, so its peak memory (VmHWM) is the import's: charges at two file
sizes (360,000 and 3,600,000 lines), then the 3,600,000 again (a re-import: nothing changes).

    nice -n 10 .venv/bin/python bench/billing_data.py --dir /tmp/bench13
    nice -n 10 .venv/bin/python bench/billing_import.py --db postgresql --dir /tmp/bench13
    nice -n 10 .venv/bin/python bench/billing_import.py --db sqlite --dir /tmp/bench13

The table is printed and appended to bench/RESULTS.md (--no-write: printed only).
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from billing_data import COLUMNS, ENCODINGS, REFERENCE  # noqa: E402
from billing_sqlside import sql_side_charges  # noqa: E402
from seed import ROOT, build_app, create_schema  # noqa: E402

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/"
PG_NAME = "bench13"
SQLITE_PATH = "/tmp/bench13.sqlite3"
#: the import steps: (label, kind, file); charges_small then charges measure memory at two sizes
STEPS = [("лицевые счета", "accounts", "accounts.csv"), ("приборы учета", "meters", "meters.csv"),
         ("начисления, 360 тыс.", "charges", "charges_small.csv"), ("начисления, 3,6 млн", "charges", "charges.csv"),
         ("начисления, 3,6 млн, повторно (без изменений)", "charges", "charges.csv")]


def fresh_database(kind: str, name: str = PG_NAME) -> str:
    """An empty database of its own: PostgreSQL `name` re-created, or the SQLite file removed."""
    import sqlalchemy
    from sqlalchemy import text

    if kind == "postgresql":
        admin = sqlalchemy.create_engine(PG_SERVER + "postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            conn.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()
        return PG_SERVER + name
    path = f"/tmp/{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return f"sqlite:///{path}"


def add_reference(app) -> None:
    """The branches, suppliers and services the files name (dictionaries an admin keeps)."""
    from app.extensions import db
    from app.models import Branch, Service, Supplier

    with app.app_context():
        for code, name, day_from, day_to in REFERENCE["branches"]:
            db.session.add(Branch(code=code, name=name, reading_day_from=day_from, reading_day_to=day_to))
        for code, name in REFERENCE["suppliers"]:
            db.session.add(Supplier(code=code, name=name, inn="7701234567", kpp="770101001", bik="044525225",
                                    bank_name="ПАО Сбербанк", account="40702810938000000001",
                                    corr_account="30101810400000000225"))
        for order, (code, name, unit) in enumerate(REFERENCE["services"]):
            db.session.add(Service(code=code, name=name, unit=unit, sort_order=order))
        db.session.commit()


def copy_baseline(path: Path, kind: str) -> dict:
    """PostgreSQL COPY of the file's lines into a bare table of text columns (no index, no
    constraint), streamed from the file like an import reads it: rows/s, the physical limit."""
    import psycopg

    table = f"bench_copy_{path.stem}"
    columns = ", ".join(f'"{c}" text' for c in COLUMNS[kind])
    encoding = "WIN1251" if ENCODINGS[kind] == "cp1251" else "UTF8"
    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={PG_NAME}", autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute(f"CREATE TABLE {table} ({columns})")
        started = time.perf_counter()
        with conn.cursor() as cur, open(path, "rb") as fh:
            with cur.copy(f"COPY {table} FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true, "
                          f"ENCODING '{encoding}')") as copy:
                while block := fh.read(1 << 20):
                    copy.write(block)
            rows = cur.rowcount
        seconds = time.perf_counter() - started
        conn.execute(f"DROP TABLE {table}")
    return {"rows": rows, "seconds": round(seconds, 2), "rps": round(rows / seconds)}


def vm_hwm_kb() -> int:
    """Peak resident memory of this process so far (Linux /proc; getrusage elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(kind: str, path: str, url: str) -> dict:
    """One import in this process: start_import as the admin page calls it (the file stored,
    the run queued), then run_import as the job; the run's counts, times and peak memory."""
    from app import create_app
    from app.core.jobs import queue
    from app.extensions import db
    from app.models import ImportRun
    from workflows.billing.imports import run_import, start_import

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR="/tmp/bench13-uploads",
                     RATELIMIT_ENABLED=False, MAX_CONTENT_LENGTH=None, BILLING_IMPORT_THREAD=False)
    with app.app_context():
        db.session.execute(db.select(ImportRun.id).limit(1)).all()  # connect before the baseline
        baseline = vm_hwm_kb()
        t0 = time.perf_counter()
        with open(path, "rb") as fh:
            run = start_import(kind, (Path(path).name, fh))
            db.session.commit()
        queue._ready_jobs().clear()  # run here, timed, not at the end of a request
        stored = time.perf_counter() - t0
        run_id = run.id
        t1 = time.perf_counter()
        run_import(run_id)
        seconds = time.perf_counter() - t1
        db.session.rollback()
        run = db.session.get(ImportRun, run_id)
        counts = {name: getattr(run, name) for name in ("state", "total", "processed", "created", "updated",
                                                         "unchanged", "errors", "failure")}
    return {"stored_s": round(stored, 2), "seconds": round(seconds, 2), "baseline_kb": baseline,
            "peak_kb": vm_hwm_kb(), **counts}


def run_child(kind: str, path: Path, url: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(path), url], capture_output=True,
                         text=True, cwd=ROOT)
    if out.returncode:
        raise RuntimeError(f"import of {path} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def wipe_charges(url: str) -> None:
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text("DELETE FROM charge"))
    engine.dispose()


def measure(args) -> list[dict]:
    """Each step: the file COPYed into a bare table, then imported by the engine, in turns, so a
    busy machine slows both alike."""
    directory = Path(args.dir)
    copy_url = fresh_database("postgresql")
    url = copy_url if args.db == "postgresql" else fresh_database("sqlite")
    app = build_app(url)
    create_schema(app)
    add_reference(app)
    del copy_url
    results, copies = [], {}
    steps = STEPS if not args.small_only else STEPS[:3]
    for label, kind, name in steps:
        path = directory / name
        if name not in copies:
            copies[name] = copy_baseline(path, kind)
        if label == STEPS[3][0]:
            wipe_charges(url)  # the 3.6M file imports into an empty charge table, like the 360k one
        result = run_child(kind, path, url) if not args.copy_only else {}
        if args.db == "postgresql" and kind == "charges" and name not in {r["file"] for r in results}:
            result["sqlside"] = sql_side_charges(path, PG_NAME)
        results.append({"label": label, "file": name, "copy": copies[name], **result})
        print(json.dumps(results[-1], ensure_ascii=False), flush=True)
    return results


def table(results: list[dict]) -> str:
    lines = ["| шаг | строк | импорт, с (из них файл сохранен за) | строк/с | COPY в голую таблицу, строк/с | доля от COPY "
             "| пик памяти процесса (VmHWM), МБ | из них до импорта, МБ | создано / изменено / без изменений / ошибок |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        copy = r["copy"]
        if "seconds" not in r:
            lines.append(f"| {r['label']} | {copy['rows']:,} | — | — | {copy['rps']:,} | — | — | — | — |")
            continue
        total = r["seconds"] + r["stored_s"]
        rps = r["processed"] / total if total else 0
        lines.append(
            f"| {r['label']} | {r['processed']:,} | {total:.1f} ({r['stored_s']:.1f}) | {rps:,.0f} | {copy['rps']:,} | "
            f"**{rps / copy['rps']:.2f}** | {r['peak_kb'] / 1024:.0f} | {r['baseline_kb'] / 1024:.0f} | "
            f"{r['created']:,} / {r['updated']:,} / {r['unchanged']:,} / {r['errors']:,} |")
    sql = [r for r in results if "sqlside" in r]
    if sql:
        lines += ["", "Для сравнения (bench/billing_sqlside.py): тот же файл начислений через COPY во временную таблицу и "
                      "один INSERT … SELECT … ON CONFLICT с разбором значений в SQL (без файла ошибок):", "",
                  "| файл | строк | строк/с | доля от COPY | повторно: строк/с (изменено) |", "|---|---|---|---|---|"]
        for r in sql:
            q = r["sqlside"]
            lines.append(f"| {r['file']} | {q['rows']:,} | {q['rps']:,} | {q['rps'] / r['copy']['rps']:.2f} | "
                         f"{q['again_rps']:,} ({q['changed_again']}) |")
    return "\n".join(lines)


def commit() -> str:
    """The measured code: HEAD, marked when app/workflows/bench have uncommitted changes; a run from
    a snapshot of the tree (git archive) names its commit in KABINET_BENCH_COMMIT."""
    if os.environ.get("KABINET_BENCH_COMMIT"):
        return os.environ["KABINET_BENCH_COMMIT"]

    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    changed = [line for line in git("status", "--porcelain", "--", "app", "workflows", "bench").splitlines()
               if not line.endswith("RESULTS.md")]
    return (git("rev-parse", "--short", "HEAD") or "?") + (" (+ uncommitted changes)" if changed else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--dir", default="/tmp/bench13")
    parser.add_argument("--small-only", action="store_true", help="accounts, meters, 360k charges only")
    parser.add_argument("--copy-only", action="store_true", help="the COPY baseline only (no engine)")
    parser.add_argument("--no-write", action="store_true", help="print, do not append to bench/RESULTS.md")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "PATH", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child), ensure_ascii=False))
        return
    started = datetime.utcnow()
    results = measure(args)
    load = os.getloadavg()
    report = "\n".join([
        f"### Импорт, {args.db} — {started:%Y-%m-%d %H:%M} UTC, commit {commit()}", "",
        f"Files of bench/billing_data.py in {args.dir}; each import in a child process of its own "
        f"(start_import + run_import); COPY of the same file just before it. Load average at the end: "
        f"{load[0]:.1f}.", "", table(results), ""])
    print(report)
    if not args.no_write:
        with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as fh:
            fh.write("\n" + report + "\n")


if __name__ == "__main__":
    main()
