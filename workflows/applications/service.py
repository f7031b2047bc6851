"""Applications from draft to closure (B2–B13): the only code that writes Application.status_id.

Every function flushes and leaves the commit to the request, CLI command or job. Each
change appends an ApplicationEvent (the shared history), writes an audit record and
queues the notifications of B11 in the same transaction.
"""
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import nh3
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from app.core import audit
from app.extensions import db
from app.core.files import discard_stored, store_upload
from app.core.formatting import _local
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
    StoredFile,
    Transition,
    TypeDocumentRequirement,
)
from app.models.base import utcnow
from app.core.notifications.notify import notify_organization, notify_user
from app.core.settings import get_setting
from workflows.applications.calendar import add_working_days
from workflows.applications.guards import InvalidTransition, TransitionContext, ensure_allowed
from workflows.applications.tracker import STAGE_BY_CODE

CONSUMER_SIDE = "consumer"
ORGANIZATION_SIDE = "organization"

#: tags a message or rich-text field may keep (nh3 drops everything else, and all scripts)
RICH_TAGS = {"p", "br", "b", "strong", "i", "em", "u", "s", "ul", "ol", "li", "blockquote", "a", "h3", "h4"}


class ApplicationError(Exception):
    """A request the workflow refuses; `message` is shown to the user as is."""

    def __init__(self, message: str, field_errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


def today() -> date:
    """The organization's local date (deadlines count in it)."""
    return _local(utcnow()).date()


def sanitize_html(raw: str | None) -> str:
    return nh3.clean(raw or "", tags=RICH_TAGS, attributes={"a": {"href"}}, link_rel="noopener noreferrer").strip()


def plain_text(html: str | None) -> str:
    return nh3.clean(html or "", tags=set()).strip()


# ---- dictionaries -----------------------------------------------------------------

def active_types(kind: str | None = None, legal_form: str | None = None) -> list[ApplicationType]:
    query = select(ApplicationType).where(ApplicationType.active.is_(True)).order_by(ApplicationType.sort_order)
    if kind:
        query = query.where(ApplicationType.kind == kind)
    types = db.session.scalars(query).all()
    return [t for t in types if not t.legal_forms or legal_form is None or legal_form in t.legal_forms]


# Read on every application page: built once (building costs more than running them).
FIELDS_OF_TYPE = (
    select(FormField)
    .where(FormField.application_type_id == bindparam("type_id"), FormField.active.is_(True))
    .order_by(FormField.sort_order, FormField.id)
)
ACTIVE_DOCUMENT_TYPES = select(DocumentType).where(DocumentType.active.is_(True)).order_by(DocumentType.sort_order)


def fields_for(app_type: ApplicationType, legal_form: str) -> list[FormField]:
    """B3: the form fields this legal form fills for this type, in order."""
    fields = db.session.scalars(FIELDS_OF_TYPE, {"type_id": app_type.id}).all()
    return [f for f in fields if not f.legal_forms or legal_form in f.legal_forms]


def required_documents(app_type: ApplicationType, legal_form: str) -> list[DocumentType]:
    rows = db.session.scalars(
        select(TypeDocumentRequirement)
        .where(TypeDocumentRequirement.application_type_id == app_type.id,
               TypeDocumentRequirement.required.is_(True))
        .join(TypeDocumentRequirement.document_type)
        .order_by(DocumentType.sort_order)
    ).all()
    return [r.document_type for r in rows if not r.legal_forms or legal_form in r.legal_forms]


def document_types() -> list[DocumentType]:
    return db.session.scalars(ACTIVE_DOCUMENT_TYPES).all()


def status_by_flag(app_type_id: int, **flag) -> Status | None:
    (name, value), = flag.items()
    return db.session.scalar(
        select(Status).where(Status.application_type_id == app_type_id, getattr(Status, name).is_(value))
        .order_by(Status.sort_order).limit(1)
    )


def transitions_from(application: Application, roles: set[str] | None = None) -> list[Transition]:
    """Transitions out of the current status, optionally only those `roles` may take."""
    rows = db.session.scalars(
        select(Transition)
        .where(Transition.application_type_id == application.application_type_id,
               Transition.from_status_id == application.status_id, Transition.active.is_(True))
        .options(joinedload(Transition.to_status))  # the choices name the target status
        .order_by(Transition.sort_order, Transition.id)
    ).all()
    if roles is None:
        return rows
    from app.security.roles import ORGANIZATION_ROLES

    def allowed(t):
        names = set(t.roles or [])
        return bool(names & roles) or ("Admin" in roles and bool(names & ORGANIZATION_ROLES))

    return [t for t in rows if allowed(t)]


# ---- drafts (B2) ------------------------------------------------------------------

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
        raise ApplicationError(draft_limit_message(app_type, limit))
    draft_status = status_by_flag(app_type.id, is_draft=True)
    if draft_status is None:
        raise ApplicationError(_("Для этого типа заявки не настроен статус «Черновик»"))
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
    _event(application, actor, "status", to_status=draft_status, status_name=draft_status.name)
    audit.record("application.draft_created", application, actor=actor, after={"type": app_type.code})
    return application, False


def is_editable_by_consumer(application: Application) -> bool:
    return application.status.is_draft or application.status.consumer_editable


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
    fields = fields_for(application.application_type, application.consumer.legal_form)
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


def mark_messages_read(messages, viewer_side: str) -> set[int]:
    """B10: the other side's messages count as read once the application page shows them.
    Returns the ids read just now, which that page marks «Новое»; the request commits."""
    from_organization = viewer_side == CONSUMER_SIDE
    now = utcnow()
    fresh = set()
    for message in messages:
        if message.from_organization == from_organization and message.read_at is None:
            message.read_at = now
            fresh.add(message.id)
    return fresh


# ---- submission (B5) --------------------------------------------------------------

def missing_fields(application: Application) -> dict[str, str]:
    """code → message for every required field left empty."""
    errors = {}
    for field in fields_for(application.application_type, application.consumer.legal_form):
        value = (application.data or {}).get(field.code)
        empty = value in (None, "") or (field.field_type == "richtext" and not plain_text(value))
        if field.required and empty:
            errors[field.code] = _("Поле обязательно для заполнения")
    return errors


def live_attachments(application: Application) -> list[Attachment]:
    return [a for a in application.attachments if a.deleted_at is None]


def missing_documents(application: Application) -> list[DocumentType]:
    present = {a.document_type_id for a in live_attachments(application) if a.side == CONSUMER_SIDE}
    return [d for d in required_documents(application.application_type, application.consumer.legal_form)
            if d.id not in present]


def submit(application: Application, actor) -> ApplicationEvent:
    """«Подать заявку» / «Отправить»: check fields and documents, move to the initial status."""
    from workflows.accounts.profile import missing_profile_fields

    if missing_profile_fields(application.consumer):
        raise ApplicationError(_("Внимание! Для подачи заявки необходимо заполнить все обязательные поля"))
    errors = missing_fields(application)
    if errors:
        raise ApplicationError(_("Заполните обязательные поля заявки"), errors)
    absent = missing_documents(application)
    if absent:
        raise ApplicationError(_("Приложите обязательные документы: %(names)s",
                                 names="; ".join(d.name for d in absent)))
    candidates = transitions_from(application, {"Consumer"})
    if not candidates:
        raise ApplicationError(_("Заявку в этом статусе нельзя отправить"))
    return apply_transition(application, candidates[0], TransitionContext(actor=actor, roles={"Consumer"}))


# ---- the one transition service (B8) ----------------------------------------------

def apply_transition(application: Application, transition: Transition, context: TransitionContext) -> ApplicationEvent:
    """Move the application along `transition`: guard, history, deadline, audit, notifications."""
    ensure_allowed(transition, application, context)
    source, target = application.status, transition.to_status
    before = {"status": source.name, "free_status": application.free_status, "due_on": _iso(application.due_on)}
    first_submission = source.is_draft and application.submitted_at is None
    application.status = target
    application.free_status = None
    application.status_changed_at = utcnow()
    if source.is_draft or source.consumer_editable:
        application.submitted_at = application.submitted_at or utcnow()
    days = transition.deadline_working_days or target.deadline_working_days
    application.due_on = add_working_days(today(), days) if days and not target.is_final else None
    for attachment in context.attachments:
        if target.document_role and not attachment.purpose:
            attachment.purpose = target.document_role
    db.session.flush()
    event = _event(application, context.actor, "status", from_status=source, to_status=target,
                   status_name=target.name, comment=(context.comment or "").strip() or None,
                   payload={"transition_id": transition.id,
                            "attachments": [a.id for a in context.attachments]} )
    audit.record("application.transition", application, actor=context.actor, before=before,
                 after={"status": target.name, "due_on": _iso(application.due_on), "transition": transition.name,
                        "comment": event.comment})
    link = consumer_link(application)
    if first_submission:
        notify_organization("application_submitted", application=application, link=link)
    elif "Consumer" in context.roles and not (context.roles & {"Staff", "OrgAdmin", "Admin"}):
        notify_organization("application_resubmitted", application=application, link=link)
    notify_user(application.consumer.user, "application_status", link=link, application=application,
                status_name=target.name, comment=event.comment, important=target.consumer_editable)
    return event


def set_free_status(application: Application, text: str, context: TransitionContext) -> ApplicationEvent:
    """Seed 003: staff type a status of their own where the type allows it (the status row stays)."""
    text = (text or "").strip()
    if not application.application_type.allows_free_status:
        raise InvalidTransition(_("Для этого типа заявки статус выбирается из списка"))
    if not text:
        raise InvalidTransition(_("Введите статус"))
    if context.expected_version is not None and context.expected_version != application.version:
        raise InvalidTransition(_("Заявка уже изменена другим сотрудником. Обновите страницу и повторите действие."))
    before = {"status": application.display_status}
    application.free_status = text[:200]
    application.status_changed_at = utcnow()
    db.session.flush()
    event = _event(application, context.actor, "status", from_status=application.status,
                   to_status=application.status, status_name=application.free_status, comment=context.comment)
    audit.record("application.free_status", application, actor=context.actor, before=before,
                 after={"status": application.free_status})
    notify_user(application.consumer.user, "application_status", link=consumer_link(application),
                application=application, status_name=application.free_status, comment=event.comment)
    return event


def ensure_version(application: Application, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != application.version:
        raise InvalidTransition(_("Заявка уже изменена другим сотрудником. Обновите страницу и повторите действие."))


# ---- registration number ---------------------------------------------------------

def next_number(app_type: ApplicationType) -> str:
    """The next number of the type's sequence, formatted by its pattern («ТП-{year}-{seq:05d}»)."""
    locked = db.session.scalar(
        select(ApplicationType).where(ApplicationType.id == app_type.id).with_for_update()
    )
    locked.number_seq = (locked.number_seq or 0) + 1
    db.session.flush()
    try:
        return locked.number_pattern.format(seq=locked.number_seq, year=today().year)
    except (KeyError, ValueError, IndexError):
        return str(locked.number_seq)


def assign_number(application: Application, number: str | None, actor) -> ApplicationEvent | None:
    """«Регистрационный номер»: typed by staff, or the next of the sequence when left empty."""
    number = (number or "").strip() or next_number(application.application_type)
    if number == application.number:
        return None
    taken = db.session.scalar(
        select(Application.id).where(Application.application_type_id == application.application_type_id,
                                     Application.number == number, Application.id != application.id)
    )
    if taken:
        raise ApplicationError(_("Этот регистрационный номер уже присвоен другой заявке"),
                               {"number": _("Этот регистрационный номер уже присвоен другой заявке")})
    before = application.number
    application.number = number[:64]
    db.session.flush()
    event = _event(application, actor, "number", comment=application.number, payload={"before": before})
    audit.record("application.number", application, actor=actor, before={"number": before},
                 after={"number": application.number})
    notify_user(application.consumer.user, "application_number", link=consumer_link(application),
                application=application, sms=False)
    return event


# ---- documents (B4, B7, B13) ------------------------------------------------------

def used_bytes(application: Application) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(StoredFile.size), 0))
        .join(Attachment, Attachment.file_id == StoredFile.id)
        .where(Attachment.application_id == application.id, Attachment.deleted_at.is_(None))
    ) or 0


def add_attachment(application: Application, file_storage, actor, *, side: str, title: str | None = None,
                   document_type: DocumentType | None = None, comment: str | None = None,
                   purpose: str | None = None, needs_two_sided_signature: bool = False,
                   message: Message | None = None, notify: bool = True) -> Attachment:
    """«Добавить документ»: store the file (limits and type checked) and record it in the history."""
    if side == CONSUMER_SIDE and application.status.is_final:
        raise ApplicationError(_("К закрытой заявке нельзя добавить документ"))
    title = (title or "").strip() or (document_type.name if document_type else "")
    if not title:
        raise ApplicationError(_("Укажите название документа"), {"title": _("Укажите название документа")})
    stored = store_upload(file_storage, uploader=actor, used_bytes=used_bytes(application))
    attachment = Attachment(application=application, file=stored, document_type=document_type, title=title[:300],
                            comment=(comment or "").strip() or None, author_id=getattr(actor, "id", None),
                            side=side, purpose=purpose, message_id=message.id if message else None,
                            needs_two_sided_signature=bool(needs_two_sided_signature and side == ORGANIZATION_SIDE))
    db.session.add(attachment)
    db.session.flush()
    kind = "invoice" if purpose == "invoice" else "document"
    _event(application, actor, kind, comment=attachment.comment,
           payload={"attachment_id": attachment.id, "title": attachment.title, "file": stored.original_name,
                    "side": side})
    audit.record("application.document_added", application, actor=actor,
                 after={"attachment": attachment.id, "title": attachment.title, "sha256": stored.sha256,
                        "purpose": purpose})
    if notify and not application.status.is_draft and message is None:
        if side == ORGANIZATION_SIDE:
            template = "application_invoice" if purpose == "invoice" else "application_document"
            notify_user(application.consumer.user, template, link=consumer_link(application),
                        application=application, title=attachment.title)
        else:
            notify_organization("application_document_added", application=application, title=attachment.title,
                                link=staff_link(application))
    return attachment


def removal_refusal(attachment: Attachment, side: str, application: Application) -> str | None:
    """Why `side` may not delete this document, or None; pages offer «Удалить» only where it is None."""
    if side == CONSUMER_SIDE and (attachment.side != CONSUMER_SIDE or not is_editable_by_consumer(application)):
        return _("Этот документ нельзя удалить")
    # only two-sided documents are signed (workflows.documents.signing): no signature query for the others
    if attachment.needs_two_sided_signature and getattr(attachment, "signatures", None):
        return _("Подписанный документ нельзя удалить")
    return None


def remove_attachment(attachment: Attachment, actor, *, side: str) -> None:
    """Staff delete a wrongly attached document (kept in the history); consumers their draft's files."""
    application = attachment.application
    if attachment.deleted_at is not None:
        return
    refusal = removal_refusal(attachment, side, application)
    if refusal is None and getattr(attachment, "signatures", None):  # whatever the flag says
        refusal = _("Подписанный документ нельзя удалить")
    if refusal:
        raise ApplicationError(refusal)
    attachment.deleted_at = utcnow()
    attachment.deleted_by_id = getattr(actor, "id", None)
    db.session.flush()
    _event(application, actor, "document_removed", payload={"attachment_id": attachment.id, "title": attachment.title})
    audit.record("application.document_removed", application, actor=actor,
                 before={"attachment": attachment.id, "title": attachment.title})


# ---- messages (B10) ---------------------------------------------------------------

def post_message(application: Application, body_html: str, actor, *, from_organization: bool,
                 files: list | None = None) -> Message:
    """«Добавить сообщение»: sanitized text, optional documents, the other side notified."""
    body = sanitize_html(body_html)
    if not plain_text(body) and not files:
        raise ApplicationError(_("Введите текст сообщения"), {"body": _("Введите текст сообщения")})
    if not from_organization and application.status.is_final:
        raise ApplicationError(_("По закрытой заявке нельзя отправить сообщение"))
    message = Message(application_id=application.id, author_id=getattr(actor, "id", None),
                      from_organization=from_organization, body_html=body or "")
    db.session.add(message)
    db.session.flush()
    side = ORGANIZATION_SIDE if from_organization else CONSUMER_SIDE
    for file_storage, title in files or []:
        add_attachment(application, file_storage, actor, side=side, title=title or file_storage.filename,
                       message=message, notify=False)
    _event(application, actor, "message", comment=plain_text(body)[:2000] or None,
           payload={"message_id": message.id, "side": side})
    audit.record("application.message", application, actor=actor, after={"message": message.id})
    if application.status.is_draft:
        return message
    if from_organization:
        notify_user(application.consumer.user, "message_from_organization", link=consumer_link(application),
                    application=application, text=plain_text(body))
    else:
        notify_organization("message_to_organization", application=application, text=plain_text(body),
                            link=staff_link(application))
    return message


# ---- stage notes and tracker (B7, B9) --------------------------------------------

def add_stage_note(application: Application, text: str, actor) -> ApplicationEvent:
    """«Добавить статус»: a note on the progress («Ведется проектирование»), shown to the consumer."""
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("Введите статус"), {"text": _("Введите статус")})
    event = _event(application, actor, "note", status_name=text[:200])
    audit.record("application.stage_note", application, actor=actor, after={"note": text[:200]})
    notify_user(application.consumer.user, "application_stage", link=consumer_link(application),
                application=application, note=text[:200])
    return event


def update_tracker(application: Application, values: dict[str, dict], actor) -> list[str]:
    """B9: set dates and marks of the stages; returns the codes that changed."""
    tracker = {code: dict(v) for code, v in (application.tracker or {}).items()}
    changed = []
    for code, value in values.items():
        stage = STAGE_BY_CODE.get(code)
        if stage is None:
            continue
        new = {}
        if value.get("date"):
            new["date"] = value["date"].isoformat() if isinstance(value["date"], date) else str(value["date"])
        if value.get("state"):
            if value["state"] not in stage.states:
                raise ApplicationError(_("Недопустимое значение этапа %(code)s", code=code))
            new["state"] = value["state"]
        if new != tracker.get(code, {}):
            changed.append(code)
            if new:
                tracker[code] = new
            else:
                tracker.pop(code, None)
    if not changed:
        return []
    before = application.tracker
    application.tracker = tracker
    db.session.flush()
    _event(application, actor, "stage", payload={"stages": changed})
    audit.record("application.tracker", application, actor=actor, before=before, after=tracker)
    notify_user(application.consumer.user, "application_tracker", link=consumer_link(application),
                application=application, stages=[STAGE_BY_CODE[c] for c in changed], tracker=tracker, sms=False)
    return changed


# ---- helpers ----------------------------------------------------------------------

def is_overdue(application: Application, on: date | None = None) -> bool:
    return bool(application.due_on and application.due_on < (on or today())
                and not application.status.is_final and not application.status.is_draft
                and not application.status.consumer_editable)


def consumer_link(application: Application) -> str:
    return f"/my/applications/{application.id}"


def staff_link(application: Application) -> str:
    return f"/staff/applications/{application.id}"


def parse_decimal(raw: str) -> Decimal | None:
    try:
        return Decimal(str(raw).replace(",", ".").replace(" ", ""))
    except (InvalidOperation, ValueError):
        return None


def _iso(value):
    return value.isoformat() if value else None


def _event(application, actor, kind, *, from_status=None, to_status=None, status_name=None, comment=None,
           payload=None, visible_to_consumer=True) -> ApplicationEvent:
    event = ApplicationEvent(application_id=application.id, actor_id=getattr(actor, "id", None), kind=kind,
                             from_status_id=getattr(from_status, "id", None),
                             to_status_id=getattr(to_status, "id", None), status_name=status_name,
                             comment=comment, payload=payload, visible_to_consumer=visible_to_consumer, at=utcnow())
    db.session.add(event)
    db.session.flush()
    return event
