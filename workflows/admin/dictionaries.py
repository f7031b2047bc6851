"""Dictionaries (F3): what may be deleted, what must be retired instead.

A row another row points at (a status with applications, a type with statuses, a
document type used by attachments …) is never deleted: the admin retires it with
«Действует» unchecked. The references are found from the schema itself, so a table
added later by any area is respected without code here.
"""
from flask_babel import gettext as _
from sqlalchemy import func, inspect, select

from app.core.errors import Conflict, Invalid
from app.extensions import db

#: how a referencing table is named in the refusal message
TABLE_LABELS = {
    "application": "заявки",
    "application_event": "история заявок",
    "application_type": "типы заявок",
    "attachment": "документы заявок",
    "form_field": "поля форм",
    "status": "статусы",
    "transition": "переходы",
    "type_document_requirement": "обязательные документы",
    "office": "офисы",
}


class InUse(Conflict):
    """Deleting was refused; `message` (also str()) is the message for the admin."""


def usages(obj) -> list[tuple[str, int]]:
    """(table label, number of rows) of every row that references `obj`."""
    from flask_appbuilder import Model

    mapper = inspect(obj).mapper
    own_table = mapper.local_table
    pk_value = inspect(obj).identity
    if not pk_value or len(pk_value) != 1:
        return []
    found = []
    for table in Model.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is not own_table:
                continue
            count = db.session.execute(
                select(func.count()).select_from(table).where(fk.parent == pk_value[0])
            ).scalar()
            # a row referencing itself (none today) does not count as use
            if count:
                found.append((TABLE_LABELS.get(table.name, table.name), count))
    return found


def ensure_deletable(obj) -> None:
    """Raise InUse with a message when `obj` is referenced anywhere."""
    used = usages(obj)
    if used:
        where = ", ".join(f"{label}: {count}" for label, count in used)
        hint = _("снимите флажок «Действует», чтобы вывести запись из употребления") if hasattr(obj, "active") else ""
        message = _("Запись используется (%(where)s) и не может быть удалена", where=where)
        raise InUse(f"{message}; {hint}" if hint else message)


def check_transition(transition) -> None:
    """Both statuses of a transition belong to its application type and differ."""
    from app.models import Status

    source = transition.from_status or db.session.get(Status, transition.from_status_id)
    target = transition.to_status or db.session.get(Status, transition.to_status_id)
    type_id = transition.application_type_id or getattr(transition.application_type, "id", None)
    if source is None or target is None:
        raise Invalid(_("Укажите оба статуса перехода"))
    if source.application_type_id != type_id or target.application_type_id != type_id:
        raise Invalid(_("Статусы перехода должны относиться к выбранному типу заявки"))
    if source.id == target.id:
        raise Invalid(_("Статус перехода «из» и «в» не может совпадать"))


def check_reading_days(branch) -> None:
    """The days of the month a branch takes meter readings are real days (1–31)."""
    for day in (branch.reading_day_from, branch.reading_day_to):
        if day is not None and not 1 <= day <= 31:
            raise Invalid(_("Число месяца должно быть от 1 до 31"))


def retire(items) -> int:
    """«Вывести из употребления»: take rows out of the choices without deleting them; returns
    how many. FAB hands an action one row or a list, None for a row that is gone."""
    rows = [item for item in (items if isinstance(items, list) else [items]) if item is not None]
    for item in rows:
        item.active = False
    db.session.flush()
    return len(rows)


def checked(item, check) -> None:
    """Run `check(item)` on a row FAB's add or edit form has filled. FAB flashes a refusal and
    returns normally; the request boundary then rolls back what the form wrote into the row
    (app.web.boundary.saves_itself)."""
    check(item)


def status_choices():
    """Every status, grouped by application type: the choices of a transition's «из»/«в»."""
    from sqlalchemy.orm import joinedload

    from app.models import Status

    return db.session.query(Status).options(joinedload(Status.application_type)).order_by(
        Status.application_type_id, Status.sort_order)
