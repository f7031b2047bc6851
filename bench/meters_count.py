"""The count after bench/meters_submit.py: this month's readings of each phase's meters and the
export items of kind «readings» written during the run, against what the server acknowledged.
Not part of the test suite."""
import json
import os
from datetime import datetime

from sqlalchemy import text

PHASES = {"throughput": "пропускная способность: по одному POST на потребителя",
          "concurrent": "50 одновременных отправителей (замены, двойные клики)",
          "co_owners": "50 совладельцев одного счета, один прибор, один момент"}


def export_mark(app) -> int:
    """The last export item's id before the run."""
    from app.extensions import db

    with app.app_context():
        return db.session.execute(text("SELECT COALESCE(MAX(id), 0) FROM billing_export_item")).scalar()


def stored(app, month, meters: set[int], mark: int) -> tuple[list, dict]:
    """(this month's portal readings of the meters, {reading id: export items naming it})."""
    from app.extensions import db

    with app.app_context():
        rows = db.session.execute(text(
            "SELECT id, meter_id, t1, t2, superseded_at IS NULL AS live FROM meter_reading "
            "WHERE period = :month AND source IN ('consumer', 'staff') AND meter_id IN (%s)"
            % ",".join(str(m) for m in sorted(meters))), {"month": month}).all()
        exported = {}
        for (payload,) in db.session.execute(text(
                "SELECT payload FROM billing_export_item WHERE id > :mark AND kind = 'readings'"), {"mark": mark}):
            payload = json.loads(payload) if isinstance(payload, str) else payload
            exported[payload["reading_id"]] = exported.get(payload["reading_id"], 0) + 1
    return rows, exported


def check(app, phase: dict, month, mark: int) -> dict:
    """Lost, extra and live readings of a phase, and its export items, against the acknowledgements."""
    people = phase["people"]
    meters = {s.meter for s in people}
    rows, exported = stored(app, month, meters, mark)
    acked = {m: [v for s in people if s.meter == m for v in s.acked] for m in meters}
    lost = extra = wrong_live = 0
    for m in meters:
        mine = [r for r in rows if r.meter_id == m]
        lost += max(len(acked[m]) - len(mine), 0)
        extra += max(len(mine) - len(acked[m]), 0)
        live = [r for r in mine if r.live]
        if len(live) != (1 if acked[m] else 0):
            wrong_live += 1
        elif live and {"T1": int(live[0].t1), "T2": int(live[0].t2)} not in acked[m][-1:] + (
                acked[m] if len(people) > len(meters) else []):
            wrong_live += 1  # one owner: the last value acknowledged; co-owners: one of theirs
    ids = {r.id for r in rows}
    return {"stored": len(rows), "live": sum(1 for r in rows if r.live), "lost": lost, "extra": extra,
            "wrong_live": wrong_live, "exported": sum(exported.get(i, 0) for i in ids),
            "not_exported": sum(1 for i in ids if i not in exported),
            "exported_twice": sum(1 for i in ids if exported.get(i, 0) > 1)}


def report(app, args, results: dict, mark: int, month, seeded: float) -> str:
    from billing_import import commit

    lines = ["| фаза | отправителей | POST | принято | ответы | за, с | показаний/с | POST p50, мс | POST p99, мс "
             "| сохранено | живых | потеряно | лишних | живое не то | в выгрузке | не выгружено | выгружено дважды |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for key, r in results.items():
        c = check(app, r, month, mark)
        answers = ", ".join(f"{k}: {v}" for k, v in r["statuses"].most_common())
        lines.append(f"| {PHASES[key]} | {len(r['people'])} | {r['posts']} | {r['acked']} | {answers} | "
                     f"{r['wall']:.1f} | {r['rps']:.1f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {c['stored']} | "
                     f"{c['live']} | {c['lost']} | {c['extra']} | {c['wrong_live']} | {c['exported']} | "
                     f"{c['not_exported']} | {c['exported_twice']} |")
    load = os.getloadavg()
    return "\n".join([
        f"### Передача показаний по HTTP, {args.db} — {datetime.utcnow():%Y-%m-%d %H:%M} UTC, commit {commit()}", "",
        f"gunicorn, {args.workers} sync worker(s), CSRF on; {args.accounts * 30:,} readings of {args.accounts * 3:,} meters "
        f"({'reused' if args.reuse else f'seeded in {seeded:.1f} s'}); throughput: {args.threads} client "
        f"threads, forms (CSRF and form tokens) fetched before the clock starts; concurrent submitters: "
        f"{args.rounds} rounds of GET + POST each, every third form sent twice. Load average at the end: "
        f"{load[0]:.1f}.", "", *lines, ""])
