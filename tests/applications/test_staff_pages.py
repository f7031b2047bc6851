"""Staff «Документооборот» over HTTP: queue filters and search, the item page, stale forms, SQL budget."""
import io
import re
from datetime import timedelta

from sqlalchemy import event, select

from app.core.errors import STALE_FORM
from app.extensions import db
from app.models import Application, Attachment, LegalForm
from app.security.roles import STAFF
from tests.applications.conftest import (
    COMPLETE_PROFILE,
    PDF,
    app_type,
    doc_type,
    make_submitted,
    move,
    status,
    transition,
)
from tests.factories import make_consumer, make_staff
from workflows.applications import service


def rows(html):
    return [int(x) for x in re.findall(r'data-test="queue-row" data-id="(\d+)"', html)]


def test_queue_shows_identity_and_filters(client, login, consumer, staff, ctx):
    company = make_consumer(LegalForm.LEGAL_ENTITY, **COMPLETE_PROFILE[LegalForm.LEGAL_ENTITY])
    first, second = make_submitted(consumer), make_submitted(company)
    move(second, "review", "offer", staff)
    login(staff)
    html = client.get("/staff/queue/").get_data(as_text=True)
    assert set(rows(html)) == {first.id, second.id}
    assert "Физическое лицо - СНИЛС" in html and company.consumer.ogrn in html and company.email in html
    assert rows(client.get(f"/staff/queue/?status={status('offer').id}").get_data(as_text=True)) == [second.id]
    assert rows(client.get(f"/staff/queue/?type={app_type('heat').id}").get_data(as_text=True)) == []
    assert rows(client.get(f"/staff/queue/?q={company.consumer.inn}").get_data(as_text=True)) == [second.id]
    assert rows(client.get(f"/staff/queue/?q={consumer.consumer.snils}").get_data(as_text=True)) == [first.id]
    assert rows(client.get("/staff/queue/?q=ООО").get_data(as_text=True)) == [second.id]
    service.assign_number(first, "1563", staff)
    db.session.commit()
    assert rows(client.get("/staff/queue/?q=1563").get_data(as_text=True)) == [first.id]
    tomorrow = (service.today() + timedelta(days=1)).isoformat()
    assert rows(client.get(f"/staff/queue/?from={tomorrow}").get_data(as_text=True)) == []
    assert len(rows(client.get(f"/staff/queue/?to={tomorrow}").get_data(as_text=True))) == 2


def test_queue_overdue_filter(client, login, consumer, staff, ctx):
    late, fine = make_submitted(consumer), make_submitted(consumer)
    late.due_on = service.today() - timedelta(days=1)
    db.session.commit()
    login(staff)
    html = client.get("/staff/queue/?overdue=1").get_data(as_text=True)
    assert rows(html) == [late.id] and 'data-test="overdue"' in html


def test_queue_pages(client, login, consumer, staff, ctx):
    ids = [make_submitted(consumer).id for _ in range(3)]
    for i in range(22):
        copy = Application(application_type_id=app_type().id, consumer_id=consumer.consumer.id,
                           status_id=status("review").id, data={}, tracker={},
                           submitted_at=db.session.get(Application, ids[0]).submitted_at - timedelta(minutes=i + 1))
        db.session.add(copy)
    db.session.commit()
    login(staff)
    first = client.get("/staff/queue/").get_data(as_text=True)
    assert len(rows(first)) == 20 and 'data-test="next"' in first
    second = client.get("/staff/queue/?page=2").get_data(as_text=True)
    assert len(rows(second)) == 5 and 'data-test="next"' not in second


def _queries_of(client, url):
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return statements, response.get_data(as_text=True)


