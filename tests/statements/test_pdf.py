"""The filled statement (C1): on sending, the statement type's template is filled with what the
consumer typed and attached as a PDF that the consumer and staff download; an admin's new
template version is what the next statement is printed from."""
import io

import pytest
from docx import Document
from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.models import Application, ApplicationType, Attachment
from app.security.roles import STAFF
from tests.factories import make_staff
from tests.statements.helpers import consumer_with_account, form_data, post, seed
from workflows.documents.templates import upload_template


@pytest.fixture
def world(ctx):
    seed("statement-13")
    owner, account, supplier = consumer_with_account()
    return dict(owner=owner, account=account, supplier=supplier)


def _send(client, login, world, **changes) -> Application:
    login(world["owner"])
    response = post(client, form_data("statement-13", world["account"], world["supplier"], **changes))
    assert response.status_code == 302
    db.session.expire_all()
    return db.session.scalars(select(Application).order_by(Application.id.desc())).first()


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def _pdf_of(statement) -> Attachment:
    return db.session.scalars(select(Attachment).where(Attachment.application_id == statement.id,
                                                       Attachment.title == "Заявление (PDF)")).one()


def test_the_pdf_holds_what_the_consumer_typed(client, login, world):
    statement = _send(client, login, world, f_recipient="Сидорова Анна Павловна", text="Верните переплату")
    pdf = _pdf_of(statement)
    response = client.get(f"/my/applications/{statement.id}/files/{pdf.id}")
    assert response.status_code == 200
    content = _pdf_text(response.data)
    for value in ("Заявление на возврат денежных средств", statement.number, "БИК банка", "044525225",
                  "40817810099910004312", "Сидорова Анна Павловна", "Верните переплату", "1500",
                  world["account"].number, "АО «Энергосбыт»", "ivanov@example.ru", "Иванов Пётр Сергеевич"):
        assert value in content, value


def test_staff_download_the_same_pdf(client, login, world):
    statement = _send(client, login, world)
    consumer_copy = client.get(f"/my/applications/{statement.id}/files/{_pdf_of(statement).id}").data
    login(make_staff(STAFF))
    response = client.get(f"/staff/applications/{statement.id}/files/{_pdf_of(statement).id}")
    assert response.status_code == 200 and response.data == consumer_copy


def test_the_pdf_follows_the_admins_template(client, login, world):
    document = Document()
    document.add_paragraph("Директору по работе с клиентами")
    document.add_paragraph("Прошу вернуть {{ fields.amount }} руб. на счет {{ fields.bank_account }} "
                           "(БИК {{ fields.bik }}). {{ applicant.full_name }}")
    buffer = io.BytesIO()
    document.save(buffer)
    app_type = db.session.scalars(select(ApplicationType).where(ApplicationType.code == "statement-13")).one()
    upload_template(app_type, buffer.getvalue(), "vozvrat.docx", actor=None)
    db.session.commit()
    content = _pdf_text(client.get(
        f"/my/applications/{(s := _send(client, login, world)).id}/files/{_pdf_of(s).id}").data)
    assert "Директору по работе с клиентами" in content
    assert "Прошу вернуть 1500 руб. на счет 40817810099910004312 (БИК 044525225)" in content


def test_my_documents_list_the_statement_once_as_its_pdf(ctx, client, login):
    from app.models import ConsumerDocument

    seed("statement-01")
    owner, account, supplier = consumer_with_account()
    login(owner)
    assert post(client, form_data("statement-01", account, supplier)).status_code == 302
    listed = db.session.execute(select(ConsumerDocument.title, ConsumerDocument.type_name)).all()
    assert listed == [("Заявление (PDF)", "Заявление")], listed
