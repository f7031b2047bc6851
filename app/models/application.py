"""Technological-connection applications and messages (section B), all driven by data.

Types, their form fields, statuses and transitions are rows an admin edits (B1, B3, B8);
workflows/applications applies them. Nothing but workflows.applications.service writes
Application.status_id.
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
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import TimestampMixin, utcnow
from app.models.search import search_key


class ApplicationKind:
    #: заявка на технологическое присоединение (with the stage tracker)
    CONNECTION = "connection"
    #: сообщение сетевой организации (seed 003)
    MESSAGE = "message"
    #: заявление (E2) and other statements processed like applications
    STATEMENT = "statement"
    #: обращение (E1): консультация, жалоба, сообщение — answered by staff
    APPEAL = "appeal"


class ApplicationType(TimestampMixin, Model):
    """B1: an application type, e.g. «Заявка на технологическое присоединение»."""

    __tablename__ = "application_type"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), default=ApplicationKind.CONNECTION, nullable=False)
    description: Mapped[Optional[str]] = mapped_column(Text)
    #: legal forms allowed to file it; empty = all
    legal_forms: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    #: registration number pattern, e.g. «ТП-{year}-{seq:05d}»
    number_pattern: Mapped[str] = mapped_column(String(64), default="{seq}", nullable=False)
    number_seq: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    #: staff may type a status that is not in the list (seed 003)
    allows_free_status: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    has_stage_tracker: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: drafts a consumer may keep of this type; None = the organization setting
    drafts_limit: Mapped[Optional[int]] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    fields = relationship(
        "FormField", back_populates="application_type", order_by="FormField.sort_order"
    )
    statuses = relationship(
        "Status",
        back_populates="application_type",
        order_by="Status.sort_order",
        foreign_keys="Status.application_type_id",
    )
    document_requirements = relationship("TypeDocumentRequirement", back_populates="application_type")

    def __repr__(self) -> str:
        return self.name


class FormField(Model):
    """B3: one field of an application form, per type and legal form."""

    __tablename__ = "form_field"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_type_id: Mapped[int] = mapped_column(ForeignKey("application_type.id"), nullable=False)
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    label: Mapped[str] = mapped_column(String(300), nullable=False)
    #: string | text | richtext (sanitized HTML) | integer | decimal | date | select | checkbox | address
    field_type: Mapped[str] = mapped_column(String(16), default="string", nullable=False)
    required: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    help_text: Mapped[Optional[str]] = mapped_column(Text)
    choices: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    default: Mapped[Optional[str]] = mapped_column(String(300))
    #: legal forms that see the field; empty = all
    legal_forms: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    #: this field's value is what «Мои заявки» shows as «Объект (адрес)»
    is_object_address: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    application_type = relationship("ApplicationType", back_populates="fields")

    __table_args__ = (UniqueConstraint("application_type_id", "code"),)

    def __repr__(self) -> str:
        return self.label


class Status(Model):
    """B8: a status of one application type («На рассмотрении», «Отказано» …)."""

    __tablename__ = "status"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_type_id: Mapped[int] = mapped_column(ForeignKey("application_type.id"), nullable=False)
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[Optional[str]] = mapped_column(Text)
    is_draft: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: the status a submitted application gets (B5)
    is_initial: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    is_final: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: the application is back on the consumer's side: they may edit and resubmit
    consumer_editable: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: which document block the consumer sees for it: refusal_reason | missing_data
    document_role: Mapped[Optional[str]] = mapped_column(String(32))
    #: B12: working days the organization has while the application is in this status
    deadline_working_days: Mapped[Optional[int]] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    application_type = relationship(
        "ApplicationType", back_populates="statuses", foreign_keys=[application_type_id]
    )

    __table_args__ = (UniqueConstraint("application_type_id", "code"),)

    def __repr__(self) -> str:
        return self.name


class Transition(Model):
    """B8: an allowed move between two statuses, who may take it and what it needs."""

    __tablename__ = "transition"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_type_id: Mapped[int] = mapped_column(ForeignKey("application_type.id"), nullable=False)
    from_status_id: Mapped[int] = mapped_column(ForeignKey("status.id"), nullable=False)
    to_status_id: Mapped[int] = mapped_column(ForeignKey("status.id"), nullable=False)
    #: the button label, e.g. «Подать заявку», «Отказать»
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: role names that may take it: Consumer, Staff, OrgAdmin
    roles: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    requires_document: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    requires_comment: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: C5: only with a document signed by both sides (e.g. «Договор заключен»)
    requires_signed_document: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: B12: deadline in working days that starts with this transition (overrides the status's)
    deadline_working_days: Mapped[Optional[int]] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    application_type = relationship("ApplicationType")
    from_status = relationship("Status", foreign_keys=[from_status_id])
    to_status = relationship("Status", foreign_keys=[to_status_id])

    __table_args__ = (Index("ix_transition_from", "application_type_id", "from_status_id"),)


class DocumentType(Model):
    """Document names offered in «Добавить документ» (B4) and required per type."""

    __tablename__ = "document_type"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    def __repr__(self) -> str:
        return self.name


class TypeDocumentRequirement(Model):
    """A document an application type requires before it can be submitted."""

    __tablename__ = "type_document_requirement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_type_id: Mapped[int] = mapped_column(ForeignKey("application_type.id"), nullable=False)
    document_type_id: Mapped[int] = mapped_column(ForeignKey("document_type.id"), nullable=False)
    legal_forms: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    required: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    application_type = relationship("ApplicationType", back_populates="document_requirements")
    document_type = relationship("DocumentType")


class Application(TimestampMixin, Model):
    """One application (or stand-alone message) of a consumer, from draft to closure."""

    __tablename__ = "application"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_type_id: Mapped[int] = mapped_column(ForeignKey("application_type.id"), nullable=False)
    consumer_id: Mapped[int] = mapped_column(ForeignKey("consumer.id"), nullable=False)
    status_id: Mapped[int] = mapped_column(ForeignKey("status.id"), nullable=False)
    #: «Регистрационный номер», assigned by staff (sequence or typed)
    number: Mapped[Optional[str]] = mapped_column(String(64))
    #: field values keyed by FormField.code
    data: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    #: denormalised from the address field for «Мои заявки» and search
    object_address: Mapped[Optional[str]] = mapped_column(String(500))
    #: object_address folded for the staff queue's search (app.models.search), set on every write
    search_address: Mapped[Optional[str]] = mapped_column(String(500))
    #: a status typed by staff where the type allows free statuses
    free_status: Mapped[Optional[str]] = mapped_column(String(200))
    submitted_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    status_changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    #: B12: the organization's deadline for the current status
    due_on: Mapped[Optional[date]] = mapped_column(Date)
    #: B9: stage tracker {stage_code: {"date": "YYYY-MM-DD", "state": "...", "note": "..."}}
    tracker: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    #: optimistic lock: a stale staff form is refused (STYLE 5)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    application_type = relationship("ApplicationType")
    consumer = relationship("ConsumerProfile")
    status = relationship("Status")
    events = relationship(
        "ApplicationEvent", back_populates="application", order_by="ApplicationEvent.id"
    )
    attachments = relationship(
        "Attachment", back_populates="application", order_by="Attachment.id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_application_consumer", "consumer_id", "created_at"),
        Index("ix_application_queue", "status_id", "submitted_at"),
        Index("ix_application_submitted", "submitted_at"),
        Index("ix_application_type", "application_type_id", "submitted_at"),
        Index("ix_application_due", "due_on"),
        Index("ix_application_number", "number"),
    )

    @property
    def display_status(self) -> str:
        return self.free_status or self.status.name


@event.listens_for(Application, "before_insert")
@event.listens_for(Application, "before_update")
def _fold_search_address(mapper, connection, application: Application) -> None:
    """Every write of an application refreshes its address key (edited while data was missing, too)."""
    application.search_address = search_key(application.object_address)


class ApplicationEvent(Model):
    """Append-only history of an application: statuses, messages, documents, notes."""

    __tablename__ = "application_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    #: status | number | message | document | document_removed | stage | note | invoice | signature
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    from_status_id: Mapped[Optional[int]] = mapped_column(ForeignKey("status.id"))
    to_status_id: Mapped[Optional[int]] = mapped_column(ForeignKey("status.id"))
    #: the status name as shown at that moment (survives later renames and free statuses)
    status_name: Mapped[Optional[str]] = mapped_column(String(200))
    comment: Mapped[Optional[str]] = mapped_column(Text)
    payload: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
    visible_to_consumer: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    application = relationship("Application", back_populates="events")
    actor = relationship("KabinetUser")
    from_status = relationship("Status", foreign_keys=[from_status_id])
    to_status = relationship("Status", foreign_keys=[to_status_id])

    __table_args__ = (Index("ix_event_application", "application_id", "at"),)


class Attachment(Model):
    """A document attached to an application by the consumer or the organization."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), nullable=False)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), nullable=False)
    document_type_id: Mapped[Optional[int]] = mapped_column(ForeignKey("document_type.id"))
    #: the document name, chosen from the list or typed
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    comment: Mapped[Optional[str]] = mapped_column(Text)
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    #: consumer | organization
    side: Mapped[str] = mapped_column(String(16), nullable=False)
    #: refusal_reason | missing_data | invoice | contract | copy | None
    purpose: Mapped[Optional[str]] = mapped_column(String(32))
    message_id: Mapped[Optional[int]] = mapped_column(ForeignKey("message.id"))
    #: «Необходима двухсторонняя электронная подпись»
    needs_two_sided_signature: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    #: removed by staff as wrongly attached; kept for the history
    deleted_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    deleted_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))

    application = relationship("Application", back_populates="attachments")
    file = relationship("StoredFile")
    document_type = relationship("DocumentType")
    author = relationship("KabinetUser", foreign_keys=[author_id])

    __table_args__ = (Index("ix_attachment_application", "application_id"),)


class Message(Model):
    """B10: one message in the thread of an application, either direction."""

    __tablename__ = "message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), nullable=False)
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    from_organization: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: sanitized HTML (nh3) — never rendered unsanitized
    body_html: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    read_at: Mapped[Optional[datetime]] = mapped_column(DateTime)

    author = relationship("KabinetUser")
    attachments = relationship("Attachment")

    __table_args__ = (Index("ix_message_application", "application_id", "created_at"),)


class CalendarDay(Model):
    """B12: an exception to the Monday–Friday working week (holidays, moved days)."""

    __tablename__ = "calendar_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_working: Mapped[bool] = mapped_column(Boolean, nullable=False)
    note: Mapped[Optional[str]] = mapped_column(String(200))