def test_queue_runs_at_most_8_queries_at_any_page_size(client, login, consumer, staff, ctx):
    for _ in range(6):
        make_submitted(make_consumer(**COMPLETE_PROFILE[LegalForm.INDIVIDUAL]))
    login(staff)
    client.get("/staff/queue/")  # warm FAB's per-process caches
    small, html_small = _queries_of(client, "/staff/queue/?per_page=5")
    large, html_large = _queries_of(client, "/staff/queue/?per_page=100&q=Иванов")
    assert len(rows(html_small)) == 5 and len(rows(html_large)) == 6
    # FAB checks menu_access once per menu entry (the same on every page); the queue's own:
    own_small = [q for q in small if "ab_permission_view" not in q]
    own_large = [q for q in large if "ab_permission_view" not in q]
    assert len(own_small) == len(own_large) <= 8, "\n".join(" ".join(q.split())[:200] for q in own_large)
    assert len(small) == len(large)  # the same at any page size


def test_assign_number_and_status_in_one_save(client, login, consumer, staff, fresh, ctx):
    application = make_submitted(consumer)
    login(staff)
    page = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert "Подготовка оферты договора" in page and "Регистрационный номер" in page
    response = client.post(f"/staff/applications/{application.id}/save", data={
        "version": application.version, "assign_number": "y",
        "transition_id": transition("review", "offer").id})
    assert response.status_code == 302
    application = fresh(application)
    assert application.number == f"ТП-{service.today().year}-00001"
    assert application.status.name == "Подготовка оферты договора"
    assert application.due_on == service.add_working_days(service.today(), 10)


def test_transition_that_needs_a_document_shows_the_message(client, login, consumer, staff, fresh, ctx):
    application = make_submitted(consumer)
    login(staff)
    response = client.post(f"/staff/applications/{application.id}/save", data={
        "version": application.version, "transition_id": transition("review", "missing_data").id})
    assert response.status_code == 400
    assert "Для этого статуса необходимо приложить документ." in response.get_data(as_text=True)
    assert fresh(application).status.code == "review"
    response = client.post(f"/staff/applications/{application.id}/save", content_type="multipart/form-data", data={
        "version": application.version, "transition_id": transition("review", "missing_data").id,
        "status_document_type_id": doc_type("missing_data").id, "comment": "Нет плана участка",
        "status_file": (io.BytesIO(PDF), "Перечень.pdf")})
    assert response.status_code == 302
    application = fresh(application)
    assert application.status.code == "missing_data"
    assert [a.purpose for a in application.attachments if a.side == "organization"] == ["missing_data"]
    assert application.events[-1].comment == "Нет плана участка"


def test_second_save_of_a_stale_form_is_refused(client, login, consumer, staff, fresh, ctx):
    application = make_submitted(consumer)
    rendered_version = application.version
    colleague = make_staff(STAFF)
    login(colleague)
    assert client.post(f"/staff/applications/{application.id}/save", data={
        "version": rendered_version, "transition_id": transition("review", "offer").id}).status_code == 302
    login(staff)
    response = client.post(f"/staff/applications/{application.id}/save", data={
        "version": rendered_version, "number": "999", "transition_id": transition("review", "refused").id})
    assert response.status_code == 409
    assert str(STALE_FORM) in response.get_data(as_text=True)
    application = fresh(application)
    assert application.status.code == "offer" and application.number is None


def test_typed_number_must_be_unique(client, login, consumer, staff, fresh, ctx):
    first, second = make_submitted(consumer), make_submitted(consumer)
    service.assign_number(first, "1563", staff)
    db.session.commit()
    login(staff)
    response = client.post(f"/staff/applications/{second.id}/save", data={"version": second.version,
                                                                          "number": "1563"})
    assert response.status_code == 400
    assert re.search(r'data-test="error-number">Этот регистрационный номер уже присвоен другой заявке',
                     response.get_data(as_text=True))
    assert fresh(second).number is None


