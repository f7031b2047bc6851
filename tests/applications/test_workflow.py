"""The applications service without HTTP: drafts, submission, the transition table, history, deadlines."""
from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Application,
    ApplicationEvent,
    AuditRecord,
    CalendarDay,
    LegalForm,
    Notification,
    OutboxMessage,
    Status,
    Transition,
)
from app.core.settings import set_setting
from app.security.roles import ADMIN, CONSUMER, ORG_ADMIN, STAFF
from tests.applications.conftest import (
    COMPLETE_PROFILE,
    TP_DATA,
    app_type,
    doc_type,
    make_draft,
    make_submitted,
    move,
    pdf,
    status,
    transition,
)
from tests.factories import make_consumer, make_staff
from workflows.applications import service
from workflows.applications.calendar import add_working_days, working_days_between
from workflows.applications.defaults import holidays_for, seed_applications
from app.core.errors import STALE_FORM
from workflows.applications.guards import GUARDS, InvalidTransition, StaleForm, TransitionContext, register_guard


# ---- reference data -----------------------------------------------------------------

def test_seeder_ships_types_fields_statuses_and_is_idempotent(reference_data):
    names = {t.name for t in service.active_types()}
    assert {"Заявка на технологическое присоединение", "Заявка на перераспределение максимальной мощности",
            "Заявка на подключение к тепловым сетям", "Сообщение сетевой организации"} <= names
    labels = [f.label for f in service.fields_for(app_type("tp"), LegalForm.INDIVIDUAL.value)]
    assert labels[:5] == ["Наименование/ФИО заявителя", "Основание заключения договора", "Город подключения",
                          "Полный адрес объекта", "Характеристика и назначение объекта"]
    assert "Максимальная мощность энергопринимающих устройств, кВт" in labels
    assert "Реквизиты доверенности представителя" not in labels  # ИП/ЮЛ only
    assert "Реквизиты доверенности представителя" in [
        f.label for f in service.fields_for(app_type("tp"), LegalForm.LEGAL_ENTITY.value)]
    assert status("review").name == "На рассмотрении" and status("review").is_initial
    assert status("submitted", "heat").name == "Подана"
    assert status("waiting", "message").name == "Ожидание ответа электросетевой"
    counts = [db.session.query(m).count() for m in (Status, Transition, CalendarDay)]
    seed_applications()
    db.session.commit()
    assert [db.session.query(m).count() for m in (Status, Transition, CalendarDay)] == counts


def test_russian_holidays_are_non_working(reference_data):
    assert date(2026, 1, 7) in holidays_for(2026) and date(2026, 6, 12) in holidays_for(2026)
    # 08.03.2026 is a Sunday: 09.03 is the day off; 01.11.2025 was a working Saturday
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 10)
    assert add_working_days(date(2025, 10, 31), 1) == date(2025, 11, 1)
    assert add_working_days(date(2025, 12, 30), 1) == date(2026, 1, 12)
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 10)) == 1


def test_admin_edited_calendar_moves_deadlines(reference_data):
    assert add_working_days(date(2026, 4, 10), 1) == date(2026, 4, 13)
    db.session.add(CalendarDay(day=date(2026, 4, 13), is_working=False, note="Санитарный день"))
    db.session.flush()
    assert add_working_days(date(2026, 4, 10), 1) == date(2026, 4, 14)


# ---- drafts (B2) ------------------------------------------------------------------

def test_first_request_creates_a_draft_the_second_reopens_it(consumer):
    first, reopened = service.open_draft(consumer.consumer, app_type(), consumer)
    assert not reopened and first.status.is_draft
    assert first.data["applicant_name"] == consumer.consumer.display_name
    again, reopened = service.open_draft(consumer.consumer, app_type(), consumer)
    assert reopened and again.id == first.id


def test_one_draft_per_type_by_default_with_the_seed_message(consumer):
    service.open_draft(consumer.consumer, app_type(), consumer)
    with pytest.raises(service.ApplicationError, match="В черновике хранится одна заявка"):
        service.open_draft(consumer.consumer, app_type(), consumer, new=True)
    with pytest.raises(service.ApplicationError, match="В черновике хранится одно сообщение"):
        service.open_draft(consumer.consumer, app_type("message"), consumer)
        service.open_draft(consumer.consumer, app_type("message"), consumer, new=True)


