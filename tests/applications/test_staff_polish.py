"""Issue 12 (round-1 polish), application pages of both sides over HTTP: stage notes apart from status
changes, the refusal and missing-data panels, «Удалить» only where allowed, each document once."""
import io
import re

from sqlalchemy import select

from app.extensions import db
from app.models import Attachment
from tests.applications.conftest import PDF, doc_type, make_submitted, move
from workflows.applications import service


def test_stage_note_is_a_stage_item_not_a_status_change(client, login, consumer, staff, ctx):
    application = make_submitted(consumer)
    login(staff)
    client.post(f"/staff/applications/{application.id}/notes", data={"text": "Ведется проектирование"})
    for viewer, url in ((staff, f"/staff/applications/{application.id}"),
                        (consumer, f"/my/applications/{application.id}")):
        login(viewer)
        html = client.get(url).get_data(as_text=True)
        note = re.search(r'<tr data-test="event" data-kind="note"[^>]*>(.*?)</tr>', html, re.S)
        assert note, url
        assert 'class="kb-history-stage"' in note.group(0)
        text = " ".join(re.sub(r"<[^>]+>", " ", note.group(1)).split())
        assert "Ход работ: Ведется проектирование" in text and "Статус" not in text
        change = re.search(r'<tr data-test="event" data-kind="status"[^>]*>(.*?)</tr>', html, re.S).group(1)
        assert "Статус изменен" in " ".join(re.sub(r"<[^>]+>", " ", change).split())


def panel(html, test):
    match = re.search(rf'<div class="panel[^"]*" data-test="{test}">(.*?)</div>\s*</div>', html, re.S)
    return match and " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_refusal_comment_is_in_the_refusal_panel(client, login, consumer, staff, ctx):
    application = make_submitted(consumer)
    move(application, "review", "refused", staff, with_document=True, comment="Нет свободной мощности на ПС «Южная»")
    for viewer, url in ((consumer, f"/my/applications/{application.id}"),
                        (staff, f"/staff/applications/{application.id}")):
        login(viewer)
        refusal = panel(client.get(url).get_data(as_text=True), "refusal-reason")
        assert refusal and "Нет свободной мощности на ПС «Южная»" in refusal and "letter.pdf" in refusal, url


def test_missing_data_panel_goes_once_the_data_is_supplied(client, login, consumer, staff, ctx):
    application = make_submitted(consumer)
    move(application, "review", "missing_data", staff, with_document=True, comment="Нет плана участка")
    login(consumer)
    shown = panel(client.get(f"/my/applications/{application.id}").get_data(as_text=True), "missing-data")
    assert shown and "letter.pdf" in shown and "Нет плана участка" in shown
    assert "Нет плана участка" in panel(client.get(f"/my/applications/{application.id}/edit").get_data(as_text=True),
                                        "missing-data")
    service.submit(application, consumer)  # «Отправить повторно»
    db.session.commit()
    assert 'data-test="missing-data"' not in client.get(f"/my/applications/{application.id}").get_data(as_text=True)
    login(staff)
    assert 'data-test="missing-data"' not in client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    # a second request shows only what it asked for
    move(application, "review", "missing_data", staff, with_document=True, comment="Нужна выписка ЕГРН")
    login(consumer)
    shown = panel(client.get(f"/my/applications/{application.id}").get_data(as_text=True), "missing-data")
    assert "Нужна выписка ЕГРН" in shown and "Нет плана участка" not in shown and shown.count("letter.pdf") == 1


def test_edit_page_offers_delete_only_where_it_is_allowed(client, login, consumer, staff, ctx):
    application = make_submitted(consumer)
    move(application, "review", "missing_data", staff, with_document=True)
    letter = next(a for a in application.attachments if a.side == "organization")
    own = next(a for a in application.attachments if a.side == "consumer")
    login(consumer)
    html = client.get(f"/my/applications/{application.id}/edit").get_data(as_text=True)
    row = re.search(rf'<tr data-test="document" data-id="{letter.id}">.*?</tr>', html, re.S).group(0)
    assert "letter.pdf" in row and 'data-test="delete-document"' not in row
    row = re.search(rf'<tr data-test="document" data-id="{own.id}">.*?</tr>', html, re.S).group(0)
    assert 'data-test="delete-document"' in row


def test_each_document_is_listed_once_with_its_actions(client, login, consumer, staff, ctx):
    application = make_submitted(consumer)
    login(staff)
    client.post(f"/staff/applications/{application.id}/documents", data={
        "document_type_id": doc_type("offer").id, "needs_two_sided_signature": "y",
        "file": (io.BytesIO(PDF), "Договор ТП.pdf")})
    offer = db.session.scalar(select(Attachment).where(Attachment.needs_two_sided_signature.is_(True)))
    every = sorted(db.session.scalars(select(Attachment.id).where(Attachment.application_id == application.id)))
    assert offer.id in every and len(every) == 3
    for viewer, url in ((staff, f"/staff/applications/{application.id}"),
                        (consumer, f"/my/applications/{application.id}")):
        login(viewer)
        html = client.get(url).get_data(as_text=True)
        listed = re.findall(r'data-test="(?:document|sign-document)" data-id="(\d+)"', html)
        assert sorted(map(int, listed)) == every, url  # each once
        assert f"/documents/attachment/{offer.id}/file" in html  # «Скачать файл» in the panel
    login(staff)
    html = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    item = re.search(rf'data-test="sign-document" data-id="{offer.id}">.*?</li>', html, re.S).group(0)
    assert 'data-test="sign-organization"' in item and 'data-test="delete-document"' in item
    response = client.post(f"/staff/applications/{application.id}/documents/{offer.id}/delete",
                           follow_redirects=True)
    assert "Документ удален (сохранен в истории)" in response.get_data(as_text=True)