def test_free_status_on_a_message(client, login, consumer, staff, fresh, ctx):
    message, _ = service.open_draft(consumer.consumer, app_type("message"), consumer)
    service.save_data(message, {"subject": "Тема", "body": "<p>Текст</p>"}, consumer)
    service.submit(message, consumer)
    db.session.commit()
    login(staff)
    assert "Или введите свой статус" in client.get(f"/staff/applications/{message.id}").get_data(as_text=True)
    client.post(f"/staff/applications/{message.id}/save", data={"version": message.version,
                                                                "free_status": "Передано в ПТО"})
    assert fresh(message).display_status == "Передано в ПТО"
    login(consumer)
    assert "Передано в ПТО" in client.get("/my/applications/").get_data(as_text=True)


def test_stage_notes_and_tracker(client, login, consumer, staff, fresh, ctx):
    application = make_submitted(consumer)
    login(staff)
    bad = client.post(f"/staff/applications/{application.id}/notes", data={"text": ""})
    assert bad.status_code == 400 and 'data-test="error-text">Поле обязательно для заполнения' in bad.get_data(
        as_text=True)
    client.post(f"/staff/applications/{application.id}/notes", data={"text": "Ведется проектирование"})
    bad = client.post(f"/staff/applications/{application.id}/tracker", data={"date_3": "32.13.2026"})
    assert bad.status_code == 400 and "Введите дату в формате ДД.ММ.ГГГГ" in bad.get_data(as_text=True)
    client.post(f"/staff/applications/{application.id}/tracker", data={"date_3": "13.03.2026", "state_6_1": "выполнено"})
    application = fresh(application)
    assert application.tracker == {"3": {"date": "2026-03-13"}, "6.1": {"state": "выполнено"}}
    assert any(e.kind == "note" and e.status_name == "Ведется проектирование" for e in application.events)


def test_wrong_document_is_removed_but_kept_in_history(client, login, consumer, staff, fresh, ctx):
    application = make_submitted(consumer)
    attachment_id = application.attachments[0].id
    login(staff)
    response = client.post(f"/staff/applications/{application.id}/documents/{attachment_id}/delete",
                           follow_redirects=True)
    assert "Документ удален (сохранен в истории)" in response.get_data(as_text=True)
    html = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert "Удаленные документы" in html and "Удален документ" in html
    assert fresh(application).attachments[0].deleted_at is not None
    login(consumer)
    assert client.get(f"/my/applications/{application.id}/files/{attachment_id}").status_code == 404


def test_invoice_and_two_sided_document(client, login, consumer, staff, sent, ctx):
    application = make_submitted(consumer)
    login(staff)
    response = client.post(f"/staff/applications/{application.id}/documents", data={
        "document_type_id": doc_type("invoice").id, "purpose": "invoice", "file": (io.BytesIO(PDF), "Счет.pdf")})
    assert response.status_code == 302
    client.post(f"/staff/applications/{application.id}/documents", data={
        "document_type_id": doc_type("offer").id, "needs_two_sided_signature": "y",
        "file": (io.BytesIO(PDF), "Договор ТП.pdf")})
    offer = db.session.scalar(select(Attachment).where(Attachment.title == doc_type("offer").name))
    assert offer.needs_two_sided_signature and offer.side == "organization"
    bad = client.post(f"/staff/applications/{application.id}/documents", data={
        "document_type_id": "0", "title": "", "file": (io.BytesIO(PDF), "x.pdf")})
    assert bad.status_code == 400
    login(consumer)
    html = client.get(f"/my/applications/{application.id}").get_data(as_text=True)
    assert 'data-test="invoice"' in html and "Счет.pdf" in html
    assert any("Счет на оплату технологического присоединения" in m["Subject"] for m in sent.emails)


def test_staff_message_reaches_the_consumer(client, login, consumer, staff, sent, ctx):
    application = make_submitted(consumer)
    login(staff)
    client.post(f"/staff/applications/{application.id}/messages",
                data={"body": "Здравствуйте! По вашей заявке отсутствуют документы"})
    login(consumer)
    html = client.get(f"/my/applications/{application.id}").get_data(as_text=True)
    assert "По вашей заявке отсутствуют документы" in html
    assert any(m["To"] == consumer.email and "Новое сообщение" in m["Subject"] for m in sent.emails)
