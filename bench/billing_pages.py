"""The page benchmark of issue 13 — not part of the test suite.

The consumer's accounts home page (/personal-accounts/<id>/) and «Реквизиты лицевого счета»
(/personal-accounts/<id>/details) at 1,000 accounts (36,000 charges, as many balances) and at
100,000 accounts (3,600,000), beside their plain-Flask peer (bench/billing_peer.py: the same
queries written by hand with SQLAlchemy Core, the same markup) and a hello-world. Two databases
of their own (bench13_pages_small, bench13_pages; bulk inserts of bench/billing_seed.py), each
served by gunicorn (sync workers, as README deploys it) for Kabinet and for the peer, and all
four loaded by wrk in turns, page by page, for --rounds rounds (the median reported): a busy
machine slows both sizes and both apps alike — the harness of bench/served.py.

    nice -n 10 .venv/bin/python bench/billing_pages.py --db postgresql
    nice -n 10 .venv/bin/python bench/billing_pages.py --db sqlite

One worker and two wrk connections by default (the machine is shared: one core for the load).
The report is printed and appended to bench/RESULTS.md (--no-write: printed only).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from billing_import import PG_SERVER, commit, fresh_database  # noqa: E402
from billing_seed import LINKED, link_consumers, seed_accounts, seed_reference, user_key  # noqa: E402
from seed import ROOT, build_app, client_for, create_schema, seed_consumers  # noqa: E402
from served import FLOOR, check, serve, session_cookie, wrk_run  # noqa: E402

ACCOUNT = LINKED[0]
#: name → (Kabinet's path, the peer's path or None, signed in)
PAGES = {
    "hello-world": ("/bench/hello", "/peer/hello", False),
    FLOOR: ("/bench/layout", "/peer/layout", True),
    "Лицевые счета (главная)": (f"/personal-accounts/{ACCOUNT}/", f"/peer/personal-accounts/{ACCOUNT}/", True),
    "Реквизиты лицевого счета": (f"/personal-accounts/{ACCOUNT}/details",
                                 f"/peer/personal-accounts/{ACCOUNT}/details", True),
}


def body_size(base: str, path: str, cookie: str | None) -> int | None:
    """The page's size in bytes, or None when it does not answer 200 itself (not built yet)."""
    import urllib.request

    request = urllib.request.Request(base + path, headers={"Cookie": f"session={cookie}"} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
            return len(body) if response.status == 200 and response.url == base + path else None
    except urllib.error.HTTPError:
        return None


def run_http(urls: dict, cookie: str, *, workers: int, seconds: int, rounds: int) -> dict:
    """Each page from Kabinet then from the peer, on each database of `urls` (size → URL), all in
    turns, page by page, `rounds` times: a busy machine slows every one alike. size → the medians
    (and the page sizes) by label."""
    servers = {size: (serve("wsgi", url, workers), serve("billing_peer", url, workers)) for size, url in urls.items()}
    targets, sizes = {}, {}
    try:
        for name, (path, peer_path, signed_in) in PAGES.items():
            for size, ((_, kabinet), (_, peer)) in servers.items():
                for label, base, where in ((name, kabinet, path), (f"peer: {name}", peer, peer_path)):
                    who = cookie if signed_in else None
                    sizes[size, label] = body_size(base, where, who)
                    if sizes[size, label] is None:
                        print(f"{size} {label}: {where} does not answer 200: left out", file=sys.stderr)
                        continue
                    check(base, where, who)
                    targets[size, label] = (base + where, who)
                    wrk_run(base + where, who, 2, 2 * workers)  # warm-up
        runs = {target: [] for target in targets}
        for _ in range(rounds):
            for target, (url, who) in targets.items():
                runs[target].append(wrk_run(url, who, seconds, 2 * workers))
    finally:
        for pair in servers.values():
            for server, _ in pair:
                server.terminate()
                server.wait(timeout=30)
    results = {size: {} for size in urls}
    for (size, label), samples in runs.items():
        results[size][label] = {key: round(statistics.median(run[key] for run in samples), 2) for key in samples[0]}
        results[size][label]["bytes"] = sizes[size, label]
    return results


def statements(app, key: str) -> dict:
    """The SQL statements of one request of each page, Kabinet's and the peer's, in-process (every
    engine of the process listened to), after a warm-up request."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import Engine

    import billing_peer

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    peer_app = billing_peer.create_peer(url)
    billing_peer.add_billing_routes(peer_app, create_engine(url))
    counts, seen = {}, []

    def count(*args):
        seen.append(args[2])

    for name, (path, peer_path, signed_in) in PAGES.items():
        for label, flask_app, where in ((name, app, path), (f"peer: {name}", peer_app, peer_path)):
            client = client_for(flask_app, key if signed_in else None)
            if client.get(where).status_code != 200:
                continue
            seen.clear()
            event.listen(Engine, "before_cursor_execute", count)
            client.get(where)
            event.remove(Engine, "before_cursor_execute", count)
            counts[label] = len(seen)
    return counts


def table(results: dict, sql: dict) -> str:
    hello = results["hello-world"]["rps"]
    lines = ["| страница | запросов/с | p50, мс | p99, мс | p99/p50 | байт | SQL | пир: запросов/с | пир: p50, мс | пир: байт "
             "| пир: SQL | доля от пира | доля от hello-world |", "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name in PAGES:
        r, p = results.get(name), results.get(f"peer: {name}")
        if r is None:
            lines.append(f"| {name} | нет страницы | | | | | | {p['rps'] if p else '—'} | {p['p50_ms'] if p else '—'} "
                         f"| {p['bytes'] if p else '—'} | {sql.get('peer: ' + name, '—')} | — | — |")
            continue
        versus = (f"{p['rps']} | {p['p50_ms']} | {p['bytes']} | {sql.get('peer: ' + name, '—')} | "
                  f"**{r['rps'] / p['rps']:.2f}**" if p else "— | — | — | — | —")
        lines.append(f"| {name} | {r['rps']} | {r['p50_ms']} | {r['p99_ms']} | {r['p99_ms'] / r['p50_ms']:.1f} | "
                     f"{r['bytes']} | {sql.get(name, '—')} | {versus} | {r['rps'] / hello:.2f} |")
    return "\n".join(lines)


def growth(small: dict, large: dict, sizes: tuple[int, int]) -> list[str]:
    """Issue 13's target: a page's p50 at 3.6M charges within 1.3× of its p50 at 36k."""
    lines = []
    for name in list(PAGES)[2:]:
        for label in (name, f"peer: {name}"):
            if label in small and label in large:
                a, b = small[label]["p50_ms"], large[label]["p50_ms"]
                lines.append(f"- {label}: p50 {a} ms at {sizes[0]:,} charges → {b} ms at {sizes[1]:,} (×{b / a:.2f}; "
                             f"target ≤ ×1.3)")
    return lines


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--small", type=int, default=1_000, help="accounts of the first phase")
    parser.add_argument("--accounts", type=int, default=100_000, help="accounts of the second phase")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers (wrk: two connections each)")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--sql-only", action="store_true",
                        help="count the statements per page on the database of the last run, nothing else")
    return parser.parse_args()


def seed_database(kind: str, name: str, accounts: int) -> tuple[str, dict, float]:
    """A database of its own with `accounts` accounts and their history, three linked to the first
    consumer; (URL, counts, seconds)."""
    url = fresh_database(kind, name)
    app = build_app(url)
    create_schema(app)
    seed_reference(app)
    t0 = time.perf_counter()
    counts = seed_accounts(app, 1, accounts)
    link_consumers(app, seed_consumers(app, 100))
    return url, counts, time.perf_counter() - t0


def main():
    args = arguments()
    if not shutil.which("wrk"):
        sys.exit("wrk not found (apt-get install wrk)")
    started = datetime.utcnow()
    large_name = "bench13_pages"
    if args.sql_only:
        url = PG_SERVER + large_name if args.db == "postgresql" else f"sqlite:////tmp/{large_name}.sqlite3"
        print(statements(build_app(url), user_key(build_app(url), 1)))
        return
    small_url, small, small_s = seed_database(args.db, "bench13_pages_small", args.small)
    large_url, large, large_s = seed_database(args.db, large_name, args.accounts)
    app = build_app(large_url)
    key = user_key(app, 1)
    cookie = session_cookie(client_for(app, key), "/bench/layout")
    results = run_http({"small": small_url, "large": large_url}, cookie, workers=args.workers,
                       seconds=args.seconds, rounds=args.rounds)
    print(json.dumps(results, ensure_ascii=False), flush=True)
    sql = statements(app, key)
    load = os.getloadavg()
    heading = (f"gunicorn, {args.workers} sync worker(s) per app and database, wrk with {2 * args.workers} "
               f"connections, {args.seconds} s per page, {args.rounds} rounds (median); Kabinet and the peer "
               f"(bench/billing_peer.py) on both databases loaded in turns, page by page")
    report = "\n".join([
        f"### Страницы лицевого счета, {args.db} — {started:%Y-%m-%d %H:%M} UTC, commit {commit()}", "",
        f"Account {ACCOUNT} of a consumer with {len(LINKED)} linked accounts (bench/billing_seed.py), in two "
        f"databases served side by side: {small['accounts']:,} accounts ({small['charges']:,} charges, "
        f"{small['balances']:,} balances, {small['payments']:,} payments, {small['meters']:,} meters; seeded in "
        f"{small_s:.0f} s) and {large['accounts']:,} accounts ({large['charges']:,} charges, {large['balances']:,} "
        f"balances, {large['payments']:,} payments, {large['meters']:,} meters; {large_s:.0f} s). {heading}. SQL: "
        f"statements of one request, in-process. Load average at the end: {load[0]:.1f}.", "",
        f"#### {small['charges']:,} charges", "", table(results["small"], sql), "",
        f"#### {large['charges']:,} charges", "", table(results["large"], sql), "",
        *growth(results["small"], results["large"], (small["charges"], large["charges"])), ""])
    print(report)
    if not args.no_write:
        with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as fh:
            fh.write("\n" + report + "\n")


if __name__ == "__main__":
    main()
