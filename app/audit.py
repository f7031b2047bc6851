"""Writing the audit log (F6). Call record() inside the transaction of the change."""
from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from app.extensions import db
from app.models import AuditRecord


def _actor(actor):
    if actor is not None:
        return actor
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user
    return None


def record(
    action: str,
    obj: Any = None,
    *,
    summary: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
    actor=None,
    object_type: str | None = None,
    object_id: Any = None,
) -> AuditRecord:
    """Append an audit record for `action` on `obj` (flushes; the request commits)."""
    who = _actor(actor)
    entry = AuditRecord(
        action=action,
        actor_id=getattr(who, "id", None),
        actor_name=getattr(who, "display_name", None) if who is not None else None,
        ip=request.remote_addr if has_request_context() else None,
        object_type=object_type or (type(obj).__name__ if obj is not None else None),
        object_id=str(object_id if object_id is not None else getattr(obj, "id", "")) or None,
        summary=summary,
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry
