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
    """Append an audit record for `action` on `obj` (flushes; the request commits). The object
    is named in words as it is now (object_label); the changed fields of a watched object it
    explains are left out of the automatic record, so one change makes one row."""
    from app.core.audit_labels import describe

    if obj is not None and type(obj) in WATCHED:
        _explain(obj, set(before or {}) | set(after or {}))
    who = _actor(actor)
    with db.session.no_autoflush:
        label = describe(obj) if obj is not None else None
    entry = AuditRecord(
        action=action,
        actor_id=getattr(who, "id", None),
        actor_name=getattr(who, "display_name", None) if who is not None else None,
        ip=request.remote_addr if has_request_context() else None,
        object_type=object_type or (type(obj).__name__ if obj is not None else None),
        object_id=str(object_id if object_id is not None else getattr(obj, "id", "")) or None,
        object_label=label,
        summary=summary,
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry


# ---- automatic auditing of watched models (F6) ---------------------------------------
# Dictionaries, roles and user blocking change through FAB's generic CRUD, which knows
# nothing about our audit log; a before_flush listener records every insert, update and
# delete of a watched model in the same transaction, with the changed fields before/after.

import hashlib  # noqa: E402
import hmac  # noqa: E402
import json  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import date, datetime  # noqa: E402
from decimal import Decimal  # noqa: E402

from sqlalchemy import event, inspect  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

MASKED = "***"


@dataclass(frozen=True)
class Watch:
    #: the action prefix, e.g. «dictionary.status» → dictionary.status.create/update/delete
    action: str
    #: only these attributes are recorded (None = every column)
    fields: frozenset | None = None
    #: attributes whose values are never written to the log
    masked: frozenset = frozenset()


WATCHED: dict[type, Watch] = {}


def watch(model: type, action: str, *, fields=None, masked=()) -> None:
    """Audit every insert, update and delete of `model` automatically."""
    WATCHED[model] = Watch(action, frozenset(fields) if fields else None, frozenset(masked))


def to_json(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        items = [to_json(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set) else items
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if hasattr(value, "value") and isinstance(getattr(value, "value"), str):  # enums
        return value.value
    return str(value)


#: bookkeeping columns that say nothing an admin needs in the log
SKIPPED = frozenset({"created_at", "updated_at", "changed_on", "created_on"})


def _references(mapper) -> dict[str, Any]:
    """Foreign-key attribute → its many-to-one relationship: the log names the row it points
    to («from_status»: «Черновик»), never its id («from_status_id»: 2)."""
    refs = {}
    for rel in mapper.relationships:
        if rel.direction.name != "MANYTOONE" or len(rel.local_columns) != 1:
            continue
        column = next(iter(rel.local_columns))
        for prop in mapper.column_attrs:
            if column in prop.columns:
                refs.setdefault(prop.key, rel)
    return refs


def _keys(obj, spec: Watch) -> list[tuple[str, Any]]:
    """(attribute, its many-to-one relationship or None) of every recorded field."""
    mapper = inspect(obj).mapper
    if spec.fields is not None:
        return [(key, None) for key in mapper.attrs.keys() if key in spec.fields]
    refs = _references(mapper)
    return [(attr.key, refs.get(attr.key)) for attr in mapper.column_attrs if attr.key not in SKIPPED]


def _value(spec: Watch, key: str, value: Any) -> Any:
    if key in spec.masked:
        return MASKED if value not in (None, "") else value
    return to_json(value)


def _named(related) -> str | None:
    from app.core.audit_labels import name_of

    return name_of(related) or None if related is not None else None


def _row(obj, spec: Watch) -> dict:
    values = {}
    for key, rel in _keys(obj, spec):
        if key == "id":  # already the record's object_id
            continue
        if rel is not None:
            values[rel.key] = _named(getattr(obj, rel.key))
            continue
        value = getattr(obj, key)
        if isinstance(value, (list, set)) and value and hasattr(next(iter(value)), "_sa_instance_state"):
            value = sorted(str(v) for v in value)
        values[key] = _value(spec, key, value)
    return values


def _reference_change(session: Session, state, key: str, rel) -> tuple | None:
    """(old name, new name) of a reference changed by id or by object, or None."""
    column, link = state.attrs[key].history, state.attrs[rel.key].history
    if not (column.has_changes() or link.has_changes()):
        return None
    target = rel.mapper.class_
    old_id = (column.deleted or column.unchanged or [None])[0]
    old = link.deleted[0] if link.deleted else (session.get(target, old_id) if old_id is not None else None)
    if link.added:
        new = link.added[0]
    elif column.added and column.added[0] is not None:
        new = session.get(target, column.added[0])
    else:
        new = None
    return None if new is old else (_named(old), _named(new))


def _changes(session: Session, obj, spec: Watch) -> tuple[dict, dict]:
    state = inspect(obj)
    before, after = {}, {}
    for key, rel in _keys(obj, spec):
        if rel is not None:
            change = _reference_change(session, state, key, rel)
            if change is not None:
                before[rel.key], after[rel.key] = change
            continue
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        attr = state.mapper.attrs[key]
        if hasattr(attr, "direction"):  # relationship: old and new collections
            new = list(history.unchanged) + list(history.added)
            old = list(history.unchanged) + list(history.deleted)
            before[key] = _value(spec, key, sorted(str(v) for v in old))
            after[key] = _value(spec, key, sorted(str(v) for v in new))
        else:
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if to_json(old) == to_json(new):
                continue
            before[key], after[key] = _value(spec, key, old), _value(spec, key, new)
    return before, after


_EXPLAINED = "kabinet_audit_explained"


def _explain(obj, keys: set) -> None:
    """An explicit record() covers these fields of `obj`: the watcher leaves them out."""
    explained = db.session.info.setdefault(_EXPLAINED, {})
    explained.setdefault(inspect(obj), set()).update(keys)


def _record_watched(session: Session, obj, kind: str) -> None:
    from app.core.audit_labels import describe

    spec = WATCHED.get(type(obj))
    if spec is None:
        return
    state = inspect(obj)
    if kind == "update":
        before, after = _changes(session, obj, spec)
        for key in session.info.get(_EXPLAINED, {}).get(state, ()):
            before.pop(key, None)
            after.pop(key, None)
        if not after and not before:
            return
    elif kind == "create":
        before, after = None, {k: v for k, v in _row(obj, spec).items() if v not in (None, "", [])}
    else:
        before, after = _row(obj, spec), None
    ident = state.identity[0] if state.identity and len(state.identity) == 1 else (
        "/".join(str(v) for v in state.identity) if state.identity else None)
    who = _actor(None)
    session.add(AuditRecord(
        action=f"{spec.action}.{kind}",
        actor_id=getattr(who, "id", None),
        actor_name=getattr(who, "display_name", None) if who is not None else None,
        ip=request.remote_addr if has_request_context() else None,
        object_type=type(obj).__name__,
        object_id=str(ident) if ident is not None else None,
        object_label=describe(obj),
        before=before,
        after=after,
    ))


_PENDING_NEW = "kabinet_audit_new"


@event.listens_for(Session, "before_flush")
def _audit_before_flush(session: Session, flush_context, instances) -> None:
    if not WATCHED:
        return
    with session.no_autoflush:
        for obj in list(session.dirty):
            if type(obj) in WATCHED and session.is_modified(obj):
                _record_watched(session, obj, "update")
        for obj in list(session.deleted):
            if type(obj) in WATCHED:
                _record_watched(session, obj, "delete")
        new = [obj for obj in session.new if type(obj) in WATCHED]
    if new:
        # new rows get their ids in this flush: record them right after it
        session.info.setdefault(_PENDING_NEW, []).extend(new)


@event.listens_for(Session, "after_flush_postexec")
def _audit_after_flush(session: Session, flush_context) -> None:
    session.info.pop(_EXPLAINED, None)
    new = session.info.pop(_PENDING_NEW, None)
    if new:
        with session.no_autoflush:
            for obj in new:
                _record_watched(session, obj, "create")


# ---- export and verification -------------------------------------------------------

GENESIS = "0" * 64
EXPORT_FIELDS = ("id", "at", "actor_id", "actor_name", "ip", "action", "object_type", "object_id",
                 "object_label", "summary", "before", "after")


def _chain_key() -> bytes:
    from flask import current_app

    return hmac.new(current_app.config["SECRET_KEY"].encode(), b"kabinet-audit-export", hashlib.sha256).digest()


def _canonical(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _link(prev: str, data: dict) -> str:
    return hmac.new(_chain_key(), prev.encode() + b"\n" + _canonical(data), hashlib.sha256).hexdigest()


def export_row(entry: AuditRecord) -> dict:
    return {name: to_json(getattr(entry, name)) for name in EXPORT_FIELDS}


def export_chain(entries) -> Any:
    """Yield JSON lines: each record carries the hash of the previous one (HMAC-SHA256 with
    a key derived from SECRET_KEY), and a closing seal counts them, so an edited, removed,
    reordered or appended line is detected by verify_chain()."""
    prev, count = GENESIS, 0
    for entry in entries:
        data = {"type": "record", **export_row(entry), "prev": prev}
        prev = _link(prev, data)
        count += 1
        yield json.dumps({**data, "hash": prev}, ensure_ascii=False, sort_keys=True) + "\n"
    seal = {"type": "seal", "count": count, "prev": prev}
    yield json.dumps({**seal, "hash": _link(prev, seal)}, ensure_ascii=False, sort_keys=True) + "\n"


class ChainBroken(ValueError):
    """The export was changed; str() says at which line."""


def verify_chain(lines) -> int:
    """Check an exported chain; returns the number of records or raises ChainBroken."""
    prev, count, sealed = GENESIS, 0, False
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if sealed:
            raise ChainBroken(f"строка {number}: данные после завершающей записи")
        try:
            data = json.loads(line)
        except ValueError:
            raise ChainBroken(f"строка {number}: не JSON") from None
        claimed = data.pop("hash", None)
        if data.get("prev") != prev:
            raise ChainBroken(f"строка {number}: нарушена цепочка (строка удалена, вставлена или переставлена)")
        if not isinstance(claimed, str) or not hmac.compare_digest(_link(prev, data), claimed):
            raise ChainBroken(f"строка {number}: хеш не совпадает (строка изменена)")
        prev = claimed
        if data.get("type") == "seal":
            if data.get("count") != count:
                raise ChainBroken(f"строка {number}: число записей не совпадает")
            sealed = True
        else:
            count += 1
    if not sealed:
        raise ChainBroken("нет завершающей записи: файл обрезан")
    return count
