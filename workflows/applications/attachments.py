"""Documents of an application (B4, B7, B13): add with limits checked, remove (kept in the history)."""
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.core import audit
from app.core.files import store_upload
from app.core.notifications.notify import notify_organization, notify_user
from app.extensions import db
from app.models import Application, Attachment, DocumentSource, DocumentType, Message, StoredFile
from app.models.base import utcnow
from workflows.applications.guards import ApplicationError
from workflows.applications.history import record_event
from workflows.documents import history
from workflows.applications.rules import (
    CONSUMER_SIDE,
    ORGANIZATION_SIDE,
    consumer_link,
    is_editable_by_consumer,
    staff_link,
)


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
    history.record_attachment(attachment)  # «Мои документы»; a draft's wait for its submission
    kind = "invoice" if purpose == "invoice" else "document"
    record_event(application, actor, kind, comment=attachment.comment,
                 payload={"attachment_id": attachment.id, "title": attachment.title, "file": stored.original_name,
                          "side": side})
    audit.record("application.document_added", application, actor=actor,
                 after={"attachment": attachment.id, "title": attachment.title, "sha256": stored.sha256,
                        "purpose": purpose})
    if notify and not application.status.is_draft and message is None:
        _notify_document(application, attachment)
    return attachment


def _notify_document(application: Application, attachment: Attachment) -> None:
    """B11: the other side hears of a document added to a submitted application."""
    if attachment.side == ORGANIZATION_SIDE:
        template = "application_invoice" if attachment.purpose == "invoice" else "application_document"
        notify_user(application.consumer.user, template, link=consumer_link(application),
                    application=application, title=attachment.title)
    else:
        notify_organization("application_document_added", application=application, title=attachment.title,
                            link=staff_link(application))


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
    history.forget(DocumentSource.ATTACHMENT, attachment.id)
    record_event(application, actor, "document_removed",
                 payload={"attachment_id": attachment.id, "title": attachment.title})
    audit.record("application.document_removed", application, actor=actor,
                 before={"attachment": attachment.id, "title": attachment.title})
