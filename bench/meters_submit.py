"""Submission benchmark of issue 14 — «Передать показания» POSTed over HTTP; not part of the tests.

Kabinet served by gunicorn (sync workers) on a database with 1,000,020 readings (bench/meters_seed.py),
CSRF on (KABINET_TEST_CSRF=1), each consumer a browser of their own (bench/meters_http.py):

1. Throughput: `--consumers` consumers, each linked to an account of their own, GET their form
   first (the CSRF token, the form token, what the page showed), then `--threads` client threads
   POST one reading of the consumer's electricity meter (two zones) each, as fast as the server
   answers. Readings/s = readings acknowledged (a redirect after the POST) / wall time.
2. 50 concurrent submitters: 50 more consumers with accounts of their own, started together, each
   `--rounds` times: GET the form, POST a higher reading (a replacement after the first), and
   every third time send the same form again at once (a double click: the same form token).
3. 50 co-owners of one account POST the same meter at the same moment (a barrier): one reading
   per acknowledgement, one live at the end, the others told the readings changed.

After each phase the database is counted against what was acknowledged: per meter, the readings
of this month stored = the acknowledged submissions, exactly one live, its values the last
acknowledged; export items of kind «readings» = readings stored (none lost, none twice).

    nice -n 10 .venv/bin/python bench/meters_submit.py --db postgresql
    nice -n 10 .venv/bin/python bench/meters_submit.py --db postgresql --reuse   (after meters_pages.py)
"""
import argparse
import os
import re
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
os.environ["KABINET_TEST_CSRF"] = "1"  # the served app checks CSRF tokens as in production

from meters_http import Browser, forms_of  # noqa: E402
from meters_seed import CO_OWNED_ACCOUNT, LARGE, append_results, current_month, link_submitters, meter_id, prepare  # noqa: E402
from meters_seed import signed_cookie  # noqa: E402
from served import serve  # noqa: E402

#: consumers by role in the prepared database (meters_seed.prepare): consumer [k] owns account k + 1
THROUGHPUT, CONCURRENT, CO_OWNERS = slice(100, 2100), slice(2100, 2150), slice(2150, 2200)
CHANGED = "Показания уже изменены"


def readings_path(account: int) -> str:
    return f"/personal-accounts/{account}/readings"


def zone_field(name: str, meter: int, zone: str) -> bool:
    """The field of one zone of a meter (forms/meters/submit.py:value_field)."""
    return name == f"reading-{meter}-{zone}"


def post_form(html: str, meter: int, values: dict[str, int], *, path: str) -> list[tuple[str, str]]:
    """The readings form of the page filled in for one meter: every field as rendered (hidden
    ones: CSRF token, form token, the live reading seen), the meter's zones typed, the other
    meters' left empty, no question confirmed."""
    forms = [f for f in forms_of(html) if f["method"] == "post" and any(n == "csrf_token" for n, _, _ in f["fields"])]
    form = next(f for f in forms if any(zone_field(n, meter, "T1") for n, _, _ in f["fields"]))
    pairs = []
    for name, kind, value in form["fields"]:
        if kind.endswith("-unchecked") or kind in ("submit", "file"):
            continue
        typed = next((str(v) for zone, v in values.items() if zone_field(name, meter, zone)), None)
        pairs.append((name, typed if typed is not None else value if kind in ("hidden", "checkbox") else ""))
    form["url"] = form["action"] or path
    return pairs


def previous_values(app, meter: int) -> dict[str, int]:
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context():
        t1, t2 = db.session.execute(text(
            "SELECT t1, t2 FROM meter_reading WHERE meter_id = :m AND superseded_at IS NULL "
            "ORDER BY period DESC, id DESC LIMIT 1"), {"m": meter}).one()
    return {"T1": int(t1), "T2": int(t2)}


class Submitter:
    """One consumer sending readings of one meter of their account."""

    def __init__(self, base: str, cookie: str, account: int, start: dict[str, int]):
        self.browser = Browser(base, cookie)
        self.account, self.meter, self.path = account, meter_id(account, 0), readings_path(account)
        self.start = start
        self.acked, self.statuses, self.latencies, self.pairs = [], Counter(), [], None

    def fetch(self):
        status, _, html, _ = self.browser.request("GET", self.path)
        assert status == 200, (self.path, status, html[:300])
        self.html = html

    def values(self, step: int) -> dict[str, int]:
        return {"T1": self.start["T1"] + 150 + step, "T2": self.start["T2"] + 60 + step}

    def post(self, values: dict[str, int], pairs=None) -> tuple[bool, list]:
        """POST the form; `pairs` given: the same form sent again (a double click), which stores
        nothing new whatever the answer."""
        resend = pairs is not None
        pairs = pairs or post_form(self.html, self.meter, values, path=self.path)
        status, location, body, elapsed = self.browser.request("POST", self.path, pairs)
        self.latencies.append(elapsed)
        acked = status in (302, 303) and "login" not in (location or "")
        label = "принято" if acked else CHANGED if CHANGED in body else f"HTTP {status}"
        self.statuses[f"повтор формы: {label}" if resend else label] += 1
        if acked and not resend:
            self.acked.append(values)
        return acked, pairs


