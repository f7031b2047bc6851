"""The page benchmark of issue 14 — not part of the test suite.

The consumer's «Приборы учета» (/personal-accounts/<id>/meters), «Показания прибора учета»
(…/meters/history, the last twelve months) and «Передать показания» (…/readings) at 10,020
readings (1,002 meters) and again after topping up to 1,000,020 readings (100,002 meters), beside
their plain-Flask peer (bench/meters_peer.py: the same queries written by hand with SQLAlchemy
Core, the same markup) and a hello-world, all served by gunicorn (sync workers) and loaded by wrk
in turns, page by page, for --rounds rounds (the median reported) — the harness of
bench/served.py. CSRF on in both (the readings form carries its token). Data: bulk inserts of
bench/meters_seed.py into the database bench14 (PostgreSQL) or /tmp/bench14.sqlite3.

    nice -n 10 .venv/bin/python bench/meters_pages.py --db postgresql
    nice -n 10 .venv/bin/python bench/meters_pages.py --db sqlite

One worker and two wrk connections by default (the machine is shared: one core for the load).
The report is printed and appended to bench/RESULTS.md (--no-write: printed only); the database
is left for bench/meters_submit.py --reuse.
"""
import argparse
import json
import os
import shutil
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
os.environ["KABINET_TEST_CSRF"] = "1"  # the readings form renders and checks its CSRF token

from billing_import import commit  # noqa: E402
from billing_pages import body_size  # noqa: E402
from meters_seed import LARGE, SMALL, append_results, link_submitters, prepare, seed_meters  # noqa: E402
from seed import client_for  # noqa: E402
from served import FLOOR, check, serve, session_cookie, wrk_run  # noqa: E402

ACCOUNT = 1
#: name → (Kabinet's path, the peer's path, signed in)
PAGES = {
    "hello-world": ("/bench/hello", "/peer/hello", False),
    FLOOR: ("/bench/layout", "/peer/layout", True),
    "Приборы учета": (f"/personal-accounts/{ACCOUNT}/meters", f"/peer/personal-accounts/{ACCOUNT}/meters", True),
    "Показания прибора учета": (f"/personal-accounts/{ACCOUNT}/meters/history",
                                f"/peer/personal-accounts/{ACCOUNT}/meters/history", True),
    "Передать показания": (f"/personal-accounts/{ACCOUNT}/readings", f"/peer/personal-accounts/{ACCOUNT}/readings",
                           True),
}


def targets_of(kabinet: str, peer: str, cookie: str, sizes: dict) -> dict:
    """label → (URL, cookie) of every page that answers 200 itself; sizes filled in."""
    targets = {}
    for name, (path, peer_path, signed_in) in PAGES.items():
        for label, base, where in ((name, kabinet, path), (f"peer: {name}", peer, peer_path)):
            who = cookie if signed_in else None
            sizes[label] = body_size(base, where, who)
            if sizes[label] is None:
                print(f"{label}: {where} does not answer 200: left out", file=sys.stderr)
                continue
            check(base, where, who)
            targets[label] = (base + where, who)
    return targets


def run_http(url: str, cookie: str, *, workers: int, seconds: int, rounds: int) -> dict:
    """Each page from Kabinet then from the peer, in turns, `rounds` times; medians, and sizes."""
    servers = [serve("wsgi", url, workers), serve("meters_peer", url, workers)]
    (_, kabinet), (_, peer) = servers
    sizes = {}
    try:
        targets = targets_of(kabinet, peer, cookie, sizes)
        for target, who in targets.values():
            wrk_run(target, who, 2, 2 * workers)  # warm-up
        runs = {label: [] for label in targets}
        for _ in range(rounds):
            for label, (target, who) in targets.items():
                runs[label].append(wrk_run(target, who, seconds, 2 * workers))
    finally:
        for server, _ in servers:
            server.terminate()
            server.wait(timeout=30)
    results = {label: {key: round(statistics.median(run[key] for run in samples), 2) for key in samples[0]}
               for label, samples in runs.items()}
    for label, result in results.items():
        result["bytes"] = sizes[label]
    return results


