"""Consumer pages over HTTP: «Подать заявку», the draft form, documents, «Мои заявки», messages, notices."""
import io
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.core.files import stored_path
from app.models import Application, Attachment, LegalForm, Message, Notification, StoredFile
from app.core.settings import set_setting
from tests.applications.conftest import PDF, TP_DATA, doc_type, make_draft, make_submitted, move
from tests.factories import make_consumer


def form_data(values: dict, action="save") -> dict:
    return {"action": action, **{f"f_{k}": v for k, v in values.items()}}


def errors_of(html: str) -> dict:
    found = {}
    for name, message in re.findall(r'data-test="error-f_(\w+)">([^<]+)<', html):
        assert name not in found, f"two messages under {name}"
        found[name] = message
    return found


def test_incomplete_profile_goes_back_to_my_data_with_the_seed_warning(client, login, reference_data):
    user = make_consumer(LegalForm.INDIVIDUAL)
    login(user)
    response = client.get("/my/applications/new")
    assert response.status_code == 302 and response.headers["Location"].endswith("/my/profile/")
    with client.session_transaction() as session:
        flashes = session.get("_flashes", [])
    assert ("warning", "Внимание! Для подачи заявки необходимо заполнить все обязательные поля") in flashes


def test_new_creates_a_draft_then_reopens_it_with_the_notice(client, login, consumer, ctx):
    login(consumer)
    page = client.get("/my/applications/new").get_data(as_text=True)
    assert "Создать сообщение сетевой организации" in page
    first = client.post("/my/applications/new", data={"type_code": "tp"})
    assert re.search(r"/my/applications/\d+/edit$", first.headers["Location"])
    second = client.post("/my/applications/new", data={"type_code": "tp"})
    assert "reopened=1" in second.headers["Location"]
    html = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "Внимание! Автоматически открыт последний сохранённый черновик заявки (сохранен" in html
    assert "Создать новую заявку." in html
    assert "В черновике хранится одна заявка. Чтобы создать новую необходимо отправить заявку или удалить ее" in html
    refused = client.post("/my/applications/new", data={"type_code": "tp", "new": "1"}, follow_redirects=True)
    assert "В черновике хранится одна заявка" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Application)) == 1


def test_save_draft_keeps_values(client, login, consumer, fresh, ctx):
    draft = make_draft(consumer, data={}, documents=False)
    login(consumer)
    response = client.post(f"/my/applications/{draft.id}/edit", data=form_data({**TP_DATA, "city": ""}))
    assert response.status_code == 302
    draft = fresh(draft)
    assert draft.data["object_address"] == "Казань, Салимжанова, 1" and draft.status.is_draft
    assert draft.object_address == "Казань, Салимжанова, 1"


@pytest.mark.parametrize("field, value, message", [
    ("max_power_kw", "много", "Введите число"),
    ("max_power_kw", "-5", "Значение не может быть отрицательным"),
    ("voltage_level", "220000", "Выберите значение из списка"),
    ("commissioning_date", "31.02.2026", "Введите дату в формате ДД.ММ.ГГГГ"),
    ("max_power_kw", "15,5,5", "Введите число"),
])
def test_invalid_values_show_their_message_under_the_field_and_change_nothing(client, login, consumer, fresh,
                                                                              field, value, message, ctx):
    draft = make_draft(consumer)
    before = dict(draft.data)
    login(consumer)
    response = client.post(f"/my/applications/{draft.id}/edit", data=form_data({**TP_DATA, field: value}))
    assert response.status_code == 200
    errors = errors_of(response.get_data(as_text=True))
    assert field in errors and list(errors) == [field]
    assert errors[field] == message
    assert fresh(draft).data == before


def test_submit_without_required_fields_marks_each_one(client, login, consumer, fresh, ctx):
    draft = make_draft(consumer, data={}, documents=False)
    login(consumer)
    response = client.post(f"/my/applications/{draft.id}/edit",
                           data=form_data({**TP_DATA, "city": "", "reliability_category": ""}, action="submit"))
    errors = errors_of(response.get_data(as_text=True))
    assert errors == {"city": "Поле обязательно для заполнения",
                      "reliability_category": "Поле обязательно для заполнения"}
    assert fresh(draft).status.is_draft


