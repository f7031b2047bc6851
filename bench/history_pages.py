"""«История обращений» (/my/appeals/) and «Мои документы» (/my/documents/) at 1,000,000 appeals and
1,000,000 documents beside their plain-Flask peer (bench/history_peer.py) and a hello-world —
issue 16's target: ≥ 0.8 of the peer's requests/s. Not part of the tests.

bench16 (bench/history_seed.py) served by gunicorn (sync workers) for Kabinet (bench/wsgi.py) and
for the peer, loaded by wrk page by page in turns (bench/served.py's harness), the same consumer's
session cookie for both: the first consumer, with 180 appeals and 292 documents over three years.
Before loading, each page's text is compared with its peer's (the content block, tags stripped).
The SQL statements of one request are counted in-process for both (after a warm-up request);
--explain prints EXPLAIN ANALYZE of every statement Kabinet's pages send.

    nice -n 10 .venv/bin/python bench/history_pages.py --seconds 10 --rounds 1
    nice -n 10 .venv/bin/python bench/history_pages.py --explain
"""
import argparse
import difflib
import html
import json
import os
import re
import statistics
import sys
from pathlib import Path
from urllib.parse import quote

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from billing_import import commit  # noqa: E402
from history_seed import URL, app_for  # noqa: E402
from payments_charges import fetch  # noqa: E402
from seed import client_for  # noqa: E402
from served import FLOOR, check, serve, wrk_run  # noqa: E402

#: the first consumer's user («<id>:<session version>»)
USER_KEY = "1:1"
APPEALS, APPEALS_YEAR = "История обращений (по умолчанию: 2 мес.)", "История обращений, 12 мес. (1-я стр.: 50 строк)"
DOCUMENTS, DOCUMENTS_FILTERED = "Мои документы (20 из 292)", "Мои документы: отправленные «Обращение», стр. 2"
YEAR = "?period_from={}&period_to={}&account="
FILTERED = "?direction=sent&type_name=" + quote("Обращение") + "&page=2"
#: name → (Kabinet's path, the peer's path, signed in); the year's months are filled in main()
PAGES = {
    "hello-world": ("/bench/hello", "/peer/hello", False),
    FLOOR: ("/bench/layout", "/peer/layout", True),
    APPEALS: ("/my/appeals/", "/peer/my/appeals/", True),
    APPEALS_YEAR: ("/my/appeals/" + YEAR, "/peer/my/appeals/" + YEAR, True),
    DOCUMENTS: ("/my/documents/", "/peer/my/documents/", True),
    DOCUMENTS_FILTERED: ("/my/documents/" + FILTERED, "/peer/my/documents/" + FILTERED, True),
}
CONTENT = (APPEALS, APPEALS_YEAR, DOCUMENTS, DOCUMENTS_FILTERED)


def year_pages() -> None:
    """The 12 months up to the current one (Moscow) in the year pages' paths."""
    from billing_peer import add_months, today

    last = today().replace(day=1)
    months = (f"{add_months(last, -11):%Y-%m}", f"{last:%Y-%m}")
    path, peer_path, signed_in = PAGES[APPEALS_YEAR]
    PAGES[APPEALS_YEAR] = (path.format(*months), peer_path.format(*months), signed_in)


def signed_cookie(app) -> str:
    with app.test_request_context():
        return app.session_interface.get_signing_serializer(app).dumps({"_user_id": USER_KEY, "_fresh": True})


def content_text(page: str) -> list[str]:
    """The words of the page's content block, line by line (tags stripped; Kabinet's footer cut)."""
    block = page[page.index('class="kb-page"'):].split("<footer")[0]
    words = html.unescape(re.sub(r"<[^>]+>", " ", block))
    return [" ".join(line.split()) for line in words.splitlines() if line.strip()]


def differences(kabinet: str, peer: str) -> list[str]:
    return list(difflib.unified_diff(content_text(kabinet), content_text(peer), "kabinet", "peer", n=0,
                                     lineterm=""))[:40]


def statements(app, peer_app, cookie: str, explain: bool = False) -> dict:
    """label → the SQL statements of one request (after a warm-up), Kabinet's and the peer's."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    peer = peer_app.test_client()
    peer.set_cookie("session", cookie)
    clients = {True: (client_for(app, USER_KEY), peer), False: (client_for(app, None), peer_app.test_client())}
    seen, found = [], {}

    def listener(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    for name, (path, peer_path, signed_in) in PAGES.items():
        kabinet, peer = clients[signed_in]
        for label, client, where in ((name, kabinet, path), (f"peer: {name}", peer, peer_path)):
            assert client.get(where).status_code == 200, where
            seen.clear()
            event.listen(Engine, "before_cursor_execute", listener)
            client.get(where)
            event.remove(Engine, "before_cursor_execute", listener)
            found[label] = list(seen)
    if explain:
        explain_all(app, {name: found[name] for name in CONTENT})
    return found


def cpu(app, peer_app, cookie: str, requests: int) -> dict:
    """label → the median CPU time (ms) of one request in-process, Kabinet's and the peer's: this
    process's CPU only (not PostgreSQL's), so a busy machine barely moves it."""
    import time

    peer = peer_app.test_client()
    peer.set_cookie("session", cookie)
    clients = {True: (client_for(app, USER_KEY), peer), False: (client_for(app, None), peer_app.test_client())}
    medians = {}
    for name, (path, peer_path, signed_in) in PAGES.items():
        for label, client, where in zip((name, f"peer: {name}"), clients[signed_in], (path, peer_path)):
            for _ in range(10):
                client.get(where)
            times = []
            for _ in range(requests):
                started = time.process_time()
                client.get(where)
                times.append(time.process_time() - started)
            medians[label] = round(statistics.median(times) * 1000, 2)
    return medians


def cpu_table(medians: dict) -> str:
    lines = ["| страница | CPU на запрос, мс | пир: CPU, мс | пир / Kabinet |", "|---|---|---|---|"]
    for name in PAGES:
        ours, peer = medians[name], medians[f"peer: {name}"]
        lines.append(f"| {name} | {ours} | {peer} | **{peer / ours:.2f}** |")
    return "\n".join(lines)


def explain_all(app, found: dict) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each statement Kabinet's content pages sent, with its parameters."""
    from app.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        for name, sent in found.items():
            print(f"\n==== {name}: {len(sent)} statements")
            for statement, parameters in sent:
                print("\n--", " ".join(statement.split())[:600], "\n-- parameters:", parameters)
                with raw.cursor() as cur:
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                    print("\n".join(row[0] for row in cur.fetchall()))
            raw.rollback()


