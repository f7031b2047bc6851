"""The monthly receipt mailing of issue 15 (workflows/payments/mailing.run_mailing, which renders
each account's PDF with workflows/payments/receipts.render_receipt_pdf) — not part of the tests.

On bench15 (bench/payments_seed.py: 100,000 accounts, 3,600,000 charges), each run in a child
process of its own so its peak memory (VmHWM) is the run's: the electronic receipt switched on
for N accounts (consumers of bench/payments_seed.py's MAIL_FIRST.., nobody else), a ReceiptRun of
a month none of them was mailed for, and run_mailing(run_id) called as the job is (in-process, no
Redis: the outbox delivers each batch's emails inline after its commit, MAIL_BACKEND=file).
Where the time goes: the functions below are wrapped and every moment is counted to the innermost
one running (SQL: from before to after cursor execute), so the parts add up to the run.

    nice -n 10 .venv/bin/python bench/payments_mailing.py --sizes 500,2000

Prints JSON per run and the table of bench/RESULTS.md's payments section.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from billing_data import month_of  # noqa: E402
from billing_seed import MONTHS  # noqa: E402
from payments_seed import MAIL_FIRST, app_for  # noqa: E402

WORK = Path("/tmp/bench15-mailing")
OTHER = "прочее (ORM, outbox, транзакции)"


def vm(field: str) -> int:
    """VmHWM / VmRSS of this process, kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class Clock:
    """Self time by label: each moment goes to the innermost label running."""

    def __init__(self):
        self.stack, self.totals, self.calls, self.last = [OTHER], defaultdict(float), defaultdict(int), None
        self.on = False

    def start(self):
        self.last, self.on = time.perf_counter(), True

    def stop(self) -> dict:
        self.totals[self.stack[-1]] += time.perf_counter() - self.last
        self.on = False
        return dict(self.totals)

    def push(self, label):
        if not self.on:
            return
        now = time.perf_counter()
        self.totals[self.stack[-1]] += now - self.last
        self.last = now
        self.stack.append(label)
        self.calls[label] += 1

    def pop(self):
        if not self.on:
            return
        now = time.perf_counter()
        self.totals[self.stack.pop()] += now - self.last
        self.last = now

    def wrap(self, owner, name, label):
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            self.push(label)
            try:
                return original(*args, **kwargs)
            finally:
                self.pop()

        setattr(owner, name, timed)


def instrument(clock: Clock) -> None:
    import weasyprint
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from weasyprint.document import Document

    from app.core.notifications import outbox
    from workflows.payments import mailing, qr, receipts

    clock.wrap(weasyprint.HTML, "__init__", "WeasyPrint: разбор HTML")
    clock.wrap(weasyprint.HTML, "render", "WeasyPrint: верстка (layout)")
    clock.wrap(Document, "write_pdf", "WeasyPrint: запись PDF")
    clock.wrap(qr, "png", "QR (segno, PNG)")
    clock.wrap(qr, "payload", "QR (текст ГОСТ)")
    clock.wrap(receipts, "render_template", "шаблон квитанции (Jinja)")
    clock.wrap(mailing, "store_bytes", "сохранение PDF (файл)")
    clock.wrap(outbox, "deliver_outbox_message", "доставка письма (outbox, MAIL_BACKEND=file)")
    event.listen(Engine, "before_cursor_execute", lambda *a: clock.push("SQL (все запросы)"))
    event.listen(Engine, "after_cursor_execute", lambda *a: clock.pop())


def child(size: int, month_index: int) -> dict:
    """One run: the receipt switched on for `size` accounts, the month mailed; the figures."""
    from sqlalchemy import func, select, text

    from app.extensions import db
    from app.models.payments import ReceiptRun, ReceiptRunState, ReceiptSending
    from workflows.payments.mailing import run_mailing

    app = app_for(MAIL_BACKEND="file", OUTBOX_DIR=str(WORK / "outbox"), UPLOAD_DIR=str(WORK / "uploads"),
                  RECEIPT_MAILING_THREAD=False)
    month = month_of(month_index)
    with app.app_context():
        db.session.execute(text("UPDATE account_link SET receipt_electronic = (account_id BETWEEN :a AND :b "
                                "AND id >= 1000)"), {"a": MAIL_FIRST, "b": MAIL_FIRST + size - 1})
        db.session.execute(text("DELETE FROM receipt_sending WHERE month = :m"), {"m": month})  # an earlier run's
        run = ReceiptRun(month=month, state=ReceiptRunState.QUEUED)
        db.session.add(run)
        db.session.commit()
        run_id = run.id
        before = {"hwm_kb": vm("VmHWM"), "rss_kb": vm("VmRSS")}
        clock = Clock()
        instrument(clock)
        clock.start()
        t0 = time.perf_counter()
        run_mailing(run_id)
        seconds = time.perf_counter() - t0
        totals = clock.stop()
        db.session.remove()
        run = db.session.get(ReceiptRun, run_id)
        sent = db.session.scalar(select(func.count()).select_from(ReceiptSending)
                                 .where(ReceiptSending.run_id == run_id, ReceiptSending.sent.is_(True)))
        return {"size": size, "month": f"{month:%m.%Y}", "state": run.state, "processed": run.processed,
                "sent": run.sent, "errors": run.errors, "sendings_sent": sent, "seconds": round(seconds, 2),
                "receipts_per_s": round(run.sent / seconds, 2), "before": before,
                "after": {"hwm_kb": vm("VmHWM"), "rss_kb": vm("VmRSS")},
                "parts_s": {k: round(v, 2) for k, v in sorted(totals.items(), key=lambda kv: -kv[1])},
                "calls": dict(clock.calls)}


def table(results: list[dict], total_accounts: int) -> str:
    lines = ["| прогон | квитанций | отправлено / ошибок | время, с | квитанций/с | VmHWM до прогона, МБ "
             "| VmHWM после, МБ | 100 000 счетов (экстраполяция), ч |", "|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['month']} | {r['size']:,} | {r['sent']:,} / {r['errors']} | {r['seconds']} | "
                     f"{r['receipts_per_s']} | {r['before']['hwm_kb'] / 1024:.0f} | {r['after']['hwm_kb'] / 1024:.0f} "
                     f"| {total_accounts / r['receipts_per_s'] / 3600:.1f} |")
    last = results[-1]
    lines += ["", f"Где время ({last['size']:,} квитанций, собственное время каждой части):", "",
              "| часть | с | доля | вызовов |", "|---|---|---|---|"]
    for label, seconds in last["parts_s"].items():
        lines.append(f"| {label} | {seconds} | {seconds / last['seconds']:.0%} | {last['calls'].get(label, '—')} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="500,2000")
    parser.add_argument("--child", nargs=2, type=int, metavar=("SIZE", "MONTH_INDEX"))
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(child(*args.child), ensure_ascii=False), flush=True)
        return
    shutil.rmtree(WORK, ignore_errors=True)
    results = []
    for n, size in enumerate(int(s) for s in args.sizes.split(",")):
        out = subprocess.run([sys.executable, __file__, "--child", str(size), str(MONTHS - 1 - n)],
                             capture_output=True, text=True, env=os.environ)
        found = [line for line in out.stdout.splitlines() if line.startswith("RESULT ")]
        if not found:
            sys.exit(out.stderr[-3000:])
        results.append(json.loads(found[-1][7:]))
        print(found[-1], flush=True)
    print(table(results, 100_000))


if __name__ == "__main__":
    main()
