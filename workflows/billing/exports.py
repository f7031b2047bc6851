"""The export stream to the billing system (D1): what the portal has to tell the billing —
readings submitted, data-change statements, appeals and payments.

A change calls `record()` in its own transaction, so an export item exists exactly when the
change committed.
"""
from app.extensions import db
from app.models import ExportItem
from app.models.billing import EXPORT_KIND_LABELS


def record(kind: str, payload: dict) -> ExportItem:
    """Queue one row for the billing system; flushes, the caller's transaction commits it."""
    if kind not in EXPORT_KIND_LABELS:
        raise ValueError(f"unknown export kind {kind!r}")
    item = ExportItem(kind=kind, payload=payload)
    db.session.add(item)
    db.session.flush()
    return item
