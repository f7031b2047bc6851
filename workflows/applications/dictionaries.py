"""The admin-edited dictionaries a use case reads: types, their fields, documents, statuses, transitions."""
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import (
    Application,
    ApplicationType,
    DocumentType,
    FormField,
    Status,
    Transition,
    TypeDocumentRequirement,
)
from app.security.roles import ADMIN, ORGANIZATION_ROLES


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


def fields_of(application: Application) -> list[FormField]:
    """The fields of this application's type its consumer's legal form fills."""
    return fields_for(application.application_type, application.consumer.legal_form)


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


def document_type(document_type_id: int | None) -> DocumentType | None:
    """The document type a form names by id (0 or None: a title typed instead)."""
    return db.session.get(DocumentType, document_type_id) if document_type_id else None


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

    def allowed(t):
        names = set(t.roles or [])
        return bool(names & roles) or (ADMIN in roles and bool(names & ORGANIZATION_ROLES))

    return [t for t in rows if allowed(t)]
