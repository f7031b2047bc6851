"""A form sent twice (double click, resent request) does its work once and answers no 500.

Each form carries a one-time token; the same POST twice — one after the other, and two at
once on PostgreSQL — leaves one row and leads both answers to the same result page.
"""
import io
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, ApplicationEvent, Attachment, Message
from app.core.settings import set_setting
from tests.applications.conftest import PDF, TP_DATA, doc_type, make_draft, make_submitted, transition
from tests.form_helpers import flashes, post_together, rendered_token

TOKEN = "Fq3xv7mWQ2c9Zr8T0kLpA1sD4fG6hJ8k"


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def submit_data(token=TOKEN) -> dict:
    return {"action": "submit", "form_token": token, **{f"f_{k}": v for k, v in TP_DATA.items()}}


def test_every_form_that_creates_something_renders_a_fresh_token(client, login, consumer, staff, ctx):
    submitted = make_submitted(consumer)
    draft = make_draft(consumer)
    login(consumer)
    new_page = client.get("/my/applications/new").get_data(as_text=True)
    assert rendered_token(new_page, "new-tp") != rendered_token(client.get("/my/applications/new").get_data(
        as_text=True), "new-tp")
    edit = client.get(f"/my/applications/{draft.id}/edit").get_data(as_text=True)
    assert rendered_token(edit, "application-form")
    show = client.get(f"/my/applications/{submitted.id}").get_data(as_text=True)
    assert rendered_token(show, "message-form") and rendered_token(show, "attachment-form")
    login(staff)
    item = client.get(f"/staff/applications/{submitted.id}").get_data(as_text=True)
    for form in ("save-form", "note-form", "attachment-form", "message-form"):
        assert rendered_token(item, form)


def test_new_draft_twice_with_one_token_creates_one_and_leads_to_it(client, login, consumer, ctx):
    set_setting("drafts_per_type", 5)
    db.session.commit()
    login(consumer)
    data = {"type_code": "tp", "new": "1", "form_token": TOKEN}
    first = client.post("/my/applications/new", data=data)
    second = client.post("/my/applications/new", data=data)
    assert count(Application) == 1
    assert re.search(r"/my/applications/\d+/edit$", first.headers["Location"])
    assert second.status_code == 302 and second.headers["Location"] == first.headers["Location"]
    other = client.post("/my/applications/new", data={**data, "form_token": TOKEN[::-1]})
    assert other.status_code == 302 and count(Application) == 2  # a new form is a new draft


def test_submit_twice_answers_already_sent_not_500(client, login, consumer, fresh, ctx):
    draft = make_draft(consumer)
    login(consumer)
    first = client.post(f"/my/applications/{draft.id}/edit", data=submit_data())
    assert first.headers["Location"].endswith(f"/my/applications/{draft.id}")
    flashes(client)
    second = client.post(f"/my/applications/{draft.id}/edit", data=submit_data())
    assert second.status_code == 302 and second.headers["Location"].endswith(f"/my/applications/{draft.id}")
    assert ("info", "Уже отправлено") in flashes(client)
    assert count(ApplicationEvent, ApplicationEvent.application_id == draft.id,
                 ApplicationEvent.from_status_id.is_not(None)) == 1
    assert fresh(draft).status.name == "На рассмотрении"


def test_a_refused_submission_does_not_use_up_its_token(client, login, consumer, fresh, ctx):
    draft = make_draft(consumer, documents=False)
    login(consumer)
    refused = client.post(f"/my/applications/{draft.id}/edit", data=submit_data(), follow_redirects=True)
    assert "Приложите обязательные документы" in refused.get_data(as_text=True)
    for code in ("site_plan", "ownership"):
        client.post(f"/my/applications/{draft.id}/documents", data={
            "document_type_id": str(doc_type(code).id), "file": (io.BytesIO(PDF), f"{code}.pdf")})
    client.post(f"/my/applications/{draft.id}/edit", data=submit_data())
    assert fresh(draft).status.name == "На рассмотрении"