def test_drafts_limit_is_a_setting(consumer):
    set_setting("drafts_per_type", 2)
    service.open_draft(consumer.consumer, app_type(), consumer)
    second, reopened = service.open_draft(consumer.consumer, app_type(), consumer, new=True)
    assert not reopened
    with pytest.raises(service.ApplicationError, match="не более 2"):
        service.open_draft(consumer.consumer, app_type(), consumer, new=True)


def test_deleting_a_draft_removes_it_and_is_audited(consumer):
    draft = make_draft(consumer)
    service.delete_draft(draft, consumer)
    db.session.commit()
    assert db.session.get(Application, draft.id) is None
    assert db.session.scalar(select(AuditRecord).where(AuditRecord.action == "application.draft_deleted"))


def test_submitted_application_cannot_be_deleted(consumer):
    submitted = make_submitted(consumer)
    with pytest.raises(service.ApplicationError, match="только черновик"):
        service.delete_draft(submitted, consumer)


# ---- submission (B5) --------------------------------------------------------------

def test_submit_requires_every_required_field(consumer):
    draft = make_draft(consumer, data={**TP_DATA, "city": "", "max_power_kw": None})
    with pytest.raises(service.ApplicationError) as refused:
        service.submit(draft, consumer)
    assert set(refused.value.field_errors) == {"city", "max_power_kw"}
    assert db.session.get(Application, draft.id).status.is_draft


def test_submit_requires_the_documents_of_the_type(consumer):
    draft = make_draft(consumer, documents=False)
    with pytest.raises(service.ApplicationError, match="План расположения энергопринимающих устройств"):
        service.submit(draft, consumer)


def test_submit_with_incomplete_profile_is_refused_with_the_seed_message(reference_data):
    user = make_consumer(LegalForm.INDIVIDUAL)  # no passport data
    draft = make_draft(user)
    with pytest.raises(service.ApplicationError, match="Для подачи заявки необходимо заполнить все обязательные поля"):
        service.submit(draft, user)


def test_submit_sets_initial_status_deadline_history_audit_and_notifications(consumer):
    set_setting("org_email", "office@seti.example")
    draft = make_draft(consumer)
    event = service.submit(draft, consumer)
    db.session.commit()
    application = db.session.get(Application, draft.id)
    assert application.status.name == "На рассмотрении" and application.submitted_at
    assert application.due_on == add_working_days(service.today(), 3)
    assert (event.kind, event.status_name, event.actor_id) == ("status", "На рассмотрении", consumer.id)
    assert event.from_status.is_draft
    assert db.session.scalar(select(AuditRecord).where(AuditRecord.action == "application.transition")).after[
        "status"] == "На рассмотрении"
    recipients = {m.recipient for m in db.session.scalars(select(OutboxMessage))}
    assert "office@seti.example" in recipients  # the organization
    assert consumer.email in recipients  # the consumer
    notice = db.session.scalar(select(Notification).where(Notification.user_id == consumer.id))
    assert "На рассмотрении" in notice.title


def test_message_kind_is_sent_with_sanitized_text(consumer):
    draft, _ = service.open_draft(consumer.consumer, app_type("message"), consumer)
    service.save_data(draft, {"subject": "Вопрос", "body": "<p>Текст<script>alert(1)</script></p>"}, consumer)
    service.submit(draft, consumer)
    db.session.commit()
    assert draft.status.name == "Ожидание ответа электросетевой"
    assert draft.data["body"] == "<p>Текст</p>"


# ---- the transition table (B8) ----------------------------------------------------

CASES = [
    # (state, event = target status, role, allowed)
    ("draft", "review", CONSUMER, True),
    ("draft", "review", STAFF, False),
    ("review", "offer", STAFF, True),
    ("review", "offer", ORG_ADMIN, True),
    ("review", "offer", ADMIN, True),
    ("review", "offer", CONSUMER, False),
    ("review", "missing_data", STAFF, True),
    ("review", "missing_data", CONSUMER, False),
    ("review", "refused", STAFF, True),
    ("review", "contract", STAFF, False),  # no such transition from «На рассмотрении»
    ("review", "done", STAFF, False),
    ("missing_data", "review", CONSUMER, True),
    ("missing_data", "review", STAFF, False),
    ("missing_data", "closed", STAFF, True),
    ("offer", "contract", STAFF, True),
    ("offer", "contract", CONSUMER, False),
    ("offer", "review", STAFF, False),
    ("contract", "done", STAFF, True),
    ("contract", "done", CONSUMER, False),
    ("refused", "review", STAFF, False),
    ("refused", "review", CONSUMER, False),
    ("done", "contract", STAFF, False),
]


