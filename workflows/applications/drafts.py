"""Drafts (B2, B3, B5): open one within the limit, keep what the consumer typed, delete, submit."""
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app.core import audit
from app.core.files import discard_stored
from app.core.settings import get_setting
from app.extensions import db
from app.models import (
    Application,
    ApplicationEvent,
    ApplicationKind,
    ApplicationType,
    Attachment,
    ConsumerProfile,
    DocumentType,
    FormField,
    Message,
    Status,
)
from app.models.base import utcnow
from app.security.roles import CONSUMER
from workflows.accounts.profile import missing_profile_fields
from workflows.applications.dictionaries import (
    fields_for,
    fields_of,
    required_documents,
    status_by_flag,
    transitions_from,
)
from workflows.applications.guards import ApplicationError, DraftRefused, ProfileIncomplete, TransitionContext
from workflows.applications.history import record_event
from workflows.applications.rules import (
    CONSUMER_SIDE,
    is_editable_by_consumer,
    live_attachments,
    plain_text,
    sanitize_html,
)
from workflows.applications.transitions import apply_transition

MSG_PROFILE = "Внимание! Для подачи заявки необходимо заполнить все обязательные поля"


def drafts_of(consumer: ConsumerProfile, app_type: ApplicationType) -> list[Application]:
    return db.session.scalars(
        select(Application).join(Application.status)
        .where(Application.consumer_id == consumer.id, Application.application_type_id == app_type.id,
               Status.is_draft.is_(True))
        .order_by(Application.updated_at.desc(), Application.id.desc())
    ).all()


def drafts_limit(app_type: ApplicationType) -> int:
    limit = app_type.drafts_limit if app_type.drafts_limit is not None else get_setting("drafts_per_type")
    return max(int(limit or 1), 1)


def draft_limit_message(app_type: ApplicationType, limit: int) -> str:
    if limit == 1:
        if app_type.kind == ApplicationKind.MESSAGE:
            return _("В черновике хранится одно сообщение. Чтобы создать новое необходимо отправить "
                     "сообщение или удалить его")
        return _("В черновике хранится одна заявка. Чтобы создать новую необходимо отправить заявку или удалить ее")
    return _("В черновиках хранится не более %(n)s заявок этого типа. Чтобы создать новую необходимо "
             "отправить или удалить одну из них", n=limit)


def open_draft(consumer: ConsumerProfile, app_type: ApplicationType, actor, *,
               new: bool = False) -> tuple[Application, bool]:
    """«Подать заявку»: the last saved draft (reopened=True), or a new one within the limit."""
    drafts = drafts_of(consumer, app_type)
    if drafts and not new:
        return drafts[0], True
    limit = drafts_limit(app_type)
    if len(drafts) >= limit:
        raise DraftRefused(draft_limit_message(app_type, limit))
    draft_status = status_by_flag(app_type.id, is_draft=True)
    if draft_status is None:
        raise DraftRefused(_("Для этого типа заявки не настроен статус «Черновик»"))
    data = {}
    for field in fields_for(app_type, consumer.legal_form):
        if field.default:
            data[field.code] = field.default
        elif field.code == "applicant_name":
            data[field.code] = consumer.display_name
    application = Application(application_type=app_type, consumer=consumer, status=draft_status, data=data,
                              status_changed_at=utcnow(), tracker={})
    db.session.add(application)
    db.session.flush()
    record_event(application, actor, "status", to_status=draft_status, status_name=draft_status.name)
    audit.record("application.draft_created", application, actor=actor, after={"type": app_type.code})
    return application, False


def clean_value(field: FormField, raw) -> str | None:
    """A form value as stored in Application.data (strings; rich text sanitized)."""
    if raw is None:
        return None
    if field.field_type == "checkbox":
        return "1" if raw in (True, "1", "y", "on", "true") else ""
    if isinstance(raw, (date, datetime)):
        return raw.isoformat()[:10]
    if isinstance(raw, Decimal):
        return format(raw.normalize(), "f")
    if field.field_type == "richtext":
        return sanitize_html(str(raw))
    return str(raw).strip()


def save_data(application: Application, values: dict, actor) -> None:
    """«Сохранить черновик» (and edits while data is missing): store the field values."""
    if not is_editable_by_consumer(application):
        raise ApplicationError(_("Заявку в этом статусе нельзя изменить"))
    fields = fields_of(application)
    before = dict(application.data or {})
    data = dict(before)
    for field in fields:
        if field.code in values:
            data[field.code] = clean_value(field, values[field.code])
    application.data = data
    address = next((data.get(f.code) for f in fields if f.is_object_address), None)
    application.object_address = (address or None) and address[:500]
    application.updated_at = utcnow()
    db.session.flush()
    if before != data:
        audit.record("application.data_saved", application, actor=actor, before=before, after=data)


def delete_draft(application: Application, actor) -> None:
    """«Удалить»: a draft disappears with its documents, their files included — a draft was
    never sent, so nobody else has seen them (the audit keeps the type and the field values)."""
    if not application.status.is_draft:
        raise ApplicationError(_("Удалить можно только черновик"))
    attachments = db.session.scalars(select(Attachment).where(Attachment.application_id == application.id)).all()
    audit.record("application.draft_deleted", application, actor=actor,
                 before={"type": application.application_type.code, "data": application.data,
                         "documents": [a.file.original_name for a in attachments]})
    files = [a.file for a in attachments]
    for model in (Attachment, Message, ApplicationEvent):
        for row in db.session.scalars(select(model).where(model.application_id == application.id)):
            db.session.delete(row)
    db.session.flush()
    discard_stored(files)
    db.session.delete(application)
    db.session.flush()


def missing_fields(application: Application) -> dict[str, str]:
    """code → message for every required field left empty."""
    errors = {}
    for field in fields_of(application):
        value = (application.data or {}).get(field.code)
        empty = value in (None, "") or (field.field_type == "richtext" and not plain_text(value))
        if field.required and empty:
            errors[field.code] = _("Поле обязательно для заполнения")
    return errors


def missing_documents(application: Application) -> list[DocumentType]:
    present = {a.document_type_id for a in live_attachments(application) if a.side == CONSUMER_SIDE}
    return [d for d in required_documents(application.application_type, application.consumer.legal_form)
            if d.id not in present]


def submit(application: Application, actor) -> ApplicationEvent:
    """«Подать заявку» / «Отправить»: check fields and documents, move to the initial status."""
    if missing_profile_fields(application.consumer):
        raise ProfileIncomplete(_(MSG_PROFILE))
    errors = missing_fields(application)
    if errors:
        raise ApplicationError(_("Заполните обязательные поля заявки"), errors)
    absent = missing_documents(application)
    if absent:
        raise ApplicationError(_("Приложите обязательные документы: %(names)s",
                                 names="; ".join(d.name for d in absent)))
    candidates = transitions_from(application, {CONSUMER})
    if not candidates:
        raise ApplicationError(_("Заявку в этом статусе нельзя отправить"))
    return apply_transition(application, candidates[0], TransitionContext(actor=actor, roles={CONSUMER}))