def table(results: dict) -> str:
    hello = results["hello-world"]["rps"]
    lines = ["| страница | запросов/с | p50, мс | p99, мс | p99/p50 | байт | пир: запросов/с | пир: p50, мс | пир: байт "
             "| доля от пира | доля от hello-world |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name in PAGES:
        r, p = results.get(name), results.get(f"peer: {name}")
        if r is None:
            lines.append(f"| {name} | нет страницы | | | | | {p['rps'] if p else '—'} | {p['p50_ms'] if p else '—'} "
                         f"| {p['bytes'] if p else '—'} | — | — |")
            continue
        versus = f"{p['rps']} | {p['p50_ms']} | {p['bytes']} | **{r['rps'] / p['rps']:.2f}**" if p else "— | — | — | —"
        lines.append(f"| {name} | {r['rps']} | {r['p50_ms']} | {r['p99_ms']} | {r['p99_ms'] / r['p50_ms']:.1f} | "
                     f"{r['bytes']} | {versus} | {r['rps'] / hello:.2f} |")
    return "\n".join(lines)


def growth(small: dict, large: dict, sizes: tuple[int, int]) -> list[str]:
    lines = []
    for name in list(PAGES)[2:]:
        for label in (name, f"peer: {name}"):
            if label in small and label in large:
                a, b = small[label]["p50_ms"], large[label]["p50_ms"]
                lines.append(f"- {label}: p50 {a} ms at {sizes[0]:,} readings → {b} ms at {sizes[1]:,} (×{b / a:.2f}; "
                             f"target ≤ ×1.3)")
    return lines


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--small", type=int, default=SMALL, help="accounts of the first phase (3 meters each)")
    parser.add_argument("--accounts", type=int, default=LARGE, help="accounts of the second phase")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers (wrk: two connections each)")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    return parser.parse_args()


def main():
    args = arguments()
    if not shutil.which("wrk"):
        sys.exit("wrk not found (apt-get install wrk)")
    started = datetime.utcnow()
    t0 = time.perf_counter()
    app, url, consumers = prepare(args.db, args.small)
    cookie = session_cookie(client_for(app, f"{consumers[0]}:1"), PAGES["Передать показания"][0])
    seeded = [time.perf_counter() - t0]
    small = run_http(url, cookie, workers=args.workers, seconds=args.seconds, rounds=args.rounds)
    print(json.dumps(small, ensure_ascii=False), flush=True)
    t1 = time.perf_counter()
    more = seed_meters(app, args.small + 1, args.accounts)
    seeded.append(time.perf_counter() - t1)
    large = run_http(url, cookie, workers=args.workers, seconds=args.seconds, rounds=args.rounds)
    print(json.dumps(large, ensure_ascii=False), flush=True)
    if args.accounts >= LARGE:
        link_submitters(app, consumers)  # for bench/meters_submit.py --reuse
    readings = (args.small * 30, args.accounts * 30)
    load = os.getloadavg()
    heading = (f"gunicorn, {args.workers} sync worker(s), wrk with {2 * args.workers} connections, {args.seconds} s "
               f"per page, {args.rounds} rounds (median); Kabinet and the peer (bench/meters_peer.py) in turns")
    report = "\n".join([
        f"### Страницы приборов учета, {args.db} — {started:%Y-%m-%d %H:%M} UTC, commit {commit()}", "",
        f"Account {ACCOUNT}: three meters (electricity Т1/Т2, cold and hot water), ten readings each. Seeded in "
        f"{seeded[0]:.1f} s ({args.small:,} accounts, {args.small * 3:,} meters, {readings[0]:,} readings), topped "
        f"up in {seeded[1]:.1f} s to {args.accounts:,} accounts, {args.accounts * 3:,} meters, {readings[1]:,} readings "
        f"({more['readings']:,} added). Load average at the end: {load[0]:.1f}.", "",
        f"#### {readings[0]:,} readings — {heading}", "", table(small), "",
        f"#### {readings[1]:,} readings — {heading}", "", table(large), "",
        *growth(small, large, readings), ""])
    print(report)
    if not args.no_write:
        append_results(report)


if __name__ == "__main__":
    main()
