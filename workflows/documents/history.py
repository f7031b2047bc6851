"""«Мои документы» (E3) ledger: one ConsumerDocument row per document a consumer sent or received.

`record()` is the one writer; the workflows where documents arise call the helpers below it
(an application's documents and its filled statement on submission, documents added later,
signatures, copies, mailed receipts). `backfill()` fills the ledger from what existed before it
(INSERT … SELECT statements, idempotent: the lead's migration runs it once on its connection).
"""
from datetime import datetime

from sqlalchemy import case, delete, exists, func, insert, literal, select, update

from app.extensions import db
from app.models import (
    AccountLink,
    Application,
    ApplicationKind,
    ApplicationType,
    Attachment,
    ConsumerDocument,
    CopyRequest,
    CopyRequestFile,
    DocumentDirection,
    DocumentSource,
    DocumentType,
    PersonalAccount,
    ReceiptSending,
    Signature,
    StoredFile,
)
from app.models.base import utcnow
from app.models.documents import SignatureSide

#: «Тип документов» of what is not a typed attachment
KIND_TYPE_NAMES = {
    ApplicationKind.CONNECTION: "Заявка",
    ApplicationKind.MESSAGE: "Сообщение",
    ApplicationKind.STATEMENT: "Заявление",
    ApplicationKind.APPEAL: "Обращение",
}
OTHER_TYPE = "Прочие документы"
SIGNATURE_TYPE = "Электронная подпись"
COPY_TYPE = "Копия документа"
RECEIPT_TYPE = "Квитанция"
SIGNATURE_PREFIX = "Подпись: "
CONSUMER_SIDE = "consumer"


def record(consumer_id: int, *, direction: str, type_name: str, title: str, source_kind: str, source_id: int,
           created_at: datetime | None = None, application_id: int | None = None, account_id: int | None = None,
           period=None) -> ConsumerDocument:
    """Note one document in the consumer's «Мои документы» (once per source: a repeat is a no-op)."""
    known = db.session.scalar(select(ConsumerDocument).where(ConsumerDocument.source_kind == source_kind,
                                                             ConsumerDocument.source_id == source_id))
    if known is not None:
        return known
    row = ConsumerDocument(consumer_id=consumer_id, direction=direction, type_name=(type_name or OTHER_TYPE)[:300],
                           title=(title or type_name or OTHER_TYPE)[:300], source_kind=source_kind,
                           source_id=source_id, created_at=created_at or utcnow(), application_id=application_id,
                           account_id=account_id, period=period)
    db.session.add(row)
    db.session.flush()
    return row


def forget(source_kind: str, source_id: int) -> None:
    """A document withdrawn (staff removed a wrongly attached one): gone from «Мои документы»."""
    db.session.execute(delete(ConsumerDocument).where(ConsumerDocument.source_kind == source_kind,
                                                      ConsumerDocument.source_id == source_id))


def record_as_statement(attachment: Attachment) -> None:
    """The attachment IS the filled statement (a statement's PDF): listed as «Заявление», once —
    the .docx it was printed from is not listed beside it."""
    forget(DocumentSource.STATEMENT, attachment.application_id)
    db.session.execute(update(ConsumerDocument).where(
        ConsumerDocument.source_kind == DocumentSource.ATTACHMENT, ConsumerDocument.source_id == attachment.id)
        .values(type_name=KIND_TYPE_NAMES[ApplicationKind.STATEMENT]))


def record_attachment(attachment: Attachment) -> None:
    """A document of a submitted application: sent by the consumer or received from the organization.
    A draft's documents wait for its submission (record_submission)."""
    application = attachment.application
    if application.submitted_at is not None:
        _record_attachment(attachment, attachment.created_at, account_of(application))


def _record_attachment(attachment: Attachment, at: datetime, account_id: int | None) -> None:
    if attachment.deleted_at is not None:
        return
    direction = DocumentDirection.SENT if attachment.side == CONSUMER_SIDE else DocumentDirection.RECEIVED
    record(attachment.application.consumer_id, direction=direction,
           type_name=attachment.document_type.name if attachment.document_type else OTHER_TYPE,
           title=attachment.title, source_kind=DocumentSource.ATTACHMENT, source_id=attachment.id,
           created_at=at, application_id=attachment.application_id, account_id=account_id)


def account_of(application: Application) -> int | None:
    """The personal account an application names («Номер лицевого счета» of appeals, statements and
    uploads), if it is one the consumer linked."""
    number = str((application.data or {}).get("account_number") or "").strip()
    if not number:
        return None
    return db.session.scalar(
        select(AccountLink.account_id).join(PersonalAccount, PersonalAccount.id == AccountLink.account_id)
        .where(AccountLink.consumer_id == application.consumer_id, PersonalAccount.number == number)
        .order_by(AccountLink.id.desc()).limit(1))


def record_submission(application: Application) -> None:
    """First submission: the filled statement and the documents the consumer attached to the draft."""
    at, account_id = application.submitted_at or utcnow(), account_of(application)
    record(application.consumer_id, direction=DocumentDirection.SENT,
           type_name=KIND_TYPE_NAMES.get(application.application_type.kind, OTHER_TYPE),
           title=application.application_type.name, source_kind=DocumentSource.STATEMENT, source_id=application.id,
           created_at=at, application_id=application.id, account_id=account_id)
    for attachment in application.attachments:
        if attachment.side == CONSUMER_SIDE:
            _record_attachment(attachment, max(at, attachment.created_at), account_id)


