"""The page benchmark of issue 13 — not part of the test suite.

The consumer's accounts home page (/personal-accounts/<id>/) and «Реквизиты лицевого счета»
(/personal-accounts/<id>/details) at 1,000 accounts (36,000 charges, as many balances) and again
after topping up to 100,000 accounts (3,600,000), beside their plain-Flask peer
(bench/billing_peer.py: the same queries written by hand with SQLAlchemy Core) and a hello-world,
all served by gunicorn (sync workers, as README deploys it) and loaded by wrk in turns, page by
page, for --rounds rounds (the median reported) — the harness of bench/served.py. Data: bulk
inserts of bench/billing_seed.py into a database of its own (bench13_pages).

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

from billing_import import commit, fresh_database  # noqa: E402
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


def run_http(url: str, cookie: str, *, workers: int, seconds: int, rounds: int) -> dict:
    """Each page from Kabinet then from the peer, in turns, `rounds` times; medians, and sizes."""
    servers = [serve("wsgi", url, workers), serve("billing_peer", url, workers)]
    (_, kabinet), (_, peer) = servers
    targets, sizes = {}, {}
    try:
        for name, (path, peer_path, signed_in) in PAGES.items():
            for label, base, where in ((name, kabinet, path), (f"peer: {name}", peer, peer_path)):
                who = cookie if signed_in else None
                sizes[label] = body_size(base, where, who)
                if sizes[label] is None:
                    print(f"{label}: {where} does not answer 200: left out", file=sys.stderr)
                    continue
                check(base, where, who)
                targets[label] = (base + where, who)
                wrk_run(base + where, who, 2, 2 * workers)  # warm-up
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
    return parser.parse_args()


def main():
    args = arguments()
    if not shutil.which("wrk"):
        sys.exit("wrk not found (apt-get install wrk)")
    started = datetime.utcnow()
    url = fresh_database(args.db, "bench13_pages")
    app = build_app(url)
    create_schema(app)
    seed_reference(app)
    t0 = time.perf_counter()
    counts = seed_accounts(app, 1, args.small)
    consumers = seed_consumers(app, 100)
    link_consumers(app, consumers)
    cookie = session_cookie(client_for(app, user_key(app, consumers[0])), "/bench/layout")
    seeded = [time.perf_counter() - t0]
    small = run_http(url, cookie, workers=args.workers, seconds=args.seconds, rounds=args.rounds)
    print(json.dumps(small, ensure_ascii=False), flush=True)
    t1 = time.perf_counter()
    more = seed_accounts(app, args.small + 1, args.accounts)
    seeded.append(time.perf_counter() - t1)
    large = run_http(url, cookie, workers=args.workers, seconds=args.seconds, rounds=args.rounds)
    print(json.dumps(large, ensure_ascii=False), flush=True)
    total = {key: counts[key] + more[key] for key in counts}
    load = os.getloadavg()
    heading = (f"gunicorn, {args.workers} sync worker(s), wrk with {2 * args.workers} connections, {args.seconds} s "
               f"per page, {args.rounds} rounds (median); Kabinet and the peer (bench/billing_peer.py) in turns")
    report = "\n".join([
        f"### Страницы лицевого счета, {args.db} — {started:%Y-%m-%d %H:%M} UTC, commit {commit()}", "",
        f"Account {ACCOUNT} of a consumer with {len(LINKED)} linked accounts (bench/billing_seed.py). Seeded in "
        f"{seeded[0]:.1f} s ({counts['accounts']:,} accounts, {counts['charges']:,} charges, {counts['balances']:,} "
        f"balances, {counts['payments']:,} payments, {counts['meters']:,} meters), topped up in {seeded[1]:.1f} s to "
        f"{total['accounts']:,} accounts, {total['charges']:,} charges, {total['balances']:,} balances, "
        f"{total['payments']:,} payments, {total['meters']:,} meters. Load average at the end: {load[0]:.1f}.", "",
        f"#### {counts['charges']:,} charges — {heading}", "", table(small), "",
        f"#### {total['charges']:,} charges — {heading}", "", table(large), "",
        *growth(small, large, (counts["charges"], total["charges"])), ""])
    print(report)
    if not args.no_write:
        with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as fh:
            fh.write("\n" + report + "\n")


if __name__ == "__main__":
    main()
