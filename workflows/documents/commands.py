"""The documents area's use cases (STYLE 6b): what its pages — and the coming REST API — call.

Each command takes plain values (ids, bytes, strings, the acting user), checks access
through app/security/access.py, raises a `KabinetError` subclass and flushes; the request
boundary (app/web/boundary.py) commits once, or rolls a refusal back — a page that shows
the refusal under its field calls `refused(exc, flash_message=False)`. The one thing a
refused signing keeps is the counted try of a wrong TOTP or SMS code
(workflows/accounts/tries.py).
"""
from typing import Iterator

from app.core.errors import NotFound
from app.extensions import db
from app.models import Application, Attachment, CopyRequest, Signature, StatementTemplate
from app.security.access import (
    current_consumer,
    ensure_can_see_application_documents,
    ensure_can_see_attachment,
    ensure_can_see_copy_request,
    is_organization,
)
from workflows.documents import bundles, copies, queries, signing, statements, templates
from workflows.documents.statements import Statement


# ---- the statement and the bundle (C1, C2) ----------------------------------------------

def application_documents(application_id: int, user) -> Application:
    """The application whose documents `user` may see (404 for anyone else)."""
    return ensure_can_see_application_documents(user, db.session.get(Application, application_id))


def statement(application_id: int, user) -> Statement:
    """«Скачать заявку»: the filled .docx, kept once submitted (the first download keeps it)."""
    return statements.statement_for(application_documents(application_id, user), actor=user)


def statement_pdf(application_id: int, user) -> tuple[bytes | None, str]:
    """«Скачать заявку (PDF)»: the PDF and its file name; None when LibreOffice failed."""
    if statements.pdf_converter() is None:
        raise NotFound()
    result = statement(application_id, user)
    return statements.docx_to_pdf(result.data), result.filename.rsplit(".", 1)[0] + ".pdf"


def bundle(application_id: int, user) -> tuple[str, Iterator[bytes]]:
    """«Скачать все документы»: the ZIP's file name and its chunks (streamed after the request)."""
    application = application_documents(application_id, user)
    result = statements.statement_for(application, actor=user)
    entries = bundles.entries_for(application, result.data, result.filename)
    return bundles.bundle_filename(application), bundles.stream_zip(entries)


# ---- signing (C3, C5) -----------------------------------------------------------------------

def attachment(attachment_id: int, user) -> Attachment:
    """A document of an application `user` may see (404 for anyone else)."""
    return ensure_can_see_attachment(user, db.session.get(Attachment, attachment_id))


def signature(signature_id: int, user) -> Signature:
    """A signature of a document `user` may see (404 for anyone else)."""
    row = db.session.get(Signature, signature_id)
    if row is None:
        raise NotFound()
    ensure_can_see_attachment(user, row.attachment)
    return row


def sign_for_organization(attachment_id: int, user, *, totp_code: str | None = None,
                          signature_file: bytes | None = None, filename: str = "") -> Signature:
    """«Подписать» for the organization: with its key, or with the staff member's own
    certificate when a detached signature is uploaded; TOTP where the user has it."""
    document = attachment(attachment_id, user)
    if signature_file is not None:
        signed, _signers = signing.sign_as_organization_with_cms(document, user, signature_file, filename,
                                                                 totp_code=totp_code)
        return signed
    return signing.sign_as_organization(document, user, totp_code=totp_code)


def request_signing_code(attachment_id: int, user):
    """«Подписать» (ФЛ): an SMS with the code goes to the consumer's confirmed phone."""
    return signing.request_pep_code(attachment(attachment_id, user), user)


def confirm_signing_code(attachment_id: int, user, code: str) -> Signature:
    """«Подтвердить» (ФЛ): the code from the SMS signs the document (ПЭП); a wrong code counts."""
    return signing.confirm_pep(attachment(attachment_id, user), user, code)


def upload_signature(attachment_id: int, user, signature_file: bytes, filename: str) -> list:
    """ИП/ЮЛ: the detached signature made with the signer's own tools; the signers it names."""
    _signature, signers = signing.sign_with_cms(attachment(attachment_id, user), user, signature_file, filename)
    return signers


# ---- statement templates (F4) ----------------------------------------------------------------

def upload_template(type_id: int, user, data: bytes, filename: str,
                    comment: str | None = None) -> tuple[StatementTemplate, templates.TemplateCheck]:
    """A new version of a type's template, checked to render (the view's permission admits admins)."""
    return templates.upload_template(queries.application_type(type_id), data, filename, actor=user,
                                     comment=comment)


# ---- copy requests (C4) ------------------------------------------------------------------------

def request_copies(user, *, application_id: int | None, kinds: list[str], documents: str,
                   comment: str | None) -> CopyRequest:
    """«Запросить копии»: a consumer's request, optionally about one of their submitted applications."""
    consumer = current_consumer(user)
    if consumer is None:
        raise NotFound()
    application = db.session.get(Application, application_id) if application_id else None
    return copies.request_copies(consumer, documents=documents, kinds=kinds, comment=comment,
                                 application=application, actor=user)


def answer_copy_request(request_id: int, user, *, reject: bool, files: list, answer: str | None) -> CopyRequest:
    """Staff answer a copy request: the copies attached, or a refusal with its reason."""
    row = ensure_can_see_copy_request(user, db.session.get(CopyRequest, request_id))
    if not is_organization(user):
        raise NotFound()
    if reject:
        return copies.reject(row, answer=answer, actor=user)
    return copies.fulfil(row, files, answer=answer, actor=user)
