"""Fixtures of the applications area: complete consumers, staff, applications in a given status."""
import io
from datetime import date

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import ApplicationType, DocumentType, LegalForm, Status, Transition
from app.security.roles import STAFF
from tests.factories import make_consumer, make_staff

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

COMPLETE_PROFILE = {
    LegalForm.INDIVIDUAL: dict(birth_date=date(1980, 5, 1), passport_series="4510", passport_number="123456",
                               passport_issued_by="ОВД Тверского района", passport_issued_on=date(2005, 6, 1),
                               registration_address="г. Казань, ул. Салимжанова, 1",
                               postal_address="г. Казань, ул. Салимжанова, 1"),
    LegalForm.ENTREPRENEUR: dict(registry_date=date(2018, 3, 1), registration_address="г. Казань, ул. Баумана, 2",
                                 postal_address="г. Казань, ул. Баумана, 2"),
    LegalForm.LEGAL_ENTITY: dict(registration_address="г. Казань, ул. Пушкина, 3", postal_address="г. Казань, а/я 1"),
}

TP_DATA = {
    "applicant_name": "Иванов Пётр Сергеевич, паспорт 4510 123456",
    "contract_basis": "Выписка из ЕГРН",
    "city": "Казань",
    "object_address": "Казань, Салимжанова, 1",
    "object_description": "Жилой дом, 2 этажа",
    "reason": "Новое присоединение",
    "max_power_kw": "15",
    "voltage_level": "0,4",
    "reliability_category": "III",
}


def pdf(name="doc.pdf", data=PDF) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type="application/pdf")


@pytest.fixture
def consumer(reference_data):
    """A ФЛ with a complete «Мои данные»."""
    return make_consumer(LegalForm.INDIVIDUAL, **COMPLETE_PROFILE[LegalForm.INDIVIDUAL])


@pytest.fixture
def other_consumer(reference_data):
    return make_consumer(LegalForm.INDIVIDUAL, **COMPLETE_PROFILE[LegalForm.INDIVIDUAL])


@pytest.fixture
def staff(reference_data):
    return make_staff(STAFF)


def app_type(code="tp") -> ApplicationType:
    return db.session.scalar(select(ApplicationType).where(ApplicationType.code == code))


def status(code, type_code="tp") -> Status:
    return db.session.scalar(select(Status).where(Status.application_type_id == app_type(type_code).id,
                                                  Status.code == code))


def doc_type(code) -> DocumentType:
    return db.session.scalar(select(DocumentType).where(DocumentType.code == code))


def transition(source, target, type_code="tp") -> Transition:
    return db.session.scalar(select(Transition).where(Transition.from_status_id == status(source, type_code).id,
                                                      Transition.to_status_id == status(target, type_code).id))


def make_draft(user, type_code="tp", data=None, documents=True):
    """A filled draft with the required documents (service calls, committed)."""
    from workflows.applications import service

    application, _ = service.open_draft(user.consumer, app_type(type_code), user)
    service.save_data(application, data if data is not None else TP_DATA, user)
    if documents:
        for code in ("site_plan", "ownership"):
            service.add_attachment(application, pdf(f"{code}.pdf"), user, side=service.CONSUMER_SIDE,
                                   document_type=doc_type(code))
    db.session.commit()
    return application


def make_submitted(user, type_code="tp"):
    from workflows.applications import service

    application = make_draft(user, type_code)
    service.submit(application, user)
    db.session.commit()
    return application


def move(application, source, target, actor, *, comment=None, with_document=False, type_code="tp"):
    """Staff take a transition through the service (with a document when asked)."""
    from workflows.applications import service
    from workflows.applications.guards import TransitionContext

    context = TransitionContext(actor=actor, roles=set(actor.role_names), comment=comment)
    if with_document:
        context.attachments.append(service.add_attachment(application, pdf("letter.pdf"), actor,
                                                          side=service.ORGANIZATION_SIDE, title="Письмо", notify=False))
    service.apply_transition(application, transition(source, target, type_code), context)
    db.session.commit()
    return application
