"""Nothing typed is lost when a document is added (issue 10, «Nothing lost»).

«Добавить документ» on the draft form sends the typed values with the file and saves them;
a refused file or message comes back with what was typed, under its message.
"""
import html as html_lib
import io
import re

from sqlalchemy import func, select

from app.extensions import db
from app.models import Attachment, Message
from tests.applications.conftest import PDF, doc_type, make_draft, make_submitted

TYPED = {"contract_basis": "Договор аренды № 7", "city": "Зеленодольск", "object_address": "Зеленодольск, Ленина, 5"}
EXE = b"MZ\x90\x00" + b"\x00" * 100


def with_document(values: dict, file=(PDF, "План.pdf")) -> dict:
    """What the draft page sends when «Добавить» (of the document block) is pressed."""
    return {"action": "document", "next": "edit", **{f"f_{k}": v for k, v in values.items()},
            "document_type_id": str(doc_type("site_plan").id), "file": (io.BytesIO(file[0]), file[1])}


def shown_value(page: str, code: str) -> str | None:
    found = re.search(rf'<(?:input|textarea)[^>]*name="f_{code}"[^>]*?(?:value="([^"]*)"[^>]*)?>([^<]*)', page)
    return html_lib.unescape(found.group(1) or found.group(2)).strip() if found else None


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_draft_page_sends_its_fields_with_the_document(client, login, consumer, ctx):
    draft = make_draft(consumer, data={}, documents=False)
    login(consumer)
    page = client.get(f"/my/applications/{draft.id}/edit").get_data(as_text=True)
    button = re.search(r'<button[^>]*data-test="add-document"[^>]*>', page, re.S).group(0)
    assert 'form="application-form"' in button and f'formaction="/my/applications/{draft.id}/documents"' in button
    assert re.search(r'<input[^>]*id="doc-file"[^>]*form="application-form"|'
                     r'<input[^>]*form="application-form"[^>]*id="doc-file"', page)


def test_adding_a_document_saves_what_was_typed(client, login, consumer, fresh, ctx):
    draft = make_draft(consumer, data={}, documents=False)
    login(consumer)
    response = client.post(f"/my/applications/{draft.id}/documents", data=with_document(TYPED))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/my/applications/{draft.id}/edit")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Файл успешно загружен" in page
    assert {code: shown_value(page, code) for code in TYPED} == TYPED
    assert {code: fresh(draft).data.get(code) for code in TYPED} == TYPED
    assert count(Attachment) == 1


def test_a_refused_document_keeps_what_was_typed(client, login, consumer, fresh, ctx):
    draft = make_draft(consumer, data={}, documents=False)
    login(consumer)
    response = client.post(f"/my/applications/{draft.id}/documents", data=with_document(TYPED, (EXE, "virus.exe")))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Недопустимый тип файла" in page
    assert {code: shown_value(page, code) for code in TYPED} == TYPED
    assert {code: fresh(draft).data.get(code) for code in TYPED} == TYPED
    assert count(Attachment) == 0


def test_a_wrong_value_comes_back_as_typed_and_the_rest_is_saved(client, login, consumer, fresh, ctx):
    draft = make_draft(consumer, data={}, documents=False)
    login(consumer)
    response = client.post(f"/my/applications/{draft.id}/documents",
                           data=with_document({**TYPED, "max_power_kw": "много"}))
    page = response.get_data(as_text=True)
    assert "Файл успешно загружен" in page and 'data-test="error-f_max_power_kw">Введите число' in page
    assert shown_value(page, "max_power_kw") == "много" and shown_value(page, "city") == "Зеленодольск"
    assert fresh(draft).data.get("city") == "Зеленодольск" and count(Attachment) == 1


def test_a_refused_message_keeps_its_text(client, login, consumer, ctx):
    application = make_submitted(consumer)
    login(consumer)
    response = client.post(f"/my/applications/{application.id}/messages", data={
        "body": "Прошу учесть приложенный план", "file_title": "План", "file": (io.BytesIO(EXE), "plan.exe")})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Недопустимый тип файла" in page
    assert re.search(r'<textarea[^>]*name="body"[^>]*>\s*Прошу учесть приложенный план</textarea>', page)
    assert count(Message) == 0


def test_a_refused_document_on_the_application_page_keeps_its_comment(client, login, consumer, ctx):
    application = make_submitted(consumer)
    before = count(Attachment)
    login(consumer)
    response = client.post(f"/my/applications/{application.id}/documents", data={
        "document_type_id": "0", "title": "Доверенность", "comment": "Подписана директором",
        "file": (io.BytesIO(EXE), "scan.exe")})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Недопустимый тип файла" in page
    assert 'value="Доверенность"' in page and "Подписана директором</textarea>" in page
    assert count(Attachment) == before