def test_submit_without_documents_names_them(client, login, consumer, fresh, ctx):
    draft = make_draft(consumer, documents=False)
    login(consumer)
    html = client.post(f"/my/applications/{draft.id}/edit", data=form_data(TP_DATA, action="submit"),
                       follow_redirects=True).get_data(as_text=True)
    assert "Приложите обязательные документы" in html and "План расположения энергопринимающих устройств" in html
    assert fresh(draft).status.is_draft


def test_submit_lands_in_my_applications_and_the_queue(client, login, consumer, staff, fresh, ctx):
    draft = make_draft(consumer)
    login(consumer)
    assert f'/my/applications/{draft.id}/edit" title="Редактировать"' in client.get("/my/applications/").get_data(as_text=True)
    response = client.post(f"/my/applications/{draft.id}/edit", data=form_data(TP_DATA, action="submit"))
    assert response.headers["Location"].endswith(f"/my/applications/{draft.id}")
    assert fresh(draft).status.name == "На рассмотрении"
    listing = client.get("/my/applications/").get_data(as_text=True)
    assert "На рассмотрении" in listing and "Казань, Салимжанова, 1" in listing
    assert "Срок ответа организации" in listing
    login(staff)
    assert f'data-id="{draft.id}"' in client.get("/staff/queue/").get_data(as_text=True)


def test_upload_is_saved_at_once_with_a_success_message(client, login, consumer, ctx):
    draft = make_draft(consumer, documents=False)
    login(consumer)
    response = client.post(f"/my/applications/{draft.id}/documents", follow_redirects=True, data={
        "document_type_id": str(doc_type("site_plan").id), "title": "", "comment": "План участка",
        "file": (io.BytesIO(PDF), "План.pdf"), "next": "edit"})
    html = response.get_data(as_text=True)
    assert "Файл успешно загружен" in html and "План.pdf" in html
    attachment = db.session.scalar(select(Attachment))
    assert attachment.title == doc_type("site_plan").name and attachment.comment == "План участка"


def test_typed_document_name_is_used_when_none_is_chosen(client, login, consumer, ctx):
    draft = make_draft(consumer, documents=False)
    login(consumer)
    client.post(f"/my/applications/{draft.id}/documents", data={
        "document_type_id": "0", "title": "Дополнительный материал", "file": (io.BytesIO(PDF), "a.pdf")})
    assert db.session.scalar(select(Attachment.title)) == "Дополнительный материал"


def test_oversize_upload_gives_a_message_and_stores_nothing(client, login, consumer, app, ctx):
    from pathlib import Path

    set_setting("upload_max_file_mb", 1)
    db.session.commit()
    draft = make_draft(consumer, documents=False)
    files_before = sorted(Path(app.config["UPLOAD_DIR"]).rglob("*"))
    stored_before = db.session.scalar(select(func.count()).select_from(StoredFile))
    login(consumer)
    html = client.post(f"/my/applications/{draft.id}/documents", follow_redirects=True, data={
        "document_type_id": "0", "title": "Большой", "file": (io.BytesIO(PDF + b"0" * (1024 * 1024 + 1)), "big.pdf"),
    }).get_data(as_text=True)
    assert "Файл слишком большой. Максимальный размер файла 1 МБ" in html
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == stored_before
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    added = set(Path(app.config["UPLOAD_DIR"]).rglob("*")) - set(files_before)
    assert not [p for p in added if p.is_file() and p.stat().st_size > 1024 * 1024]


def test_file_with_a_false_extension_is_refused(client, login, consumer, ctx):
    draft = make_draft(consumer, documents=False)
    login(consumer)
    html = client.post(f"/my/applications/{draft.id}/documents", follow_redirects=True, data={
        "document_type_id": "0", "title": "Скан", "file": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 200), "scan.pdf"),
    }).get_data(as_text=True)
    assert "Содержимое файла не соответствует его типу" in html
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_upload_without_name_or_file_shows_messages(client, login, consumer, ctx):
    draft = make_draft(consumer, documents=False)
    login(consumer)
    html = client.post(f"/my/applications/{draft.id}/documents", follow_redirects=True,
                       data={"document_type_id": "0", "title": ""}).get_data(as_text=True)
    assert "Выберите файл" in html
    html = client.post(f"/my/applications/{draft.id}/documents", follow_redirects=True, data={
        "document_type_id": "0", "title": "", "file": (io.BytesIO(PDF), "a.pdf")}).get_data(as_text=True)
    assert "Выберите название документа из списка или введите его" in html
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_forms_link_comes_from_settings_and_hides_when_empty(client, login, consumer, ctx):
    draft = make_draft(consumer, documents=False)
    login(consumer)
    assert "Заявки для заполнения вы можете скачать здесь" not in client.get(
        f"/my/applications/{draft.id}/edit").get_data(as_text=True)
    set_setting("application_forms_url", "https://seti.example/forms")
    db.session.commit()
    html = client.get(f"/my/applications/{draft.id}/edit").get_data(as_text=True)
    assert 'href="https://seti.example/forms"' in html


