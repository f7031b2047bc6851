"""What the documents pages show: read-only queries, scoped through app/security/access.py."""
from sqlalchemy import func, select
from sqlalchemy.orm import defer, joinedload, selectinload

from app.core.errors import NotFound
from app.core.paging import Page, paginate
from app.extensions import db
from app.models import (
    Application,
    ApplicationType,
    Attachment,
    CopyRequest,
    CopyRequestFile,
    OneTimeCode,
    Signature,
    StatementTemplate,
    TrustedCertificate,
)
from app.models.base import utcnow
from app.models.documents import CopyRequestStatus
from app.security.access import scope_copy_requests
from workflows.documents.signing import SIGN_PURPOSE

#: the statuses the staff queue of copy requests filters by
COPY_STATUSES = (CopyRequestStatus.NEW, CopyRequestStatus.FULFILLED, CopyRequestStatus.REJECTED)


def documents_to_sign(application: Application) -> list[Attachment]:
    """The application's live documents that need two signatures, with their signatures."""
    # the page has loaded the attachments already: query signatures only where there are some to show
    if not any(a.deleted_at is None and a.needs_two_sided_signature for a in application.attachments):
        return []
    return db.session.scalars(
        select(Attachment).where(Attachment.application_id == application.id, Attachment.deleted_at.is_(None),
                                 Attachment.needs_two_sided_signature.is_(True))
        .options(joinedload(Attachment.file), selectinload(Attachment.signatures).joinedload(Signature.signer))
        .order_by(Attachment.id)
    ).unique().all()


def pending_code(attachment: Attachment, user) -> OneTimeCode | None:
    """The signing code sent to the user for this document and still usable, if any."""
    if not user.phone:
        return None
    row = db.session.scalars(
        select(OneTimeCode).where(OneTimeCode.purpose == SIGN_PURPOSE, OneTimeCode.destination == user.phone)
        .order_by(OneTimeCode.created_at.desc(), OneTimeCode.id.desc()).limit(1)
    ).first()
    if row is None or row.consumed_at is not None or row.expires_at <= utcnow():
        return None
    return row if (row.payload or {}).get("attachment_id") == attachment.id else None


# ---- statement templates ----------------------------------------------------------------

def application_type(type_id: int) -> ApplicationType:
    return db.session.get(ApplicationType, type_id) or _not_found()


def template(template_id: int) -> StatementTemplate:
    return db.session.get(StatementTemplate, template_id) or _not_found()


def template_overview() -> tuple[list[ApplicationType], dict[int, int]]:
    """Every application type, and the latest template version of each."""
    types = db.session.scalars(select(ApplicationType).order_by(ApplicationType.sort_order,
                                                                ApplicationType.name)).all()
    latest = dict(db.session.execute(
        select(StatementTemplate.application_type_id, func.max(StatementTemplate.version))
        .group_by(StatementTemplate.application_type_id)).all())
    return types, latest


def template_versions(type_id: int) -> list[StatementTemplate]:
    return db.session.scalars(
        select(StatementTemplate).where(StatementTemplate.application_type_id == type_id)
        .options(joinedload(StatementTemplate.file), joinedload(StatementTemplate.uploaded_by))
        .order_by(StatementTemplate.version.desc())).all()


# ---- copy requests ------------------------------------------------------------------------

def copy_request(request_id: int) -> CopyRequest | None:
    return db.session.get(CopyRequest, request_id)


def copy_file(file_id: int) -> CopyRequestFile:
    return db.session.get(CopyRequestFile, file_id) or _not_found()


def own_copy_requests(user, page: int, per_page: int) -> Page:
    """«Запросы копий документов»: the consumer's own requests with their copies, newest first."""
    query = scope_copy_requests(select(CopyRequest), user)
    return paginate(query.options(selectinload(CopyRequest.files).joinedload(CopyRequestFile.file),
                                  joinedload(CopyRequest.application))
                    .order_by(CopyRequest.created_at.desc()), page, per_page)


def copy_request_queue(status: str, page: int, per_page: int) -> Page:
    """Staff: the copy requests in `status` (every request for an unknown status), newest first."""
    query = select(CopyRequest).options(joinedload(CopyRequest.consumer), joinedload(CopyRequest.application))
    if status in COPY_STATUSES:
        query = query.where(CopyRequest.status == status)
    return paginate(query.order_by(CopyRequest.created_at.desc()), page, per_page)


# ---- trusted certificates -------------------------------------------------------------------

def trusted_certificates(page: int, per_page: int) -> Page:
    query = (select(TrustedCertificate).options(defer(TrustedCertificate.der),
                                                 joinedload(TrustedCertificate.added_by))
             .order_by(TrustedCertificate.subject, TrustedCertificate.id))
    return paginate(query, page, per_page)


def trusted_certificate(certificate_id: int) -> TrustedCertificate:
    return db.session.get(TrustedCertificate, certificate_id) or _not_found()


def _not_found():
    raise NotFound()