def test_message_twice_with_one_token_is_sent_once(client, login, consumer, ctx):
    application = make_submitted(consumer)
    login(consumer)
    data = {"body": "Когда будет ответ?", "form_token": TOKEN}
    first = client.post(f"/my/applications/{application.id}/messages", data=data)
    flashes(client)
    second = client.post(f"/my/applications/{application.id}/messages", data=data)
    assert count(Message) == 1
    assert second.status_code == 302 and second.headers["Location"] == first.headers["Location"]
    assert ("info", "Уже отправлено") in flashes(client)


def test_document_twice_with_one_token_is_added_once(client, login, consumer, ctx):
    application = make_submitted(consumer)
    login(consumer)
    before = count(Attachment)
    for _ in range(2):
        response = client.post(f"/my/applications/{application.id}/documents", data={
            "document_type_id": str(doc_type("passport_copy").id), "form_token": TOKEN,
            "file": (io.BytesIO(PDF), "passport.pdf")})
        assert response.status_code == 302
    assert count(Attachment) == before + 1


@pytest.mark.parametrize("path, data", [
    ("messages", {"body": "Приложите план"}),
    ("notes", {"text": "Ведется проектирование"}),
    ("documents", {"document_type_id": "0", "title": "Письмо"}),
])
def test_staff_forms_twice_with_one_token_act_once(client, login, consumer, staff, path, data, ctx):
    application = make_submitted(consumer)
    login(staff)
    events = count(ApplicationEvent, ApplicationEvent.application_id == application.id)
    for _ in range(2):
        body = {**data, "form_token": TOKEN}
        if path == "documents":
            body["file"] = (io.BytesIO(PDF), "letter.pdf")
        response = client.post(f"/staff/applications/{application.id}/{path}", data=body)
        assert response.status_code == 302
    assert count(ApplicationEvent, ApplicationEvent.application_id == application.id) == events + 1


def test_staff_transition_twice_answers_already_sent_not_a_conflict(client, login, consumer, staff, fresh, ctx):
    application = make_submitted(consumer)
    login(staff)
    data = {"version": application.version, "transition_id": transition("review", "offer").id,
            "form_token": TOKEN}
    assert client.post(f"/staff/applications/{application.id}/save", data=data).status_code == 302
    flashes(client)
    second = client.post(f"/staff/applications/{application.id}/save", data=data)
    assert second.status_code == 302 and second.headers["Location"].endswith(f"/staff/applications/{application.id}")
    assert ("info", "Уже отправлено") in flashes(client)
    assert fresh(application).status.code == "offer"


def test_a_malformed_token_is_refused(client, login, consumer, ctx):
    application = make_submitted(consumer)
    login(consumer)
    response = client.post(f"/my/applications/{application.id}/messages",
                           data={"body": "Текст", "form_token": "<script>"})
    assert response.status_code == 400 and count(Message) == 0


# ---- two at once: the unique index decides (PostgreSQL; SQLite serializes writers) --------

@pytest.fixture
def postgresql(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("concurrent writers are tested on PostgreSQL")


def test_two_submits_at_once_submit_once_without_500(app, postgresql, consumer, ctx):
    draft = make_draft(consumer)
    draft_id = draft.id
    answers = post_together(app, consumer, f"/my/applications/{draft_id}/edit", submit_data)
    assert answers == [302, 302]
    assert count(ApplicationEvent, ApplicationEvent.application_id == draft_id,
                 ApplicationEvent.from_status_id.is_not(None)) == 1


def test_two_new_drafts_at_once_create_one(app, postgresql, consumer, ctx):
    set_setting("drafts_per_type", 5)
    db.session.commit()
    answers = post_together(app, consumer, "/my/applications/new",
                            lambda: {"type_code": "tp", "new": "1", "form_token": TOKEN})
    assert answers == [302, 302] and count(Application) == 1


def test_two_messages_at_once_send_one(app, postgresql, consumer, ctx):
    application_id = make_submitted(consumer).id
    answers = post_together(app, consumer, f"/my/applications/{application_id}/messages",
                            lambda: {"body": "Когда будет ответ?", "form_token": TOKEN})
    assert answers == [302, 302] and count(Message) == 1