def record_signature(signature: Signature) -> None:
    """A side's signature of a document: the consumer's is sent, the organization's received."""
    attachment = signature.attachment
    direction = DocumentDirection.SENT if signature.side == SignatureSide.CONSUMER else DocumentDirection.RECEIVED
    record(attachment.application.consumer_id, direction=direction, type_name=SIGNATURE_TYPE,
           title=SIGNATURE_PREFIX + attachment.title, source_kind=DocumentSource.SIGNATURE, source_id=signature.id,
           created_at=signature.signed_at, application_id=attachment.application_id,
           account_id=account_of(attachment.application))


def record_copy(copy_request: CopyRequest, copy_file: CopyRequestFile) -> None:
    """A copy the organization sent in answer to the consumer's copy request."""
    record(copy_request.consumer_id, direction=DocumentDirection.RECEIVED, type_name=COPY_TYPE,
           title=copy_file.title, source_kind=DocumentSource.COPY, source_id=copy_file.id,
           created_at=copy_file.created_at, application_id=copy_request.application_id)


def record_receipt(sending: ReceiptSending, link: AccountLink) -> None:
    """A month's receipt mailed to the consumer of the account's link."""
    record(link.consumer_id, direction=DocumentDirection.RECEIVED, type_name=RECEIPT_TYPE, title=RECEIPT_TYPE,
           source_kind=DocumentSource.RECEIPT, source_id=sending.id, account_id=link.account_id,
           period=sending.month)


# ---- backfill: what existed before the ledger, as INSERT … SELECT (no Python per row) ----------

COLUMNS = ("consumer_id", "created_at", "direction", "type_name", "title", "source_kind", "source_id",
           "application_id", "account_id", "period")


def _not_recorded(kind: str, source_id):
    return ~exists().where(ConsumerDocument.source_kind == kind, ConsumerDocument.source_id == source_id)


def _direction(side_is_consumer):
    return case((side_is_consumer, literal(DocumentDirection.SENT)), else_=literal(DocumentDirection.RECEIVED))


def _attachments_select():
    """Live documents of submitted applications (a draft's count from its submission)."""
    at = case((Attachment.created_at < Application.submitted_at, Application.submitted_at),
              else_=Attachment.created_at)
    return (select(Application.consumer_id, at, _direction(Attachment.side == CONSUMER_SIDE),
                   func.coalesce(DocumentType.name, literal(OTHER_TYPE)), Attachment.title,
                   literal(DocumentSource.ATTACHMENT), Attachment.id, Application.id, literal(None), literal(None))
            .join(Application, Application.id == Attachment.application_id)
            .outerjoin(DocumentType, DocumentType.id == Attachment.document_type_id)
            .where(Application.submitted_at.is_not(None), Attachment.deleted_at.is_(None),
                   _not_recorded(DocumentSource.ATTACHMENT, Attachment.id)))


def _statements_select():
    type_name = case(*((ApplicationType.kind == kind, literal(word)) for kind, word in KIND_TYPE_NAMES.items()),
                     else_=literal(OTHER_TYPE))
    return (select(Application.consumer_id, Application.submitted_at, literal(DocumentDirection.SENT), type_name,
                   ApplicationType.name, literal(DocumentSource.STATEMENT), Application.id, Application.id,
                   literal(None), literal(None))
            .join(ApplicationType, ApplicationType.id == Application.application_type_id)
            .where(Application.submitted_at.is_not(None), _not_recorded(DocumentSource.STATEMENT, Application.id)))


def _signatures_select():
    title = func.substr(literal(SIGNATURE_PREFIX) + Attachment.title, 1, 300)
    return (select(Application.consumer_id, Signature.signed_at, _direction(Signature.side == SignatureSide.CONSUMER),
                   literal(SIGNATURE_TYPE), title, literal(DocumentSource.SIGNATURE), Signature.id, Application.id,
                   literal(None), literal(None))
            .join(Attachment, Attachment.id == Signature.attachment_id)
            .join(Application, Application.id == Attachment.application_id)
            .where(_not_recorded(DocumentSource.SIGNATURE, Signature.id)))


def _copies_select():
    return (select(CopyRequest.consumer_id, CopyRequestFile.created_at, literal(DocumentDirection.RECEIVED),
                   literal(COPY_TYPE), CopyRequestFile.title, literal(DocumentSource.COPY), CopyRequestFile.id,
                   CopyRequest.application_id, literal(None), literal(None))
            .join(CopyRequest, CopyRequest.id == CopyRequestFile.request_id)
            .where(_not_recorded(DocumentSource.COPY, CopyRequestFile.id)))


def _receipts_select():
    return (select(AccountLink.consumer_id, StoredFile.created_at,
                   literal(DocumentDirection.RECEIVED), literal(RECEIPT_TYPE), literal(RECEIPT_TYPE),
                   literal(DocumentSource.RECEIPT), ReceiptSending.id, literal(None), AccountLink.account_id,
                   ReceiptSending.month)
            .join(AccountLink, AccountLink.id == ReceiptSending.link_id)
            .join(StoredFile, StoredFile.id == ReceiptSending.file_id)
            .where(ReceiptSending.sent.is_(True),
                   _not_recorded(DocumentSource.RECEIPT, ReceiptSending.id)))


def backfill_statements() -> list:
    """The INSERT … SELECT statements that fill the ledger from the documents already kept."""
    table = ConsumerDocument.__table__
    return [insert(table).from_select(COLUMNS, query) for query in
            (_attachments_select(), _statements_select(), _signatures_select(), _copies_select(),
             _receipts_select())]


def backfill(connection=None) -> None:
    """Fill «Мои документы» from what existed before it (a migration passes op.get_bind())."""
    target = connection if connection is not None else db.session
    for statement in backfill_statements():
        target.execute(statement)
