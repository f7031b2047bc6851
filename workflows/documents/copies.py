"""Requests for electronic copies of documents and acts (C4, seed 002).

A consumer asks («Запросить копии»); the organization is emailed; staff fulfil the
request by attaching the copies (or refuse it with an answer); the consumer is notified
in the portal, by email and SMS, and downloads the copies from «Запросы копий документов».
"""
from flask_babel import gettext as _
from sqlalchemy import select

from app.core import audit
from app.core.errors import Invalid
from app.extensions import db
from app.core.files import UploadRejected, store_upload
from app.models import Application, CopyRequest, CopyRequestFile
from app.models.base import utcnow
from app.models.documents import CopyRequestStatus
from app.core.notifications.notify import notify_organization, notify_user
from workflows.documents import history

#: what consumers usually ask copies of (seed 002: «документов и актов»)
DOCUMENT_KINDS = [
    "Договор об осуществлении технологического присоединения",
    "Технические условия",
    "Акт об осуществлении технологического присоединения",
    "Акт разграничения границ балансовой принадлежности сторон",
    "Акт разграничения эксплуатационной ответственности сторон",
    "Акт допуска прибора учета в эксплуатацию",
]
CONSUMER_LINK = "/documents/copies/"
STAFF_LINK = "/documents/copies/staff/{id}"


class CopyRequestError(Invalid):
    """A copy request cannot be made or answered; `field` is the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def consumer_applications(consumer) -> list[Application]:
    """Submitted applications a request may refer to."""
    return db.session.scalars(
        select(Application).where(Application.consumer_id == consumer.id, Application.submitted_at.is_not(None))
        .order_by(Application.submitted_at.desc())
    ).all()


def request_copies(consumer, *, documents: str = "", kinds: list[str] | None = None, comment: str | None = None,
                   application: Application | None = None, actor=None) -> CopyRequest:
    """«Запросить копии»: record the request and tell the organization."""
    chosen = [k for k in DOCUMENT_KINDS if k in (kinds or [])]
    other = (documents or "").strip()
    documents = "\n".join(chosen + ([other] if other else []))
    if not documents:
        raise CopyRequestError(_("Выберите документы или опишите, какие нужны"), "documents")
    if application is not None and (application.consumer_id != consumer.id or application.submitted_at is None):
        raise CopyRequestError(_("Заявка не найдена"), "application_id")
    row = CopyRequest(consumer_id=consumer.id, application_id=getattr(application, "id", None),
                      documents=documents, comment=(comment or "").strip() or None)
    db.session.add(row)
    db.session.flush()
    audit.record("copy_request.created", row, actor=actor, after={"documents": documents})
    notify_organization("document_copy_requested", copy_request=row, link=STAFF_LINK.format(id=row.id))
    return row


def fulfil(copy_request: CopyRequest, files: list, *, answer: str | None, actor) -> CopyRequest:
    """Staff attach the copies: the request is «Исполнен» and the consumer is notified."""
    if copy_request.status != CopyRequestStatus.NEW:
        raise CopyRequestError(_("Запрос уже обработан"))
    files = [f for f in files if f and getattr(f, "filename", "")]
    if not files:
        raise CopyRequestError(_("Приложите копии документов"), "files")
    used = 0
    for file_storage in files:
        try:
            stored = store_upload(file_storage, uploader=actor, used_bytes=used)
        except UploadRejected as exc:
            raise CopyRequestError(f"{file_storage.filename}: {exc.message}", "files") from None
        used += stored.size
        copy_file = CopyRequestFile(request_id=copy_request.id, file_id=stored.id, title=stored.original_name)
        db.session.add(copy_file)
        db.session.flush()
        history.record_copy(copy_request, copy_file)
    return _answer(copy_request, CopyRequestStatus.FULFILLED, answer, actor)


def reject(copy_request: CopyRequest, *, answer: str | None, actor) -> CopyRequest:
    if copy_request.status != CopyRequestStatus.NEW:
        raise CopyRequestError(_("Запрос уже обработан"))
    if not (answer or "").strip():
        raise CopyRequestError(_("Укажите причину отказа в ответе"), "answer")
    return _answer(copy_request, CopyRequestStatus.REJECTED, answer, actor)


def _answer(copy_request: CopyRequest, status: str, answer: str | None, actor) -> CopyRequest:
    before = {"status": copy_request.status}
    copy_request.status = status
    copy_request.answer = (answer or "").strip() or None
    copy_request.answered_at = utcnow()
    copy_request.answered_by_id = actor.id
    db.session.flush()
    db.session.expire(copy_request, ["files"])
    audit.record("copy_request.answered", copy_request, actor=actor, before=before,
                 after={"status": status, "files": [f.file.sha256 for f in copy_request.files]})
    notify_user(copy_request.consumer.user, "document_copy_answered", link=CONSUMER_LINK,
                copy_request=copy_request)
    return copy_request