def test_delete_draft_removes_its_documents_and_their_files(client, login, consumer, ctx):
    draft = make_draft(consumer)
    paths = [stored_path(a.file) for a in draft.attachments]
    assert paths and all(path.exists() for path in paths)
    files_before = db.session.scalar(select(func.count()).select_from(StoredFile))
    login(consumer)
    response = client.post(f"/my/applications/{draft.id}/delete", follow_redirects=True)
    assert "Черновик удален" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == files_before - len(paths)
    assert not any(path.exists() for path in paths)


def test_a_rolled_back_draft_deletion_keeps_the_files(consumer, ctx):
    from workflows.applications import service

    draft = make_draft(consumer)
    paths = [stored_path(a.file) for a in draft.attachments]
    files_before = db.session.scalar(select(func.count()).select_from(StoredFile))
    service.delete_draft(draft, consumer)
    db.session.rollback()
    assert paths and all(path.exists() for path in paths)
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == files_before


def test_missing_data_page_shows_the_document_and_allows_resubmission(client, login, consumer, staff, fresh, ctx):
    application = make_submitted(consumer)
    move(application, "review", "missing_data", staff, with_document=True)
    login(consumer)
    page = client.get(f"/my/applications/{application.id}").get_data(as_text=True)
    assert "Недостающие данные" in page and "letter.pdf" in page and "Дополнить заявку" in page
    edit = client.get(f"/my/applications/{application.id}/edit").get_data(as_text=True)
    assert "Отправить повторно" in edit
    client.post(f"/my/applications/{application.id}/documents", data={
        "document_type_id": str(doc_type("passport_copy").id), "file": (io.BytesIO(PDF), "passport.pdf"),
        "next": "edit"})
    response = client.post(f"/my/applications/{application.id}/edit",
                           data=form_data({**TP_DATA, "city": "Зеленодольск"}, action="submit"))
    assert response.status_code == 302
    application = fresh(application)
    assert application.status.name == "На рассмотрении" and application.data["city"] == "Зеленодольск"


def test_refusal_reason_is_shown(client, login, consumer, staff, ctx):
    application = make_submitted(consumer)
    move(application, "review", "refused", staff, with_document=True)
    login(consumer)
    html = client.get(f"/my/applications/{application.id}").get_data(as_text=True)
    assert "Причина отказа" in html and "letter.pdf" in html
    assert "Добавить сообщение" not in html  # closed


def test_connection_page_shows_stage_tracker_and_history(client, login, consumer, staff, ctx):
    from workflows.applications import service

    application = make_submitted(consumer)
    service.assign_number(application, "1563", staff)
    service.update_tracker(application, {"3": {"date": "2026-03-13"}, "5": {"state": "выполнено"}}, staff)
    db.session.commit()
    login(consumer)
    html = client.get(f"/my/applications/{application.id}").get_data(as_text=True)
    assert "Основные этапы обработки заявки" in html
    assert re.search(r'data-stage="1"[^>]*>.*?№ 1563', html, re.S)
    assert re.search(r'data-stage="3"[^>]*>.*?13\.03\.2026', html, re.S)
    assert re.search(r'data-stage="5"[^>]*>.*?выполнено', html, re.S)
    assert "Присвоен регистрационный номер" in html


def test_message_thread_sanitizes_and_reaches_staff(client, login, consumer, staff, ctx):
    application = make_submitted(consumer)
    login(consumer)
    client.post(f"/my/applications/{application.id}/messages",
                data={"body": "<b>Когда</b> будет ответ?<script>alert(1)</script>"})
    login(staff)
    html = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert "<b>Когда</b> будет ответ?" in html and "alert(1)" not in html


def test_empty_message_is_refused(client, login, consumer, ctx):
    application = make_submitted(consumer)
    login(consumer)
    html = client.post(f"/my/applications/{application.id}/messages", data={"body": ""},
                       follow_redirects=True).get_data(as_text=True)
    assert "Введите текст сообщения" in html


