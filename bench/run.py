"""Kabinet applications benchmark (issues 3 and 11) — not part of the test suite.

Seeds consumers and applications with bulk inserts (bench/seed.py), then measures the consumer
pages («Мои заявки», the application page) and the staff queue (first page, a filtered page)
beside a hello-world route of the same Flask app, served the same way, and counts the SQL
statements of one request of each page. A signed-in page with the portal's layout and no
content is measured too: the floor under every page a consumer sees. Two ways of serving:

- in-process WSGI (werkzeug's client, one request at a time): the application's own cost,
  at --small applications and again after topping up to --applications, so the queue's p50
  at both sizes can be compared;
- real HTTP at --applications (bench/served.py): gunicorn (--workers sync workers, as README
  deploys it) loaded by wrk (two connections per worker, --seconds per page), Kabinet and the
  plain-Flask peer of issue 11 (bench/peer.py: Flask + Flask-Login + SQLAlchemy Core + Jinja,
  same cookie, same query) served side by side and loaded in turns for --rounds rounds, the
  median reported. Needs wrk (`apt-get install wrk`); without it this part is skipped.

    .venv/bin/python bench/run.py --db postgresql --consumers 100000 --applications 1000000
    .venv/bin/python bench/run.py --db sqlite --consumers 100000 --applications 1000000

PostgreSQL uses its own database (kb_bench, dropped and re-created); SQLite a file under
/tmp. The report is printed and appended to bench/RESULTS.md.
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import time
from datetime import datetime

from sqlalchemy import event

from seed import (ROOT, build_app, client_for, create_schema, database_url, make_staff, pick, seed_applications,
                  seed_consumers)
from served import FLOOR, http_table, peer_lines, run_http


def measure(app, client, url: str, requests: int) -> dict:
    from app.extensions import db

    for _ in range(5):  # warm-up
        assert client.get(url).status_code == 200, url
    statements = []

    def count(*args):
        statements.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    client.get(url)
    event.remove(engine, "before_cursor_execute", count)
    timings = []
    started = time.perf_counter()
    for _ in range(requests):
        t0 = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - t0)
        assert response.status_code == 200
    total = time.perf_counter() - started
    timings.sort()
    # the signed-in user's one statement (user, roles, their permissions, the settings: app/security/manager.py)
    own = [s for s in statements if not s.lstrip().startswith("SELECT ab_user.")]
    return {
        "rps": round(requests / total, 1),
        "p50_ms": round(statistics.median(timings) * 1000, 2),
        "p99_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.99))] * 1000, 2),
        "queries": len(statements),
        "queries_own": len(own),
    }


def run_pages(app, staff_key, requests: int) -> dict:
    consumer_key, application_id, status_id = pick(app)
    consumer, staff, anonymous = client_for(app, consumer_key), client_for(app, staff_key), client_for(app, None)
    clients = {"anonymous": anonymous, "consumer": consumer, "staff": staff}
    return {name: measure(app, clients[who], url, requests)
            for name, (who, url) in page_table(application_id, status_id).items()}


def page_table(application_id: int, status_id: int, *, http: bool = False) -> dict:
    """The measured pages: name → (who asks, path). Over HTTP the hello-world is asked with the
    consumer's cookie too, and the 100-row queue is left out (the in-process count covers it)."""
    pages = {"hello-world": ("anonymous", "/bench/hello")}
    if http:
        pages["hello-world, с cookie потребителя"] = ("consumer", "/bench/hello")
    pages |= {
        FLOOR: ("consumer", "/bench/layout"),
        "Мои заявки": ("consumer", "/my/applications/"),
        "страница заявки": ("consumer", f"/my/applications/{application_id}"),
        "очередь, 1-я страница": ("staff", "/staff/queue/"),
        "очередь, фильтр": ("staff", f"/staff/queue/?status={status_id}&page=2"),
    }
    if not http:
        pages["очередь, 100 на странице"] = ("staff", "/staff/queue/?per_page=100")
    return pages