def load(kabinet: str, peer: str, cookie: str, args) -> tuple[dict, dict, list]:
    """Every page from Kabinet, then from the peer, in turns, --rounds times: medians, sizes, text diffs."""
    targets, sizes, diff = {}, {}, []
    for name, (path, peer_path, signed_in) in PAGES.items():
        who = cookie if signed_in else None
        for label, base, where in ((name, kabinet, path), (f"peer: {name}", peer, peer_path)):
            check(base, where, who)
            sizes[label] = len(fetch(base + where, who).encode())
            targets[label] = (base + where, who)
        if name in CONTENT:
            diff += [f"{name}:"] + differences(fetch(*targets[name]), fetch(*targets[f"peer: {name}"]))
    for url, who in targets.values():
        wrk_run(url, who, 2, 2 * args.workers)  # warm-up
    runs = {label: [] for label in targets}
    for _ in range(args.rounds):
        for label, (url, who) in targets.items():
            runs[label].append(wrk_run(url, who, args.seconds, 2 * args.workers))
    results = {label: {k: round(statistics.median(r[k] for r in samples), 2) for k in samples[0]}
               for label, samples in runs.items()}
    return results, sizes, [line for line in diff if not line.endswith(":")] and diff


def table(results: dict, sizes: dict, sql: dict) -> str:
    hello = results["hello-world"]["rps"]
    lines = ["| страница | запросов/с | p50, мс | p99, мс | байт | SQL | пир: запросов/с | пир: p50, мс | пир: p99, мс "
             "| пир: байт | пир: SQL | доля от пира | доля от hello-world |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name in PAGES:
        r, p, peer = results[name], results[f"peer: {name}"], f"peer: {name}"
        lines.append(f"| {name} | {r['rps']} | {r['p50_ms']} | {r['p99_ms']} | {sizes[name]} | {len(sql[name])} "
                     f"| {p['rps']} | {p['p50_ms']} | {p['p99_ms']} | {sizes[peer]} | {len(sql[peer])} "
                     f"| **{r['rps'] / p['rps']:.2f}** | {r['rps'] / hello:.2f} |")
    return "\n".join(lines)


def sql_lines(sql: dict) -> list[str]:
    """Each content page's statements, shortened to what they read."""
    lines = []
    for name in CONTENT:
        for label in (name, f"peer: {name}"):
            shown = ["`" + " ".join(s.split())[:90] + "…`" for s, _params in sql[label]]
            lines.append(f"- {label}: {len(shown)} — " + "; ".join(shown))
    return lines


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers (wrk: two connections each)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--explain", action="store_true", help="only the statements and their plans")
    parser.add_argument("--cpu", type=int, metavar="N", help="only the median CPU of N requests per page, in-process")
    parser.add_argument("--write", action="store_true", help="append the report to bench/RESULTS.md")
    return parser.parse_args()


def main():
    args = arguments()
    year_pages()
    app = app_for()
    cookie = signed_cookie(app)
    os.environ["KABINET_BENCH_DATABASE_URL"] = URL
    from history_peer import app as peer_app

    sql = statements(app, peer_app, cookie, explain=args.explain)
    if args.explain:
        return
    if args.cpu:
        return print(cpu_table(cpu(app, peer_app, cookie, args.cpu)))
    (kab_server, kabinet), (peer_server, peer) = serve("wsgi", URL, args.workers), serve("history_peer", URL,
                                                                                          args.workers)
    try:
        results, sizes, diff = load(kabinet, peer, cookie, args)
    finally:
        for server in (kab_server, peer_server):
            server.terminate()
            server.wait(timeout=30)
    print(json.dumps(results, ensure_ascii=False), flush=True)
    report = "\n".join([
        f"#### bench16, commit {commit()}: gunicorn {args.workers} sync worker(s) per app, wrk {2 * args.workers} "
        f"connections, {args.seconds} s per page, {args.rounds} round(s); load average {os.getloadavg()[0]:.1f}; "
        f"text {'the same as the peer' if not diff else 'DIFFERS (below)'}", "",
        table(results, sizes, sql), "", *sql_lines(sql), "", *diff])
    print(report)
    if args.write:
        with open(BENCH / "RESULTS.md", "a", encoding="utf-8") as fh:
            fh.write("\n" + report + "\n")


if __name__ == "__main__":
    main()
