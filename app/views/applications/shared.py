"""What the consumer's and the staff's application pages both show and do."""
from datetime import date

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user

from app.core.errors import KabinetError
from app.core.files import send_stored
from app.core.settings import get_setting
from app.extensions import db
from app.models import Attachment
from app.security.access import ensure_attachment_of
from app.web.boundary import refused
from forms.applications import ConfirmForm
from workflows.applications import queries
from workflows.applications.attachments import removal_refusal
from workflows.applications.commands.documents import remove_document
from workflows.applications.dictionaries import fields_of
from workflows.applications.messages import mark_messages_read
from workflows.applications.rules import ORGANIZATION_SIDE, is_overdue
from workflows.applications.tracker import tracker_rows

def application_context(application, *, viewer_side: str) -> dict:
    """What the consumer and staff application pages both show."""
    attachments = [a for a in application.attachments]
    live = [a for a in attachments if a.deleted_at is None]
    messages = queries.messages_of(application.id)
    return {
        "application": application,
        "viewer_side": viewer_side,
        "attachments": live,
        "removed_attachments": [a for a in attachments if a.deleted_at is not None],
        "refusal": status_panel(application, live, "refusal_reason"),
        "missing": status_panel(application, live, "missing_data"),
        "deletable": deletable_ids(live, viewer_side, application),
        "invoices": [a for a in live if a.purpose == "invoice"],
        "messages": messages,
        "new_message_ids": mark_messages_read(messages, viewer_side),
        "events": [e for e in application.events if viewer_side == ORGANIZATION_SIDE or e.visible_to_consumer],
        "tracker": tracker_rows(application) if application.application_type.has_stage_tracker else None,
        "overdue": is_overdue(application),
        "field_rows": field_rows(application),
        "org_name": get_setting("org_short_name"),
    }


def status_panel(application, live, role: str) -> dict | None:
    """«Причина отказа» / «Недостающие данные»: while the application is in a status of that
    document role, the documents and the comment of the transition that brought it there
    (an earlier request for missing data, already answered, is not shown again)."""
    if application.status.document_role != role:
        return None
    event = next((e for e in reversed(application.events)
                  if e.kind == "status" and e.to_status_id == application.status_id and e.from_status_id), None)
    if event is None:
        return {"documents": [a for a in live if a.purpose == role], "comment": None}
    sent_with = set((event.payload or {}).get("attachments") or [])
    documents = [a for a in live if a.id in sent_with or (a.purpose == role and a.created_at >= event.at)]
    return {"documents": documents, "comment": event.comment}


def deletable_ids(live, side: str, application) -> set[int]:
    """The documents whose «Удалить» the service would accept from this side (no button that is refused)."""
    return {a.id for a in live if removal_refusal(a, side, application) is None}


def confirm_and_remove(application, attachment_id: int, *, side: str) -> bool:
    """«Удалить» a document, for both sides: 404 outside the application, 400 without the
    confirmation token; a refusal is flashed. True when the document is gone."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        remove_document(application.id, attachment_id, current_user, side=side)
    except KabinetError as exc:
        refused(exc)
        return False
    return True


def send_attachment(application, attachment_id: int, *, deleted_too: bool):
    """Download a document of this application (404 for another's; a deleted one only for staff)."""
    attachment = ensure_attachment_of(application, db.session.get(Attachment, attachment_id))
    if attachment.deleted_at is not None and not deleted_too:
        abort(404)
    return send_stored(attachment.file)


def under_field(field, exc) -> None:
    """Show a refusal under the form field it concerns (the form is rendered again in place)."""
    refused(exc, flash_message=False)
    field.errors = list(field.errors) + [exc.message]


def field_rows(application):
    """The application's filled-in fields as the pages show them (dates, decimals, ticks in words)."""
    rows = []
    for spec in fields_of(application):
        value = (application.data or {}).get(spec.code)
        if value in (None, ""):
            continue
        if spec.field_type == "date":
            try:
                value = date.fromisoformat(value).strftime("%d.%m.%Y")
            except ValueError:
                pass
        elif spec.field_type == "decimal":
            value = str(value).replace(".", ",")
        elif spec.field_type == "checkbox":
            value = _("да") if value == "1" else _("нет")
        rows.append((spec, value))
    return rows
