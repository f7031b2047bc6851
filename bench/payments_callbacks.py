"""Provider callbacks of issue 15 over HTTP — not part of the tests.

Kabinet (bench/wsgi.py's app) on bench15 (bench/payments_seed.py) served by gunicorn (sync
workers), and signed sandbox notifications (workflows/payments/providers/sandbox.notification +
sign, as the sandbox sends them) POSTed to /payments/callback/sandbox by `--connections` client
threads (a new connection per request: gunicorn's sync workers close it after each answer):

- distinct: `--distinct` pending payments, each told «succeeded» once;
- replay: one payment, the same signed «succeeded» notification (one event id) `--duplicates` times;
- resent: one payment, «succeeded» `--duplicates` times, each with an event id of its own (a
  provider that sends again after a timeout).

Afterwards, in the database: for each payment, its PaymentEvent rows into succeeded and its
billing export items (kind «payments») — exactly one each is the target.

    nice -n 10 .venv/bin/python bench/payments_callbacks.py --workers 2 --connections 4
"""
import argparse
import http.client
import json
import statistics
import sys
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from payments_seed import URL, app_for  # noqa: E402
from served import serve  # noqa: E402

PATH = "/payments/callback/sandbox"


def make_payments(app, count: int, tag: str) -> list[int]:
    """`count` pending sandbox payments of the first linked consumer (one part each, account 1)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import AccountLink, Supplier
    from app.models.payments import Payment, PaymentMethod, PaymentPart, PaymentState

    with app.app_context():
        link = db.session.scalar(select(AccountLink).where(AccountLink.account_id == 1).order_by(AccountLink.id))
        supplier = db.session.scalar(select(Supplier.id).where(Supplier.code == "ES"))
        payments = [Payment(consumer_id=link.consumer_id, provider="sandbox", method=PaymentMethod.CARD,
                            state=PaymentState.PENDING, amount=Decimal("1234.56"),
                            idempotency_key=f"bench-{tag}-{n}", provider_payment_id=f"sbx-bench-{tag}-{n}")
                    for n in range(count)]
        db.session.add_all(payments)
        db.session.flush()
        db.session.add_all(PaymentPart(payment_id=p.id, account_id=1, supplier_id=supplier, amount=p.amount)
                           for p in payments)
        db.session.commit()
        return [p.id for p in payments]


def signed(app, payment_ids: list[int], *, event_id: str | None = None) -> list[tuple[bytes, str]]:
    """(body, signature) of a «succeeded» notification per payment id."""
    from app.extensions import db
    from app.models.payments import Payment, PaymentState
    from workflows.payments.providers import sandbox

    with app.app_context():
        out = []
        for payment_id in payment_ids:
            body = sandbox.notification(db.session.get(Payment, payment_id), PaymentState.SUCCEEDED,
                                        event_id=event_id)
            out.append((body, sandbox.sign(body)))
        return out


def post_all(base: str, requests: list[tuple[bytes, str]], connections: int) -> dict:
    """POST every (body, signature) by `connections` threads; rate, latencies, statuses."""
    host, port = base.removeprefix("http://").split(":")
    latencies, statuses, lock, queue = [], {}, threading.Lock(), list(reversed(requests))

    def worker():
        from workflows.payments.providers.sandbox import SIGNATURE_HEADER

        while True:
            with lock:
                if not queue:
                    return
                body, signature = queue.pop()
            t0 = time.perf_counter()
            conn = http.client.HTTPConnection(host, int(port), timeout=60)
            conn.request("POST", PATH, body, {"Content-Type": "application/json", SIGNATURE_HEADER: signature})
            response = conn.getresponse()
            answer = response.read()
            try:
                outcome = json.loads(answer).get("outcome")
            except ValueError:  # the boundary's page (409: a concurrent move of the same payment)
                outcome = "не JSON"
            conn.close()
            with lock:
                latencies.append(time.perf_counter() - t0)
                key = f"{response.status} {outcome}"
                statuses[key] = statuses.get(key, 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - t0
    latencies.sort()
    return {"requests": len(requests), "seconds": round(seconds, 2), "rps": round(len(requests) / seconds, 1),
            "p50_ms": round(statistics.median(latencies) * 1000, 1),
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1), "answers": statuses}


def credits(app, payment_ids: list[int]) -> dict:
    """How many PaymentEvent rows into succeeded and billing export items each payment has."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models.billing.exchange import ExportItem
    from app.models.payments import Payment, PaymentEvent, PaymentState

    with app.app_context():
        events = dict(db.session.execute(
            select(PaymentEvent.payment_id, func.count()).where(PaymentEvent.payment_id.in_(payment_ids),
                                                                PaymentEvent.to_state == PaymentState.SUCCEEDED)
            .group_by(PaymentEvent.payment_id)).all())
        exported = {}
        for (payload,) in db.session.execute(select(ExportItem.payload).where(ExportItem.kind == "payments")):
            if payload.get("payment_id") in events or payload.get("payment_id") in payment_ids:
                exported[payload["payment_id"]] = exported.get(payload["payment_id"], 0) + 1
        states = dict(db.session.execute(select(Payment.state, func.count()).where(Payment.id.in_(payment_ids))
                                         .group_by(Payment.state)).all())
    per = [(events.get(i, 0), exported.get(i, 0)) for i in payment_ids]
    return {"payments": len(payment_ids), "states": states,
            "exactly_one_event": sum(e == 1 for e, _ in per), "exactly_one_export": sum(x == 1 for _, x in per),
            "events_total": sum(e for e, _ in per), "exports_total": sum(x for _, x in per)}


