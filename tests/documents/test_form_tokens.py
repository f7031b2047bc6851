"""Documents pages sent twice (double click, resent request): one copy request, one answer, one
template version — the second answer is a redirect with «Уже отправлено», never a 500."""
import io

import pytest

from app.extensions import db
from app.models import CopyRequest, Notification, StatementTemplate
from app.security.roles import ORG_ADMIN
from tests.form_helpers import flashes, post_together, rendered_token
from tests.documents.test_templates import docx_with
from tests.factories import make_staff

TOKEN = "Vb7mQ2x9Zr8T0kLpA1sD4fG6hJ8kFq3x"


def test_copy_request_twice_with_one_token_is_made_once(client, login, people):
    login(people.owner)
    assert rendered_token(client.get("/documents/copies/").get_data(as_text=True), "copy-request-form")
    data = {"documents": "Акт об осуществлении ТП", "application_id": "0", "form_token": TOKEN}
    assert client.post("/documents/copies/", data=data).status_code == 302
    flashes(client)
    second = client.post("/documents/copies/", data=data)
    assert second.status_code == 302 and ("info", "Уже отправлено") in flashes(client)
    db.session.expire_all()
    assert db.session.query(CopyRequest).count() == 1


def answer_data() -> dict:
    return {"action": "fulfil", "answer": "Копия акта", "form_token": TOKEN,
            "files": [(io.BytesIO(b"%PDF-1.4 act"), "Акт.pdf")]}


def test_copy_answer_twice_with_one_token_answers_already_sent(client, login, people):
    row = CopyRequest(consumer_id=people.owner.consumer.id, documents="Акт")
    db.session.add(row)
    db.session.commit()
    login(people.staff)
    assert rendered_token(client.get(f"/documents/copies/staff/{row.id}").get_data(as_text=True), "copy-answer-form")
    client.post(f"/documents/copies/staff/{row.id}", data=answer_data(), content_type="multipart/form-data")
    flashes(client)
    second = client.post(f"/documents/copies/staff/{row.id}", data=answer_data(), content_type="multipart/form-data")
    assert second.status_code == 302 and ("info", "Уже отправлено") in flashes(client)
    db.session.expire_all()
    assert len(db.session.get(CopyRequest, row.id).files) == 1


def test_template_upload_twice_with_one_token_makes_one_version(client, login, people, application):
    kind_id = application.application_type_id
    login(make_staff(ORG_ADMIN))
    page = client.get(f"/documents/templates/{kind_id}/").get_data(as_text=True)
    assert rendered_token(page, "template-upload-form")
    for _ in range(2):
        response = client.post(f"/documents/templates/{kind_id}/", content_type="multipart/form-data", data={
            "file": (io.BytesIO(docx_with("{{ applicant.inn }}")), "t.docx"), "form_token": TOKEN})
        assert response.status_code == 302
    db.session.expire_all()
    assert db.session.query(StatementTemplate).count() == 1


def test_two_copy_answers_at_once_fulfil_once(app, people):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("concurrent writers are tested on PostgreSQL")
    row = CopyRequest(consumer_id=people.owner.consumer.id, documents="Акт")
    db.session.add(row)
    db.session.commit()
    answers = post_together(app, people.staff, f"/documents/copies/staff/{row.id}", answer_data,
                            content_type="multipart/form-data")
    row_id = row.id
    db.session.expire_all()
    assert answers == [302, 302]
    assert len(db.session.get(CopyRequest, row_id).files) == 1
    assert db.session.query(Notification).count() == 1
