"""Where a meters page's time goes — in-process, on the database bench/meters_pages.py left
(bench14, 1,000,020 readings): per page the SQL statements of one request, and the CPU time of a
request (median of --requests), Kabinet beside its peer (bench/meters_peer.py); with --profile, the
top functions of «Передать показания» (GET and POST) by cumulative time. Not part of the tests.

    nice -n 10 .venv/bin/python bench/meters_sql.py --db postgresql [--profile]
"""
import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
os.environ["KABINET_TEST_CSRF"] = "1"

from sqlalchemy import event  # noqa: E402

from meters_http import forms_of  # noqa: E402
from meters_seed import prepare  # noqa: E402
from seed import client_for  # noqa: E402

#: an account of its own (consumer [k] owns account k + 1) whose readings are sent here
ACCOUNT = 2200 - 60
PAGES = ("meters", "meters/history", "readings")


class Statements:
    def __init__(self):
        self.count = 0

    def __call__(self, *args, **kwargs):
        self.count += 1


def peer_client(url: str, user_id: int):
    os.environ["KABINET_BENCH_DATABASE_URL"] = url
    import meters_peer

    client = meters_peer.app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = f"{user_id}:1", True
    return client, meters_peer


def measure(client, path: str, requests: int) -> float:
    times = []
    for _ in range(requests):
        started = time.process_time()
        response = client.get(path)
        times.append(time.process_time() - started)
        assert response.status_code == 200, (path, response.status_code)
    return 1000 * statistics.median(times)


def counted(engine, call) -> int:
    seen = Statements()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return seen.count


def post_readings(client, account: int, step: int):
    """GET «Передать показания», then POST the electricity meter's two zones higher than shown."""
    path = f"/personal-accounts/{account}/readings"
    html = client.get(path).get_data(as_text=True)
    meter = account * 3
    form = next(f for f in forms_of(html) if any(n == f"reading-{meter}-T1" for n, _, _ in f["fields"]))
    previous = [int(float(v)) for v in re.findall(r'data-previous="([\d.]+)"', html)[:2]]
    pairs = [(n, v) for n, k, v in form["fields"] if k == "hidden"]
    pairs += [(f"reading-{meter}-T1", str(previous[0] + 250 + step)),
              (f"reading-{meter}-T2", str(previous[1] + 100 + step))]
    response = client.post(path, data=dict(pairs))
    assert response.status_code in (302, 303), response.status_code


def growth(kind: str, requests: int) -> None:
    """CPU per request of each page at 10,020 and at 1,000,020 readings (a database of its own,
    re-created): the table size's share of a page's cost, apart from the machine's load."""
    from meters_seed import LARGE, SMALL, seed_meters

    app, url, consumers = prepare(kind, SMALL)
    kabinet = client_for(app, f"{consumers[0]}:1")
    peer, _module = peer_client(url, consumers[0])
    sizes = {}
    for label, last in (("10,020", None), ("1,000,020", LARGE)):
        if last:
            seed_meters(app, SMALL + 1, last)
        sizes[label] = {page: (measure(kabinet, f"/personal-accounts/1/{page}", requests),
                               measure(peer, f"/peer/personal-accounts/1/{page}", requests)) for page in PAGES}
    print("| страница | CPU Kabinet, мс: 10,020 → 1,000,020 | рост | CPU пир, мс: 10,020 → 1,000,020 | рост |")
    print("|---|---|---|---|---|")
    for page in PAGES:
        (a, pa), (b, pb) = sizes["10,020"][page], sizes["1,000,020"][page]
        print(f"| {page} | {a:.2f} → {b:.2f} | ×{b / a:.2f} | {pa:.2f} → {pb:.2f} | ×{pb / pa:.2f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--growth", action="store_true", help="re-create the database: 10,020 then 1,000,020 readings")
    args = parser.parse_args()
    if args.growth:
        return growth(args.db, args.requests)
    app, url, consumers = prepare(args.db, 0, reuse=True)
    user = consumers[ACCOUNT - 1]
    kabinet = client_for(app, f"{user}:1")
    peer, peer_module = peer_client(url, user)
    from app.extensions import db

    with app.app_context():
        kabinet_engine = db.engine
    print("| страница | SQL Kabinet | SQL пир | CPU Kabinet, мс | CPU пир, мс |\n|---|---|---|---|---|")
    for page in PAGES:
        path = f"/personal-accounts/{ACCOUNT}/{page}"
        ours = counted(kabinet_engine, lambda: kabinet.get(path))
        theirs = counted(peer_module.ENGINE, lambda: peer.get("/peer" + path))
        print(f"| {page} | {ours} | {theirs} | {measure(kabinet, path, args.requests):.2f} | "
              f"{measure(peer, '/peer' + path, args.requests):.2f} |")
    post = counted(kabinet_engine, lambda: post_readings(kabinet, ACCOUNT, 0))
    print(f"\nGET + POST «Передать показания» (a replacement): {post} statements")
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for step in range(1, 21):
            post_readings(kabinet, ACCOUNT, step)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
