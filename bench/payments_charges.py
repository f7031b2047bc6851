"""«Начисления и оплаты» (/personal-accounts/<id>/charges, workflows/payments/charges.py) at
3,600,000 charges beside its plain-Flask peer (bench/payments_peer.py) and a hello-world —
issue 15's page target: ≥ 0.8 of the peer's requests/s. Not part of the tests.

bench15 (bench/payments_seed.py) served by gunicorn (sync workers) for Kabinet (bench/wsgi.py)
and for the peer, loaded by wrk page by page in turns (bench/served.py's harness), the same
consumer's session cookie for both; the page is «Все события» of account 2 (and of account 1,
see BUSY) for a full year of its history (period_from/period_to given: the default period ends
at the month before today, after the seeded history). Before loading, both pages' text is
compared (the content block, tags stripped): the same rows and words, or the run says where they
differ.

    nice -n 10 .venv/bin/python bench/payments_charges.py --workers 1 --seconds 10 --rounds 1
"""
import argparse
import difflib
import html
import json
import re
import statistics
import sys
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from billing_seed import LINKED, user_key  # noqa: E402
from payments_seed import URL, app_for  # noqa: E402
from seed import client_for  # noqa: E402
from served import FLOOR, check, serve, session_cookie, wrk_run  # noqa: E402

#: account 2: a year of history, none of the portal's own payments; account 1 also lists every payment
#: bench/payments_callbacks.py made succeed on it, «в обработке» (the billing has not confirmed them)
ACCOUNT, BUSY = LINKED[1], LINKED[0]
QUERY = "?tab=events&period_from=2025-01&period_to=2025-12&supplier="
PAGE = "Начисления и оплаты (все события, 12 мес.)"
BUSY_PAGE = "то же, счет с платежами «в обработке»"
#: name → (Kabinet's path, the peer's path, signed in)
PAGES = {
    "hello-world": ("/bench/hello", "/peer/hello", False),
    FLOOR: ("/bench/layout", "/peer/layout", True),
    PAGE: (f"/personal-accounts/{ACCOUNT}/charges{QUERY}", f"/peer/personal-accounts/{ACCOUNT}/charges{QUERY}", True),
    BUSY_PAGE: (f"/personal-accounts/{BUSY}/charges{QUERY}", f"/peer/personal-accounts/{BUSY}/charges{QUERY}", True),
}


def processing_rows() -> dict:
    """The portal's succeeded payments not confirmed by the billing, per account of the pages."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(URL)
    with engine.connect() as conn:
        rows = conn.execute(sqlalchemy.text(
            "SELECT pp.account_id, count(*) FROM payment_part pp JOIN payment p ON p.id = pp.payment_id "
            "WHERE p.state = 'succeeded' AND p.billing_confirmed_at IS NULL AND pp.account_id IN (:a, :b) "
            "GROUP BY pp.account_id"), {"a": ACCOUNT, "b": BUSY}).all()
    engine.dispose()
    return dict(rows)


def fetch(url: str, cookie: str | None) -> str:
    request = urllib.request.Request(url, headers={"Cookie": f"session={cookie}"} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode()


def content_text(page: str) -> list[str]:
    """The words of the page's content block, line by line (tags stripped)."""
    block = page[page.index('data-test="charges"'):]
    block = block.split("<footer")[0]  # Kabinet's layout has a footer, the peer's none
    words = html.unescape(re.sub(r"<[^>]+>", " ", block))
    return [" ".join(line.split()) for line in words.splitlines() if line.strip()]


def same_page(kabinet: str, peer: str) -> list[str]:
    a, b = content_text(kabinet), content_text(peer)
    return [line for line in difflib.unified_diff(a, b, "kabinet", "peer", n=0, lineterm="")][:40]


def statements(app, key: str) -> dict:
    """SQL statements of one request of Kabinet's page (in-process, after a warm-up request)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    seen, counts = [], {}
    client = client_for(app, key)
    for name, (path, _peer, signed_in) in PAGES.items():
        client.get(path)
        seen.clear()
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(Engine, "before_cursor_execute", listener)
        client.get(path)
        event.remove(Engine, "before_cursor_execute", listener)
        counts[name] = len(seen)
    return counts


def profile(app, key: str, count: int, busy: bool) -> None:
    """cProfile of `count` requests of Kabinet's page in-process (werkzeug test client): where its
    time goes, by cumulative time."""
    import cProfile
    import pstats

    client = client_for(app, key)
    path = PAGES[BUSY_PAGE if busy else PAGE][0]
    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        client.get(path)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


def table(results: dict, sizes: dict, sql: dict) -> str:
    hello = results["hello-world"]["rps"]
    lines = ["| страница | запросов/с | p50, мс | p99, мс | байт | SQL | пир: запросов/с | пир: p50, мс | пир: p99, мс "
             "| пир: байт | доля от пира | доля от hello-world |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name in PAGES:
        r, p = results[name], results[f"peer: {name}"]
        lines.append(f"| {name} | {r['rps']} | {r['p50_ms']} | {r['p99_ms']} | {sizes[name]} | {sql[name]} "
                     f"| {p['rps']} | {p['p50_ms']} | {p['p99_ms']} | {sizes['peer: ' + name]} "
                     f"| **{r['rps'] / p['rps']:.2f}** | {r['rps'] / hello:.2f} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers (wrk: two connections each)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--profile", type=int, metavar="N", help="only a cProfile of N requests of the page")
    parser.add_argument("--busy", action="store_true", help="profile the account with payments «в обработке»")
    args = parser.parse_args()
    app = app_for()
    key = user_key(app, 1)
    if args.profile:
        return profile(app, key, args.profile, args.busy)
    cookie = session_cookie(client_for(app, key), "/bench/layout")
    (kab_server, kabinet), (peer_server, peer) = serve("wsgi", URL, args.workers), serve("payments_peer", URL,
                                                                                          args.workers)
    targets, sizes = {}, {}
    try:
        for name, (path, peer_path, signed_in) in PAGES.items():
            who = cookie if signed_in else None
            for label, base, where in ((name, kabinet, path), (f"peer: {name}", peer, peer_path)):
                check(base, where, who)
                sizes[label] = len(fetch(base + where, who).encode())
                targets[label] = (base + where, who)
        diff = []
        for name in (PAGE, BUSY_PAGE):
            diff += same_page(fetch(targets[name][0], cookie), fetch(targets[f"peer: {name}"][0], cookie))
        print("same text" if not diff else "\n".join(diff), flush=True)
        for url, who in targets.values():
            wrk_run(url, who, 2, 2 * args.workers)  # warm-up
        runs = {label: [] for label in targets}
        for _ in range(args.rounds):
            for label, (url, who) in targets.items():
                runs[label].append(wrk_run(url, who, args.seconds, 2 * args.workers))
    finally:
        for server in (kab_server, peer_server):
            server.terminate()
            server.wait(timeout=30)
    results = {label: {k: round(statistics.median(r[k] for r in samples), 2) for k in samples[0]}
               for label, samples in runs.items()}
    print(json.dumps(results, ensure_ascii=False), flush=True)
    sql = statements(app, key)
    print(f"«в обработке» rows by account: {processing_rows()}")
    print(f"gunicorn {args.workers} sync worker(s) per app, wrk {2 * args.workers} connections, {args.seconds} s "
          f"per page, {args.rounds} round(s); text {'the same' if not diff else 'DIFFERS'}")
    print(table(results, sizes, sql))


if __name__ == "__main__":
    main()
