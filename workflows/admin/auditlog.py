"""Reading the audit log (F6): search with filters, paginated; streams for export."""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from app.core.audit_labels import ACTION_LABELS, OBJECT_LABELS, action_label, object_type_label, role_name
from app.extensions import db
from app.core.formatting import format_datetime
from app.models import AuditRecord

PAGE_SIZE = 50


def filtered(q=None, action=None, object_type=None, date_from=None, date_to=None):
    query = select(AuditRecord)
    if q:
        query = query.where(or_(
            text_match(AuditRecord.summary, q), text_match(AuditRecord.object_label, q),
            text_match(AuditRecord.actor_name, q), text_match(AuditRecord.action, q),
            AuditRecord.action.in_(_labelled(ACTION_LABELS, q)), AuditRecord.object_id == q.strip(),
        ))
    if action:
        query = query.where(or_(AuditRecord.action.like(f"{action.strip()}%"),
                                AuditRecord.action.in_(_labelled(ACTION_LABELS, action))))
    if object_type:
        query = query.where(or_(AuditRecord.object_type == object_type.strip(),
                                AuditRecord.object_type.in_(_labelled(OBJECT_LABELS, object_type))))
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


def _labelled(labels: dict, text: str) -> list[str]:
    """Codes whose label contains the text («блокировка» → user.block)."""
    text = text.strip().casefold()
    return [code for code, label in labels.items() if text and text in str(label).casefold()]


def text_match(column, text: str):
    """Case-insensitive substring match that also works for Cyrillic on SQLite, whose lower()
    only folds ASCII: the text as typed, lower-cased and capitalised."""
    text = text.strip()
    variants = {text, text.lower(), text.capitalize()}
    return or_(func.lower(column).like(f"%{text.lower()}%"), *(column.like(f"%{v}%") for v in variants))


# ---- the log in words ----------------------------------------------------------------

#: fields of explicit records (services write them) whose object has no admin screen
FIELD_LABELS = {
    "KabinetUser": {"active": _l("Вход разрешён"), "roles": _l("Роли"), "email": _l("Электронная почта"),
                    "phone": _l("Телефон"), "notify_email": _l("Уведомления по почте"),
                    "notify_sms": _l("Уведомления по SMS")},
    "Role": {"name": _l("Название"), "permissions": _l("Права")},
    # E6: an information page's settings and its section's fields (workflows/pages/sections.py)
    "InfoPage": {"show_in_menu": _l("Показывать в списке страниц"), "sort_order": _l("Порядок"),
                 "category": _l("Категория"), "starts_on": _l("Дата начала"), "ends_on": _l("Дата окончания"),
                 "price": _l("Цена, руб."), "org_role": _l("Вид деятельности"), "site": _l("Сайт"),
                 "address": _l("Адрес")},
    "*": {"active": _l("Действует"), "status": _l("Статус"), "number": _l("Номер"), "type": _l("Тип заявки"),
          "application_type": _l("Тип заявки"), "note": _l("Отметка"), "message": _l("Сообщение"),
          "attachment": _l("Документ"), "documents": _l("Документы"), "title": _l("Заголовок"),
          "body_html": _l("Текст"), "slug": _l("Адрес страницы"), "side": _l("Сторона"),
          "template_version": _l("Версия шаблона"), "email": _l("Электронная почта"), "phone": _l("Телефон"),
          "comment": _l("Комментарий")},
}
_REPR = re.compile(r"^<[\w.]+ object at 0x[0-9a-f]+>$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")


@dataclass
class Shown:
    """One record as the page and the CSV show it."""
    record: AuditRecord
    action: str
    object: str
    summary: str | None
    before: list
    after: list


def _screens() -> tuple[dict, dict]:
    """(object type → {field: label}, object type → {field: {code: label}}) from the admin
    screen that edits each model, so the log uses the words of the form the admin knows."""
    labels, choices = {}, {}
    for view in current_app.appbuilder.baseviews:
        model = getattr(getattr(view, "datamodel", None), "obj", None)
        if model is None:
            continue
        labels.setdefault(model.__name__, {}).update(
            {key: str(label) for key, label in (getattr(view, "label_columns", None) or {}).items()})
        for key, field in (getattr(view, "add_form_extra_fields", None) or {}).items():
            options = getattr(field, "kwargs", {}).get("choices")
            if isinstance(options, (list, tuple)):
                choices.setdefault(model.__name__, {})[key] = {str(k): str(v) for k, v in options}
    from app.core.settings import SPECS

    labels["Settings"] = {spec.key: spec.label for spec in SPECS}
    return labels, choices


def _format(value, options: dict | None = None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Да") if value else _("Нет")
    if isinstance(value, list):
        return ", ".join(_format(v, options) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_format(v)}" for k, v in value.items())
    text = str(value)
    if options and text in options:
        return options[text]
    if _ISO_DATE.match(text):
        return date.fromisoformat(text).strftime("%d.%m.%Y")
    if _ISO_DATETIME.match(text):
        return format_datetime(datetime.fromisoformat(text))
    return text


def _lines(values: dict | None, object_type: str | None, screens: tuple[dict, dict]) -> list:
    if not isinstance(values, dict):
        return []
    labels, choices = screens
    own = {**FIELD_LABELS["*"], **labels.get(object_type or "", {}), **FIELD_LABELS.get(object_type or "", {})}
    options = choices.get(object_type or "", {})
    return [(str(own.get(key, key)), _format(_roles(object_type, key, value), options.get(key)))
            for key, value in values.items()]


#: fields that hold role names as stored («Staff»): shown in words
ROLE_FIELDS = {("KabinetUser", "roles"), ("Role", "name")}


def _roles(object_type, key, value):
    if (object_type, key) not in ROLE_FIELDS:
        return value
    return [role_name(v) for v in value] if isinstance(value, list) else role_name(value) if value else value


def _object(entry: AuditRecord) -> str:
    if entry.object_label:
        return entry.object_label
    kind = object_type_label(entry.object_type)
    if entry.object_type == "Settings" or not entry.object_id:
        return kind
    return f"{kind} № {entry.object_id}"


def shown(entries) -> list[Shown]:
    """Records in words: action and fields by their labels, values formatted, objects named."""
    screens = _screens()
    result = []
    for entry in entries:
        summary = entry.summary
        if summary and (summary == entry.object_label or _REPR.match(summary)):
            summary = None  # a Python repr written by old versions says nothing
        result.append(Shown(entry, action_label(entry.action), _object(entry), summary,
                            _lines(entry.before, entry.object_type, screens),
                            _lines(entry.after, entry.object_type, screens)))
    return result
