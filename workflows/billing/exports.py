"""The export stream to the billing system (D1): what the portal has to tell the billing —
readings submitted, data-change statements, appeals and payments (docs/billing/export.md).

A change calls `record()` in its own transaction, so an export item exists exactly when the
change committed. Its `seq` stays NULL until an export stamps it: `stamp()` locks the kind's
ExportSequence row (SELECT … FOR UPDATE on PostgreSQL; SQLite serializes writers) and numbers
the unstamped items of that kind in id order. An item whose transaction commits after one with
a higher id is simply stamped by a later export, with a higher seq than anything read so far,
so a reader who asks for `seq > cursor` sees every item exactly once.
"""
import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, or_, select, update

from app.core.audit import record as audit
from app.core.errors import Invalid, NotFound
from app.core.exports import BOM, safe_cell
from app.core.settings import get_setting, set_setting
from app.extensions import db
from app.models import ExportItem, ExportSequence
from app.models.billing import EXPORT_KIND_LABELS

#: rows one read returns at most (API `limit`, the admin page's download)
MAX_LIMIT = 10_000
DEFAULT_LIMIT = 1_000
#: items one stamping numbers at most; the rest wait for the next read
STAMP_BATCH = 10_000
#: SettingValue key of the cursor after the last download from the admin page, per kind
CURSOR_SETTING = "billing_export_cursor_{kind}"
#: a machine number: written as it is, never prefixed against spreadsheet formulas
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
FORMATS = ("csv", "json")


def _plain(value):
    """A payload value as JSON keeps it: amounts as "1234.56", dates as ISO 8601."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def record(kind: str, payload: dict) -> ExportItem:
    """Queue one row for the billing system; flushes, the caller's transaction commits it."""
    if kind not in EXPORT_KIND_LABELS:
        raise ValueError(f"unknown export kind {kind!r}")
    item = ExportItem(kind=kind, payload=_plain(payload))
    db.session.add(item)
    db.session.flush()
    return item


def ensure_kind(kind: str) -> str:
    if kind not in EXPORT_KIND_LABELS:
        raise NotFound("Неизвестный вид выгрузки.")
    return kind


def _locked_sequence(kind: str) -> ExportSequence:
    """The kind's sequence row, created if missing, locked until the transaction ends."""
    insert = _dialect_insert()(ExportSequence).values(kind=kind, last_seq=0).on_conflict_do_nothing()
    db.session.execute(insert)
    return db.session.scalars(
        select(ExportSequence).where(ExportSequence.kind == kind)
        .with_for_update().execution_options(populate_existing=True)).one()


def _dialect_insert():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def stamp(kind: str) -> int:
    """Number the kind's unstamped items in id order (up to STAMP_BATCH); returns how many."""
    sequence = _locked_sequence(ensure_kind(kind))
    ids = db.session.scalars(select(ExportItem.id).where(ExportItem.kind == kind, ExportItem.seq.is_(None))
                             .order_by(ExportItem.id).limit(STAMP_BATCH)).all()
    if not ids:
        return 0
    first = sequence.last_seq + 1
    db.session.execute(update(ExportItem), [{"id": item_id, "seq": first + n} for n, item_id in enumerate(ids)])
    sequence.last_seq = first + len(ids) - 1
    db.session.flush()
    return len(ids)


def parse_cursor(after, limit) -> tuple[int, int]:
    """`after` and `limit` as given in a form or a query string; Invalid with the reason."""
    try:
        after = int(after if after not in (None, "") else 0)
    except (TypeError, ValueError):
        raise Invalid("Курсор должен быть целым числом не меньше 0.") from None
    try:
        limit = int(limit if limit not in (None, "") else DEFAULT_LIMIT)
    except (TypeError, ValueError):
        raise Invalid(f"Количество строк должно быть целым числом от 1 до {MAX_LIMIT}.") from None
    if after < 0:
        raise Invalid("Курсор должен быть целым числом не меньше 0.")
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"Количество строк должно быть целым числом от 1 до {MAX_LIMIT}.")
    return after, limit


def read(kind: str, after: int, limit: int) -> tuple[list[ExportItem], int]:
    """The items with seq > after, in seq order, and the cursor to ask with next time
    (`after` itself when there is nothing new). Stamps first, so nothing committed is missed."""
    stamp(kind)
    items = db.session.scalars(select(ExportItem).where(ExportItem.kind == kind, ExportItem.seq > after)
                               .order_by(ExportItem.seq).limit(limit)).all()
    return list(items), (items[-1].seq if items else after)


def waiting(kind: str, after: int) -> int:
    """How many rows of the kind a read after `after` would still give (stamped or not)."""
    return db.session.scalar(select(func.count()).select_from(ExportItem).where(
        ExportItem.kind == kind, or_(ExportItem.seq.is_(None), ExportItem.seq > after))) or 0


def item_dict(item: ExportItem) -> dict:
    return {"seq": item.seq, "created_at": item.created_at.isoformat(timespec="seconds") + "Z", **item.payload}


def as_json(items, next_cursor: int) -> dict:
    return {"items": [item_dict(item) for item in items], "next_cursor": next_cursor}


def _cell(value):
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, str) and NUMBER.match(value):
        return value
    return safe_cell(value)


def as_csv(items) -> str:
    """`;`, UTF-8 with BOM; columns seq, created_at, then the payload's keys in the order met."""
    rows = [item_dict(item) for item in items]
    header = list(dict.fromkeys(key for row in rows for key in row)) or ["seq", "created_at"]
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";")  # cells made safe by _cell, numbers left as they are
    writer.writerow(header)
    writer.writerows([_cell(row.get(key)) for key in header] for row in rows)
    return out.getvalue()


def last_download(kind: str) -> int:
    """The cursor after the last download made from the admin page (0 before the first)."""
    return int(get_setting(CURSOR_SETTING.format(kind=kind), 0) or 0)


@dataclass
class Export:
    """One download: the file's text, its media type and name, and the cursor to ask with next."""

    body: str
    media_type: str
    filename: str
    next_cursor: int
    count: int


def download(kind: str, after, limit, fmt: str, *, actor=None, token=None) -> Export:
    """An export for the admin page (remembers the cursor after it) or the API (`token`);
    every export is in the audit log."""
    ensure_kind(kind)
    after, limit = parse_cursor(after, limit)
    if fmt not in FORMATS:
        raise Invalid("Формат выгрузки: csv или json.")
    items, next_cursor = read(kind, after, limit)
    if token is None:  # the API's calls are in the log as the token's use (app/api/billing.py)
        set_setting(CURSOR_SETTING.format(kind=kind), next_cursor, actor=actor)
        audit("billing_export.download", actor=actor, object_type="ExportItem", object_id=kind,
              summary=f"{EXPORT_KIND_LABELS[kind]}: строк {len(items)} после {after}, {fmt}")
    name = f"{kind}_{after + 1}-{next_cursor}.{fmt}"
    if fmt == "json":
        body = json.dumps(as_json(items, next_cursor), ensure_ascii=False)
        return Export(body, "application/json", name, next_cursor, len(items))
    return Export(as_csv(items), "text/csv; charset=utf-8", name, next_cursor, len(items))


def overview() -> list[dict]:
    """Per kind: its name, the remembered cursor, and how many rows wait after it."""
    rows = []
    for kind, label in EXPORT_KIND_LABELS.items():
        cursor = last_download(kind)
        rows.append({"kind": kind, "label": label, "cursor": cursor, "waiting": waiting(kind, cursor)})
    return rows