def _in_status(consumer, code):
    application = make_draft(consumer)
    application.status = status(code)
    if code != "draft":
        application.submitted_at = application.created_at
    db.session.commit()
    return application


@pytest.mark.parametrize("state, event, role, allowed", CASES)
def test_transition_table(consumer, state, event, role, allowed):
    application = _in_status(consumer, state)
    actor = consumer if role == CONSUMER else make_staff(role)
    found = db.session.scalar(select(Transition).where(Transition.from_status_id == status(state).id,
                                                       Transition.to_status_id == status(event).id))
    context = TransitionContext(actor=actor, roles=set(actor.role_names), comment="Комментарий")
    context.attachments.append(service.add_attachment(application, pdf(), actor, side="organization",
                                                      title="Документ", notify=False))
    if found is None:
        assert not allowed
        assert all(t.to_status_id != status(event).id
                   for t in service.transitions_from(application, set(actor.role_names)))
        return
    if allowed:
        service.apply_transition(application, found, context)
        db.session.commit()
        assert db.session.get(Application, application.id).status.code == event
    else:
        with pytest.raises(InvalidTransition, match="нет права"):
            service.apply_transition(application, found, context)
        assert found not in service.transitions_from(application, set(actor.role_names))


def test_refusal_needs_a_document_and_it_is_shown_as_the_reason(consumer, staff):
    application = make_submitted(consumer)
    with pytest.raises(InvalidTransition, match="необходимо приложить документ"):
        service.apply_transition(application, transition("review", "refused"),
                                 TransitionContext(actor=staff, roles={STAFF}))
    move(application, "review", "refused", staff, with_document=True)
    reasons = [a for a in application.attachments if a.purpose == "refusal_reason"]
    assert len(reasons) == 1 and application.status.is_final and application.due_on is None


def test_comment_required_transition(consumer, staff):
    application = make_submitted(consumer)
    move(application, "review", "missing_data", staff, with_document=True)
    with pytest.raises(InvalidTransition, match="необходимо указать комментарий"):
        service.apply_transition(application, transition("missing_data", "closed"),
                                 TransitionContext(actor=staff, roles={STAFF}, comment="  "))


def test_stale_form_is_refused_not_silently_applied(consumer, staff):
    application = make_submitted(consumer)
    seen_version = application.version
    second = make_staff(STAFF)
    service.assign_number(application, "1563", second)  # the other staff member saved first
    db.session.commit()
    with pytest.raises(StaleForm, match=str(STALE_FORM)):
        service.apply_transition(application, transition("review", "offer"),
                                 TransitionContext(actor=staff, roles={STAFF}, expected_version=seen_version))
    assert db.session.get(Application, application.id).status.code == "review"


def test_registered_guards_can_refuse(consumer, staff):
    application = make_submitted(consumer)

    def no_offers_on_fridays(transition_, application_, context):
        return "Сегодня нельзя" if transition_.to_status.code == "offer" else None

    register_guard(no_offers_on_fridays)
    try:
        with pytest.raises(InvalidTransition, match="Сегодня нельзя"):
            move(application, "review", "offer", staff)
    finally:
        GUARDS.remove(no_offers_on_fridays)


def test_missing_data_round_trip_returns_the_application_to_the_consumer(consumer, staff):
    application = make_submitted(consumer)
    move(application, "review", "missing_data", staff, with_document=True)
    assert service.is_editable_by_consumer(application)
    assert [a.purpose for a in application.attachments if a.side == "organization"] == ["missing_data"]
    service.save_data(application, {"city": "Зеленодольск"}, consumer)
    service.add_attachment(application, pdf("passport.pdf"), consumer, side="consumer",
                           document_type=doc_type("passport_copy"))
    event = service.submit(application, consumer)
    db.session.commit()
    assert event.status_name == "На рассмотрении" and application.data["city"] == "Зеленодольск"


def test_history_is_append_only_and_complete(consumer, staff):
    application = make_submitted(consumer)
    service.assign_number(application, None, staff)
    move(application, "review", "offer", staff)
    service.add_stage_note(application, "Ведется проектирование", staff)
    move(application, "offer", "contract", staff)
    db.session.commit()
    events = db.session.scalars(select(ApplicationEvent).where(ApplicationEvent.application_id == application.id)
                                .order_by(ApplicationEvent.id)).all()
    kinds = [(e.kind, e.status_name) for e in events if e.kind in ("status", "note")]
    assert kinds[-4:] == [("status", "На рассмотрении"), ("status", "Подготовка оферты договора"),
                          ("note", "Ведется проектирование"), ("status", "Исполнение договора ТП")]
    assert any(e.kind == "number" for e in events)


