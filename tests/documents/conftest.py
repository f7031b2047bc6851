"""Fixtures of the documents area: an application with a consumer, attachments, certificates."""
import io
from datetime import timedelta

import pytest

from app.extensions import db
from app.files import store_bytes
from app.models import (
    Application,
    ApplicationType,
    Attachment,
    FormField,
    LegalForm,
    Status,
)
from app.models.base import utcnow
from tests.factories import make_consumer, make_staff


def make_type(code: str = "tp") -> ApplicationType:
    kind = ApplicationType(code=code, name="Заявка на технологическое присоединение", number_pattern="ТП-{seq}")
    db.session.add(kind)
    db.session.flush()
    db.session.add_all([
        FormField(application_type_id=kind.id, code="object_address", label="Полный адрес объекта",
                  field_type="string", is_object_address=True, sort_order=1),
        FormField(application_type_id=kind.id, code="purpose", label="Характеристика и назначение объекта",
                  field_type="text", sort_order=2),
        FormField(application_type_id=kind.id, code="power", label="Максимальная мощность, кВт",
                  field_type="decimal", sort_order=3),
    ])
    db.session.add_all([
        Status(application_type_id=kind.id, code="draft", name="Черновик", is_draft=True, sort_order=0),
        Status(application_type_id=kind.id, code="review", name="На рассмотрении", is_initial=True, sort_order=1),
    ])
    db.session.flush()
    return kind


def make_application(user, *, submitted: bool = True, data: dict | None = None, kind=None) -> Application:
    kind = kind or db.session.query(ApplicationType).filter_by(code="tp").one_or_none() or make_type()
    status = db.session.query(Status).filter_by(application_type_id=kind.id,
                                                code="review" if submitted else "draft").one()
    application = Application(
        application_type_id=kind.id, consumer_id=user.consumer.id, status_id=status.id,
        data=data or {"object_address": "г. Казань, ул. Салимжанова, д. 1", "purpose": "Жилой дом", "power": "15"},
        object_address=(data or {}).get("object_address", "г. Казань, ул. Салимжанова, д. 1"),
        submitted_at=(utcnow() - timedelta(minutes=5)) if submitted else None,
        number="ТП-1563" if submitted else None,
    )
    db.session.add(application)
    db.session.flush()
    return application


def attach(application, *, title="Оферта договора о технологическом присоединении", data=b"%PDF-1.4 contract",
           name="Договор ТП.pdf", side="organization", two_sided=False, author=None) -> Attachment:
    stored = store_bytes(data, name, uploader=author)
    attachment = Attachment(application_id=application.id, file_id=stored.id, title=title, side=side,
                            author_id=getattr(author, "id", None), needs_two_sided_signature=two_sided,
                            purpose="contract" if two_sided else None)
    db.session.add(attachment)
    db.session.flush()
    return attachment


@pytest.fixture
def people(ctx):
    """owner (ФЛ), other consumer, staff, an ИП and a ЮЛ consumer."""
    class People:
        owner = make_consumer(LegalForm.INDIVIDUAL)
        other = make_consumer(LegalForm.INDIVIDUAL)
        staff = make_staff("Staff")
        entrepreneur = make_consumer(LegalForm.ENTREPRENEUR)
        company = make_consumer(LegalForm.LEGAL_ENTITY)
    return People


@pytest.fixture
def application(people):
    app_row = make_application(people.owner)
    db.session.commit()
    return app_row


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)