def submitters(app, base: str, consumers: list[int], first_account: int) -> list[Submitter]:
    return [Submitter(base, signed_cookie(app, user), first_account + k, previous_values(app, meter_id(first_account + k, 0)))
            for k, user in enumerate(consumers)]


def run_threads(work, items, threads: int) -> float:
    """`work(item)` for every item on `threads` threads; wall seconds."""
    queue, lock = list(items), threading.Lock()

    def loop():
        while True:
            with lock:
                if not queue:
                    return
                item = queue.pop()
            work(item)

    pool = [threading.Thread(target=loop) for _ in range(threads)]
    started = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return time.perf_counter() - started


def summary(people: list[Submitter], wall: float) -> dict:
    latencies = sorted(x for s in people for x in s.latencies)
    acked = sum(len(s.acked) for s in people)
    return {"people": people, "wall": wall, "acked": acked, "posts": len(latencies), "rps": acked / wall,
            "p50_ms": 1000 * statistics.median(latencies),
            "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
            "statuses": sum((s.statuses for s in people), Counter())}


def throughput(app, base: str, consumers: list[int], threads: int) -> dict:
    """Every consumer's form fetched first; then one POST each, `threads` at a time."""
    people = submitters(app, base, consumers, THROUGHPUT.start + 1)
    run_threads(Submitter.fetch, people, threads)
    return summary(people, run_threads(lambda s: s.post(s.values(0)), people, threads))


def concurrent(app, base: str, consumers: list[int], rounds: int) -> dict:
    """Fifty submitters at once: GET, POST a higher reading; every third form sent twice."""
    people = submitters(app, base, consumers, CONCURRENT.start + 1)
    barrier = threading.Barrier(len(people))

    def work(s: Submitter):
        barrier.wait()
        for step in range(rounds):
            s.fetch()
            _, pairs = s.post(s.values(step))
            if step % 3 == 2:
                s.post(s.values(step), pairs)  # a double click: the same form token once more
    return summary(people, run_threads(work, people, len(people)))


def co_owners(app, base: str, consumers: list[int]) -> dict:
    """Fifty owners of one account send its electricity meter at the same moment."""
    start = previous_values(app, meter_id(CO_OWNED_ACCOUNT, 0))
    people = [Submitter(base, signed_cookie(app, user), CO_OWNED_ACCOUNT, start) for user in consumers]
    for s in people:
        s.fetch()
    barrier = threading.Barrier(len(people))
    steps = {id(s): k for k, s in enumerate(people)}

    def work(s: Submitter):
        barrier.wait()
        s.post(s.values(steps[id(s)]))
    return summary(people, run_threads(work, people, len(people)))


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--reuse", action="store_true", help="the database meters_pages.py left (1M readings)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--threads", type=int, default=8, help="client threads of the throughput phase")
    parser.add_argument("--consumers", type=int, default=2000, help="throughput phase: one POST each")
    parser.add_argument("--rounds", type=int, default=6, help="submissions per concurrent submitter")
    parser.add_argument("--accounts", type=int, default=LARGE, help="accounts seeded (3 meters, 30 readings each)")
    parser.add_argument("--no-write", action="store_true")
    return parser.parse_args()


def main():
    from meters_count import export_mark, report

    args = arguments()
    started = time.perf_counter()
    app, url, consumers = prepare(args.db, args.accounts, reuse=args.reuse)
    if not args.reuse:
        link_submitters(app, consumers)
    seeded = time.perf_counter() - started
    mark = export_mark(app)
    server, base = serve("wsgi", url, args.workers)
    try:
        results = {"throughput": throughput(app, base, consumers[THROUGHPUT][:args.consumers], args.threads),
                   "concurrent": concurrent(app, base, consumers[CONCURRENT], args.rounds),
                   "co_owners": co_owners(app, base, consumers[CO_OWNERS])}
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = report(app, args, results, mark, current_month(), seeded)
    print(text)
    if not args.no_write:
        append_results(text)


if __name__ == "__main__":
    main()
