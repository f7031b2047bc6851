"""Fixtures of the documents area: an application with a consumer, attachments, certificates."""
import io
from datetime import timedelta

import pytest

from app.extensions import db
from app.core.files import store_bytes
from app.models import (
    Application,
    ApplicationType,
    Attachment,
    FormField,
    LegalForm,
    Status,
)
from app.models.base import utcnow
from app.security.roles import STAFF
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
        object_address=(data or {}).get("object_address", "г. Казань, ул. Салимжанова, д. 1")[:500],
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


@pytest.fixture(autouse=True)
def _forget_undispatched_jobs():
    """Service tests commit outside a request, so nothing dispatches their jobs; drop them
    so they do not leak into the next test's dispatch_ready() (e.g. foundation/test_jobs)."""
    yield
    from app.core.jobs.queue import _ready_jobs

    _ready_jobs().clear()


@pytest.fixture
def people(ctx):
    """owner (ФЛ), other consumer, staff, an ИП and a ЮЛ consumer."""
    class People:
        owner = make_consumer(LegalForm.INDIVIDUAL)
        other = make_consumer(LegalForm.INDIVIDUAL)
        staff = make_staff(STAFF)
        entrepreneur = make_consumer(LegalForm.ENTREPRENEUR)
        company = make_consumer(LegalForm.LEGAL_ENTITY)
    return People


@pytest.fixture
def ip_contract(people):
    """An ИП's contract the organization has signed: waiting for the consumer's CMS signature."""
    from workflows.documents import signing

    application = make_application(people.entrepreneur)
    attachment = attach(application, two_sided=True, data=b"%PDF-1.4\n\x00binary contract\r\n")
    signing.sign_as_organization(attachment, people.staff)
    db.session.commit()
    return attachment


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


#: identifier label → subject OID of a Russian qualified certificate
IDENTIFIER_OIDS = {"СНИЛС": "1.2.643.100.3", "ОГРН": "1.2.643.100.1", "ОГРНИП": "1.2.643.100.5",
                   "ИНН": "1.2.643.3.131.1.1", "ИНН ЮЛ": "1.2.643.100.4"}


def ids_of(user) -> dict[str, str]:
    """The identifiers a qualified certificate of this consumer's user carries."""
    from workflows.documents.signer_identity import expected_for_consumer

    return expected_for_consumer(user.consumer)


def make_certificate(*, surname="Туксин", given="Артем Александрович", days_valid=365, key_type="rsa",
                     not_before_days=-1, ids: dict[str, str] | None = None):
    """A self-signed test certificate and its key, made in the test (no real CA); `ids`
    ({«ОГРНИП»: …}) become the subject's qualified-certificate identifiers."""
    from datetime import datetime, timedelta, timezone

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if key_type == "rsa" \
        else ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, f"{surname} {given}"),
        x509.NameAttribute(NameOID.SURNAME, surname),
        x509.NameAttribute(NameOID.GIVEN_NAME, given),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ИП Туксин"),
        *(x509.NameAttribute(x509.ObjectIdentifier(IDENTIFIER_OIDS[label]), value)
          for label, value in (ids or {}).items()),
    ])
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Тестовый УЦ")])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(issuer).public_key(key.public_key())
            .serial_number(0x1A2B3C4D).not_valid_before(now + timedelta(days=not_before_days))
            .not_valid_after(now + timedelta(days=days_valid)).sign(key, hashes.SHA256()))
    return cert, key


def detached_signature(document: bytes, cert, key, encoding: str = "der") -> bytes:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs7

    return (pkcs7.PKCS7SignatureBuilder().set_data(document).add_signer(cert, key, hashes.SHA256())
            .sign(serialization.Encoding.DER if encoding == "der" else serialization.Encoding.PEM,
                  [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]))


def sms_code(sent, phone: str) -> str:
    """The 6-digit code of the last SMS the memory backend delivered to `phone`."""
    import re

    from app.core.jobs.queue import dispatch_ready

    dispatch_ready()
    texts = [text for to, text in sent.sms if to == phone]
    assert texts, f"no SMS to {phone}"
    return re.findall(r"\b(\d{6})\b", texts[-1])[-1]