def profile(app, count: int) -> None:
    """In-process (werkzeug test client): the SQL statements of one distinct callback, then a
    cProfile of `count` of them, by cumulative time."""
    import cProfile
    import pstats

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from workflows.payments.providers.sandbox import SIGNATURE_HEADER

    requests = signed(app, make_payments(app, count + 1, uuid.uuid4().hex[:8] + "p"))
    client = app.test_client()

    def post(body, signature):
        answer = client.post(PATH, data=body, headers={"Content-Type": "application/json",
                                                        SIGNATURE_HEADER: signature})
        assert answer.status_code == 200, answer.get_data(as_text=True)[:300]

    seen = []
    listener = lambda *args: seen.append(" ".join(args[2].split())[:100])  # noqa: E731
    event.listen(Engine, "before_cursor_execute", listener)
    post(*requests[0])
    event.remove(Engine, "before_cursor_execute", listener)
    print(f"{len(seen)} SQL statements for one distinct callback:", *seen, sep="\n  ")
    profiler = cProfile.Profile()
    profiler.enable()
    for body, signature in requests[1:]:
        post(body, signature)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--distinct", type=int, default=1000)
    parser.add_argument("--duplicates", type=int, default=1000)
    parser.add_argument("--profile", type=int, metavar="N", help="only an in-process profile of N callbacks")
    args = parser.parse_args()
    app = app_for()
    if args.profile:
        return profile(app, args.profile)
    tag = uuid.uuid4().hex[:8]
    distinct = make_payments(app, args.distinct, tag + "d")
    replay_id, resent_id = make_payments(app, 2, tag + "x")
    cases = {
        "разные платежи": (distinct, signed(app, distinct)),
        "повтор одного уведомления (один event_id)": ([replay_id], signed(app, [replay_id]) * args.duplicates),
        "повторная отправка (новый event_id каждый раз)": (
            [resent_id], [signed(app, [resent_id])[0] for _ in range(args.duplicates)]),
    }
    server, base = serve("wsgi", URL, args.workers)
    results = {}
    try:
        warm = make_payments(app, 20, tag + "w")
        post_all(base, signed(app, warm), args.connections)
        for name, (ids, requests) in cases.items():
            results[name] = {**post_all(base, requests, args.connections), **credits(app, ids)}
            print(name, json.dumps(results[name], ensure_ascii=False), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = ["| уведомления | запросов | уведомлений/с | p50, мс | p99, мс | ответы | платежей | в succeeded "
             "| событий succeeded (ровно одно у платежей) | выгрузок payments (ровно одна у платежей) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(r["answers"].items()))
        lines.append(f"| {name} | {r['requests']} | {r['rps']} | {r['p50_ms']} | {r['p99_ms']} | {answers} | "
                     f"{r['payments']} | {r['states'].get('succeeded', 0)} | {r['events_total']} "
                     f"({r['exactly_one_event']}) | {r['exports_total']} ({r['exactly_one_export']}) |")
    print(f"gunicorn {args.workers} sync workers, {args.connections} client threads")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