def test_numbers_follow_the_pattern_and_are_unique(consumer, staff):
    first, second = make_submitted(consumer), make_submitted(make_consumer(**COMPLETE_PROFILE[LegalForm.INDIVIDUAL]))
    service.assign_number(first, None, staff)
    service.assign_number(second, None, staff)
    year = service.today().year
    assert (first.number, second.number) == (f"ТП-{year}-00001", f"ТП-{year}-00002")
    with pytest.raises(service.ApplicationError, match="уже присвоен"):
        service.assign_number(second, first.number, staff)


def test_free_status_only_where_the_type_allows_it(consumer, staff):
    tp = make_submitted(consumer)
    with pytest.raises(InvalidTransition, match="выбирается из списка"):
        service.set_free_status(tp, "Свой статус", TransitionContext(actor=staff, roles={STAFF}))
    message, _ = service.open_draft(consumer.consumer, app_type("message"), consumer)
    service.save_data(message, {"subject": "Тема", "body": "<p>Текст</p>"}, consumer)
    service.submit(message, consumer)
    service.set_free_status(message, "Заявка на рассмотрении сетевой организацией у главного инженера",
                            TransitionContext(actor=staff, roles={STAFF}))
    db.session.commit()
    assert message.display_status.endswith("у главного инженера")
    assert message.events[-1].status_name == message.display_status


def test_removed_document_is_kept_in_history(consumer, staff):
    application = make_submitted(consumer)
    attachment = application.attachments[0]
    service.remove_attachment(attachment, staff, side="organization")
    db.session.commit()
    assert attachment.deleted_at and attachment.file_id
    assert application.events[-1].kind == "document_removed"
    assert attachment not in service.live_attachments(application)


def test_consumer_cannot_remove_documents_after_submission(consumer):
    application = make_submitted(consumer)
    with pytest.raises(service.ApplicationError, match="нельзя удалить"):
        service.remove_attachment(application.attachments[0], consumer, side="consumer")


def test_tracker_marks_and_invoice(consumer, staff, sent):
    application = make_submitted(consumer)
    changed = service.update_tracker(application, {"2": {"date": date(2026, 3, 13)},
                                                   "4": {"state": "в стадии выполнения"}}, staff)
    assert changed == ["2", "4"]
    with pytest.raises(service.ApplicationError, match="Недопустимое значение"):
        service.update_tracker(application, {"5": {"state": "почти"}}, staff)
    service.add_attachment(application, pdf("invoice.pdf"), staff, side="organization",
                           title="Счет на оплату технологического присоединения", purpose="invoice")
    db.session.commit()
    assert application.tracker["2"] == {"date": "2026-03-13"}
    titles = [n.title for n in db.session.scalars(select(Notification).where(Notification.user_id == consumer.id))]
    assert any(t.startswith("Счет на оплату технологического присоединения") for t in titles)


def test_messages_are_sanitized_and_notify_the_other_side(consumer, staff):
    set_setting("org_email", "office@seti.example")
    application = make_submitted(consumer)
    message = service.post_message(application, '<p onclick="x()">Здравствуйте! <a href="javascript:alert(1)">ссылка</a>'
                                   '<script>alert(1)</script></p>', staff, from_organization=True)
    db.session.commit()
    assert "script" not in message.body_html and "onclick" not in message.body_html
    assert "javascript" not in message.body_html
    titles = [n.title for n in db.session.scalars(select(Notification).where(Notification.user_id == consumer.id))]
    assert any(t.startswith("Новое сообщение по заявке") for t in titles)
    service.post_message(application, "<p>Ответ</p>", consumer, from_organization=False)
    db.session.commit()
    subjects = [m.subject for m in db.session.scalars(select(OutboxMessage)) if m.recipient == "office@seti.example"]
    assert any(s and s.startswith("Сообщение от заявителя") for s in subjects)
    with pytest.raises(service.ApplicationError, match="Введите текст сообщения"):
        service.post_message(application, "<script></script>", consumer, from_organization=False)


def test_overdue_is_counted_in_working_days(consumer, staff):
    application = make_submitted(consumer)
    assert not service.is_overdue(application)
    assert service.is_overdue(application, on=add_working_days(application.due_on, 1))
    move(application, "review", "missing_data", staff, with_document=True)
    assert not service.is_overdue(application, on=date(2099, 1, 1))  # on the consumer's side