def commit() -> str:
    """The measured code: the commit, marked when the work tree has uncommitted changes."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    changed = [line for line in git("status", "--porcelain").splitlines() if not line.endswith("bench/RESULTS.md")]
    return (git("rev-parse", "--short", "HEAD") or "?") + (" (+ changes)" if changed else "")


def table(results: dict, hello_rps: float) -> str:
    lines = ["| страница | запросов/с | p50, мс | p99, мс | SQL всего | SQL без загрузки пользователя | доля от hello-world |",
             "|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['rps']} | {r['p50_ms']} | {r['p99_ms']} | {r['queries']} | {r['queries_own']} | "
                     f"{r['rps'] / hello_rps:.2f} |")
    return "\n".join(lines)



def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="sqlite")
    parser.add_argument("--consumers", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers (HTTP part)")
    parser.add_argument("--seconds", type=int, default=10, help="wrk run per page and round (HTTP part)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the HTTP part; the median is reported")
    parser.add_argument("--http-only", action="store_true",
                        help="seed --applications at once and measure over HTTP only (no in-process tables)")
    return parser.parse_args()


def in_process_report(args, small: dict, large: dict) -> list[str]:
    queue, filtered = "очередь, 1-я страница", "очередь, фильтр"
    q_small, q_large = small[queue]["p50_ms"], large[queue]["p50_ms"]
    f_small, f_large = small[filtered]["p50_ms"], large[filtered]["p50_ms"]
    hello = large["hello-world"]["rps"]
    return [
        f"### In-process, {args.small:,} applications", "", table(small, small["hello-world"]["rps"]), "",
        f"### In-process, {args.applications:,} applications", "", table(large, hello), "",
        f"- staff queue p50, first page: {q_small} ms at {args.small:,} → {q_large} ms at {args.applications:,} "
        f"(×{q_large / q_small:.2f}; target ≤ ×1.3)",
        f"- staff queue p50, filtered page: {f_small} ms → {f_large} ms (×{f_large / f_small:.2f})",
        f"- consumer pages vs hello-world requests/s, in-process: «Мои заявки» "
        f"{large['Мои заявки']['rps'] / hello:.2f}, application page {large['страница заявки']['rps'] / hello:.2f}",
        f"- staff queue SQL per request: {large[queue]['queries_own']} own queries at 20 and at 100 rows "
        f"({large['очередь, 100 на странице']['queries_own']}), plus {large[queue]['queries'] - large[queue]['queries_own']}"
        f" for the user with the roles, their permissions and the settings", "",
    ]


def http_report(args, http: dict) -> list[str]:
    return [
        f"### HTTP: gunicorn, {args.workers} sync workers, wrk with {2 * args.workers} connections, "
        f"{args.seconds} s per page, {args.rounds} rounds (median), {args.applications:,} applications; "
        f"Kabinet and the peer (bench/peer.py) loaded in turns, page by page",
        "", http_table(http), "", *peer_lines(http), "",
    ]


def main():
    args = arguments()
    rng = random.Random(2026)
    url = database_url(args.db)
    app = build_app(url)
    create_schema(app)
    t0 = time.perf_counter()
    consumer_ids = seed_consumers(app, args.consumers)
    first = args.applications if args.http_only else args.small
    seed_applications(app, consumer_ids, first, rng)
    seeded_small = time.perf_counter() - t0
    staff_key = make_staff(app)
    report = [f"## {args.db} — {datetime.utcnow():%Y-%m-%d %H:%M} UTC, commit {commit()}", ""]
    small = large = None
    if not args.http_only:
        small = run_pages(app, staff_key, args.requests)
        t1 = time.perf_counter()
        seed_applications(app, consumer_ids, args.applications - args.small, rng)
        report += [f"{args.consumers:,} consumers; {args.small:,} then {args.applications:,} applications (+1 event "
                   f"each). Seeding: {seeded_small:.1f} s for consumers + {args.small:,} applications, "
                   f"{time.perf_counter() - t1:.1f} s for the rest. {args.requests} sequential requests per page "
                   f"after 5 warm-up requests, in-process WSGI (werkzeug test client, same app and middleware as the "
                   f"hello-world route).", ""]
        large = run_pages(app, staff_key, args.requests)
        report += in_process_report(args, small, large)
    else:
        report += [f"{args.consumers:,} consumers, {args.applications:,} applications (+1 event each), seeded in "
                   f"{seeded_small:.1f} s; HTTP only.", ""]
    application_id, status_id = pick(app)[1:]
    http = run_http(app, url, staff_key, page_table(application_id, status_id, http=True), workers=args.workers,
                    seconds=args.seconds, rounds=args.rounds)
    if http:
        report += http_report(args, http)
    text_report = "\n".join(report)
    print(text_report)
    print(json.dumps({"small": small, "large": large, "http": http}, ensure_ascii=False))
    with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as fh:
        fh.write(text_report + "\n")


if __name__ == "__main__":
    main()
