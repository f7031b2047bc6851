"""Documents (section C): statement templates, rendered applications, signatures, copy requests.

File content always lives in StoredFile (app/core/files.py); these rows say what a file is.
A Signature row is the evidence record of one side signing one attachment; once an
attachment has one, the attachment and its file can no longer change (C5).
"""
from datetime import date, datetime
from typing import Any, Optional

from flask_appbuilder import Model
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import utcnow


class StatementTemplate(Model):
    """C1/F4: one uploaded .docx version of the statement template of an application type.

    The current template of a type is its highest version; older versions are kept so
    that a rendered application always names the version it came from.
    """

    __tablename__ = "statement_template"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_type_id: Mapped[int] = mapped_column(ForeignKey("application_type.id"), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), nullable=False)
    #: placeholders found in the template, and those not in the whitelist (kept as a warning)
    placeholders: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    unknown_placeholders: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    comment: Mapped[Optional[str]] = mapped_column(String(300))
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    application_type = relationship("ApplicationType")
    file = relationship("StoredFile")
    uploaded_by = relationship("KabinetUser")

    __table_args__ = (UniqueConstraint("application_type_id", "version"),)


class RenderedDocument(Model):
    """C1: the filled statement of a submitted application, frozen with its template version.

    One row per submission (an application returned for editing and resubmitted gets a
    new one); what the organization received never changes afterwards.
    """

    __tablename__ = "rendered_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), nullable=False)
    #: the Application.submitted_at this document was made for
    submitted_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    template_id: Mapped[int] = mapped_column(ForeignKey("statement_template.id"), nullable=False)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    application = relationship("Application")
    template = relationship("StatementTemplate")
    file = relationship("StoredFile")

    __table_args__ = (UniqueConstraint("application_id", "submitted_at"),)


class TrustedCertificate(Model):
    """A root or intermediate CA certificate an admin trusts (e.g. the accredited CAs' roots):
    with at least one active, every CMS signer's chain is built and checked up to one."""

    __tablename__ = "trusted_certificate"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(1000), nullable=False)
    issuer: Mapped[str] = mapped_column(String(1000), nullable=False)
    serial: Mapped[str] = mapped_column(String(100), nullable=False)
    #: SHA-256 of the DER: the same certificate cannot be added twice
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    not_before: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    not_after: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    der: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    added_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    added_by = relationship("KabinetUser")

    def __str__(self) -> str:
        return self.subject


class SignatureSide:
    #: the network organization (always signs first)
    ORGANIZATION = "organization"
    #: the consumer who filed the application
    CONSUMER = "consumer"


class SignatureMethod:
    #: organization: a staff member with the signing right, sealed with the portal's key
    ORGANIZATION_KEY = "organization_key"
    #: ПЭП: a code sent by SMS to the consumer's confirmed phone (63-ФЗ, ст. 9)
    PEP_SMS = "pep_sms"
    #: a detached CMS signature (.sig/.p7s) made with the signer's own certificate
    CMS = "cms"


class Signature(Model):
    """C3/C5: the evidence record of one side signing one attachment."""

    __tablename__ = "document_signature"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachment.id"), nullable=False)
    side: Mapped[str] = mapped_column(String(16), nullable=False)
    method: Mapped[str] = mapped_column(String(24), nullable=False)
    signer_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    #: the name shown next to the signature («ПЭП: Туксин Артем Александрович»)
    signer_name: Mapped[str] = mapped_column(String(500), nullable=False)
    document_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    signed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    #: the uploaded detached CMS signature (method cms)
    cms_file_id: Mapped[Optional[int]] = mapped_column(ForeignKey("stored_file.id"))
    #: everything the evidence file states: times, masked phone, IP, user agent, certificate
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    #: the evidence as canonical JSON and its signature with the organization's key
    evidence_json: Mapped[str] = mapped_column(Text, nullable=False)
    evidence_signature: Mapped[str] = mapped_column(String(200), nullable=False)

    #: Attachment.signatures: the applications area refuses to delete a signed document
    attachment = relationship("Attachment", backref="signatures")
    signer = relationship("KabinetUser")
    cms_file = relationship("StoredFile")

    __table_args__ = (
        UniqueConstraint("attachment_id", "side"),
        Index("ix_signature_attachment", "attachment_id"),
    )