def test_standalone_message_has_its_own_draft(client, login, consumer, fresh, ctx):
    login(consumer)
    response = client.post("/my/applications/new", data={"type_code": "message"})
    draft_id = int(re.search(r"/(\d+)/edit", response.headers["Location"]).group(1))
    html = client.get(f"/my/applications/{draft_id}/edit").get_data(as_text=True)
    assert "В черновике хранится одно сообщение" in html and ">Отправить<" in html
    client.post(f"/my/applications/{draft_id}/edit",
                data=form_data({"subject": "Вопрос по договору", "body": "<p>Прошу сообщить</p>"}, action="submit"))
    application = db.session.get(Application, draft_id)
    assert fresh(application).status.name == "Ожидание ответа электросетевой"
    row = re.search(rf'<tr data-test="application-row" data-id="{draft_id}">.*?</tr>',
                    client.get("/my/applications/").get_data(as_text=True), re.S).group(0)
    assert "Вопрос по договору" in row and application.application_type.name in row
    assert "Ожидание ответа электросетевой" in row and "Редактировать" not in row


def test_notifications_page_lists_status_changes(client, login, consumer, staff, ctx):
    application = make_submitted(consumer)
    move(application, "review", "offer", staff)
    login(consumer)
    html = client.get("/my/notifications/").get_data(as_text=True)
    assert "Подготовка оферты договора" in html
    client.post("/my/notifications/read")
    db.session.expire_all()
    assert all(n.read_at for n in db.session.scalars(select(Notification).where(Notification.user_id == consumer.id)))


def test_forms_are_csrf_protected(app, client, login, consumer, ctx):
    draft = make_draft(consumer)
    login(consumer)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/my/applications/{draft.id}/delete")
        assert response.status_code == 400
        response = client.post(f"/my/applications/{draft.id}/edit", data=form_data({"city": "X"}))
        assert response.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.expire_all()
    assert db.session.get(Application, draft.id).data["city"] == "Казань"


def test_messages_are_marked_new_once_and_their_authors_see_when_they_were_read(client, login, consumer, staff,
                                                                               fresh, ctx):
    application = make_submitted(consumer)
    login(consumer)
    client.post(f"/my/applications/{application.id}/messages", data={"body": "Когда будет ответ?"})
    own = client.get(f"/my/applications/{application.id}").get_data(as_text=True)
    assert 'data-test="message-read">Не прочитано' in own and 'data-test="message-new"' not in own

    login(staff)
    first = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert first.count('data-test="message-new"') == 1
    assert 'data-test="message-new"' not in client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    client.post(f"/staff/applications/{application.id}/messages", data={"body": "Ответ будет завтра"})

    login(consumer)
    page = client.get(f"/my/applications/{application.id}").get_data(as_text=True)
    db.session.expire_all()
    read_at = db.session.scalar(
        select(Message.read_at).where(Message.application_id == application.id, Message.from_organization.is_(False)))
    assert read_at is not None
    assert re.search(r'data-test="message-read">Прочитано \d\d\.\d\d\.\d{4} \d\d:\d\d', page)
    assert page.count('data-test="message-new"') == 1  # the organization's answer
    assert 'data-test="message-new"' not in client.get(f"/my/applications/{application.id}").get_data(as_text=True)


def test_consumer_deletes_a_document_of_the_draft_but_not_of_a_submitted_application(client, login, consumer, ctx):
    submitted = make_submitted(consumer)
    draft = make_draft(consumer)
    assert draft.id != submitted.id
    attachment_id, kept_id = draft.attachments[0].id, submitted.attachments[0].id
    login(consumer)
    response = client.post(f"/my/applications/{draft.id}/documents/{attachment_id}/delete", follow_redirects=True)
    assert "Документ удален" in response.get_data(as_text=True)
    assert response.request.path == f"/my/applications/{draft.id}/edit"

    response = client.post(f"/my/applications/{submitted.id}/documents/{kept_id}/delete", follow_redirects=True)
    assert "Этот документ нельзя удалить" in response.get_data(as_text=True)
    assert response.request.path == f"/my/applications/{submitted.id}"
    db.session.expire_all()
    assert db.session.get(Attachment, attachment_id).deleted_at is not None
    assert db.session.get(Attachment, kept_id).deleted_at is None
