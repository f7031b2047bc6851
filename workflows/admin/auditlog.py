"""Reading the audit log (F6): search with filters, paginated; streams for export."""
from datetime import datetime, time, timedelta

from sqlalchemy import func, or_, select

from app.extensions import db
from app.models import AuditRecord

PAGE_SIZE = 50


def filtered(q=None, action=None, object_type=None, date_from=None, date_to=None):
    query = select(AuditRecord)
    if q:
        query = query.where(or_(
            text_match(AuditRecord.summary, q), text_match(AuditRecord.actor_name, q),
            text_match(AuditRecord.action, q), AuditRecord.object_id == q.strip(),
        ))
    if action:
        query = query.where(AuditRecord.action.like(f"{action.strip()}%"))
    if object_type:
        query = query.where(AuditRecord.object_type == object_type.strip())
    if date_from:
        query = query.where(AuditRecord.at >= datetime.combine(date_from, time.min))
    if date_to:
        query = query.where(AuditRecord.at < datetime.combine(date_to + timedelta(days=1), time.min))
    return query


def search(page: int = 1, **filters):
    """(records newest first, total) for one page of the list."""
    query = filtered(**filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = list(db.session.execute(
        query.order_by(AuditRecord.at.desc(), AuditRecord.id.desc())
        .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)
    ).scalars())
    return rows, total


def stream(**filters):
    """Every matching record, oldest first, fetched in batches (for CSV and JSON lines)."""
    query = filtered(**filters).order_by(AuditRecord.id)
    yield from db.session.execute(query.execution_options(yield_per=500)).scalars()


def text_match(column, text: str):
    """Case-insensitive substring match that also works for Cyrillic on SQLite, whose lower()
    only folds ASCII: the text as typed, lower-cased and capitalised."""
    text = text.strip()
    variants = {text, text.lower(), text.capitalize()}
    return or_(func.lower(column).like(f"%{text.lower()}%"), *(column.like(f"%{v}%") for v in variants))