class CopyRequestStatus:
    #: «Новый»: waiting for the organization
    NEW = "new"
    #: «Исполнен»: copies attached
    FULFILLED = "fulfilled"
    #: «Отклонен»: refused with a comment
    REJECTED = "rejected"


COPY_REQUEST_STATUS_LABELS = {
    CopyRequestStatus.NEW: "На рассмотрении",
    CopyRequestStatus.FULFILLED: "Исполнен",
    CopyRequestStatus.REJECTED: "Отклонен",
}


class CopyRequest(Model):
    """C4: a consumer's request for electronic copies of documents and acts (seed 002)."""

    __tablename__ = "copy_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consumer_id: Mapped[int] = mapped_column(ForeignKey("consumer.id"), nullable=False)
    application_id: Mapped[Optional[int]] = mapped_column(ForeignKey("application.id"))
    #: what the consumer asks for («Акт об осуществлении технологического присоединения» …)
    documents: Mapped[str] = mapped_column(Text, nullable=False)
    comment: Mapped[Optional[str]] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=CopyRequestStatus.NEW, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    answered_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    answered_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    answer: Mapped[Optional[str]] = mapped_column(Text)

    consumer = relationship("ConsumerProfile")
    application = relationship("Application")
    answered_by = relationship("KabinetUser")
    files = relationship("CopyRequestFile", back_populates="request", order_by="CopyRequestFile.id")

    __table_args__ = (
        Index("ix_copy_request_consumer", "consumer_id", "created_at"),
        Index("ix_copy_request_status", "status", "created_at"),
    )

    @property
    def status_label(self) -> str:
        return COPY_REQUEST_STATUS_LABELS.get(self.status, self.status)


class CopyRequestFile(Model):
    """A copy attached by the organization to fulfil a CopyRequest."""

    __tablename__ = "copy_request_file"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("copy_request.id"), nullable=False, index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    request = relationship("CopyRequest", back_populates="files")
    file = relationship("StoredFile")


class DocumentDirection:
    #: «Отправлен»: the consumer sent it to the organization
    SENT = "sent"
    #: «Получен»: the organization (or the portal) sent it to the consumer
    RECEIVED = "received"


class DocumentSource:
    """What a «Мои документы» row points at (its download route follows from it)."""

    #: a document of an application, appeal or statement (Attachment.id)
    ATTACHMENT = "attachment"
    #: the filled statement of a submitted application (Application.id)
    STATEMENT = "statement"
    #: one side's signature of a document (Signature.id)
    SIGNATURE = "signature"
    #: a copy sent in answer to a copy request (CopyRequestFile.id)
    COPY = "copy"
    #: a month's receipt mailed to the consumer (ReceiptSending.id)
    RECEIPT = "receipt"


class ConsumerDocument(Model):
    """E3 «Мои документы»: one row per document a consumer sent or received, written where the
    document arises (workflows/documents/history.py), so the history is one indexed range scan
    instead of a union over five tables at a million rows."""

    __tablename__ = "consumer_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consumer_id: Mapped[int] = mapped_column(ForeignKey("consumer.id", ondelete="CASCADE"), nullable=False)
    #: when it was sent or received (UTC)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    direction: Mapped[str] = mapped_column(String(8), nullable=False)
    #: «Тип документов» as shown and filtered (a DocumentType name or the kind's own word)
    type_name: Mapped[str] = mapped_column(String(300), nullable=False)
    #: «Документ»: the document's title
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    source_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    source_id: Mapped[int] = mapped_column(Integer, nullable=False)
    #: «Откуда»: the application (appeal, statement) or the personal account it came with
    application_id: Mapped[Optional[int]] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"))
    account_id: Mapped[Optional[int]] = mapped_column(ForeignKey("personal_account.id", ondelete="SET NULL"))
    #: a receipt's month (its download route names it)
    period: Mapped[Optional[date]] = mapped_column(Date)

    __table_args__ = (
        UniqueConstraint("source_kind", "source_id", name="uq_consumer_document_source"),
        Index("ix_consumer_document_history", "consumer_id", "created_at", "id"),
    )
