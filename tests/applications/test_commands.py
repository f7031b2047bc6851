"""The applications commands without HTTP (what the REST API will call): access through
app/security/access.py, one step or nothing, refusals as KabinetError."""
import pytest
from werkzeug.exceptions import HTTPException

from app.core.errors import STALE_FORM, Conflict, KabinetError, NotFound
from app.extensions import db
from app.models import LegalForm
from app.security.roles import ADMIN, ORG_ADMIN, STAFF
from tests.applications.conftest import (
    COMPLETE_PROFILE,
    TP_DATA,
    doc_type,
    make_draft,
    make_submitted,
    pdf,
    transition,
)
from tests.factories import make_consumer, make_staff
from workflows.applications.commands import consumer as consumer_commands
from workflows.applications.commands import staff as staff_commands
from workflows.applications.commands.documents import add_document, remove_document, send_message
from workflows.applications.guards import ApplicationError, ProfileIncomplete, StaleForm
from workflows.applications.rules import CONSUMER_SIDE, ORGANIZATION_SIDE

#: what an actor outside the object's scope gets: 404 (app/security/access.py)
OUT_OF_SCOPE = (HTTPException, NotFound)


def test_errors_of_the_area_are_kabinet_errors_with_their_status():
    assert issubclass(ApplicationError, KabinetError) and ApplicationError("x").status == 400
    assert issubclass(StaleForm, Conflict) and StaleForm().status == 409 and StaleForm().message == str(STALE_FORM)
    assert ProfileIncomplete("x").category == "warning"


@pytest.mark.parametrize("role", [STAFF, ORG_ADMIN, ADMIN])
def test_staff_save_an_item_in_one_step(consumer, role):
    application = make_submitted(consumer)
    actor = make_staff(role)
    changes = staff_commands.ItemChanges(
        number="1563", transition_id=transition("review", "missing_data").id, comment="Нет плана участка",
        status_file=pdf("Перечень.pdf"), status_document_type_id=doc_type("missing_data").id)
    assert staff_commands.save_item(application.id, actor, changes, expected_version=application.version)
    db.session.commit()
    assert (application.number, application.status.code) == ("1563", "missing_data")
    sent_with = [a for a in application.attachments if a.side == ORGANIZATION_SIDE]
    assert [(a.title, a.purpose) for a in sent_with] == [(doc_type("missing_data").name, "missing_data")]


def test_a_stale_item_form_changes_nothing(consumer, staff):
    application = make_submitted(consumer)
    seen = application.version
    staff_commands.save_item(application.id, staff, staff_commands.ItemChanges(number="1"), expected_version=seen)
    db.session.commit()
    with pytest.raises(StaleForm):
        staff_commands.save_item(application.id, staff, staff_commands.ItemChanges(
            number="2", transition_id=transition("review", "offer").id), expected_version=seen)
    db.session.rollback()
    assert (application.number, application.status.code) == ("1", "review")


def test_a_refused_transition_is_refused_as_a_whole(consumer, staff):
    application = make_submitted(consumer)
    changes = staff_commands.ItemChanges(number="77", transition_id=transition("review", "refused").id)
    with pytest.raises(KabinetError, match="необходимо приложить документ"):
        staff_commands.save_item(application.id, staff, changes, expected_version=application.version)
    db.session.rollback()
    assert application.number is None and application.status.code == "review"


def test_a_consumer_cannot_use_the_staff_commands(consumer, other_consumer):
    application = make_submitted(consumer)
    for actor in (consumer, other_consumer):
        with pytest.raises(OUT_OF_SCOPE):
            staff_commands.add_note(application.id, actor, "Ведется проектирование")
        with pytest.raises(OUT_OF_SCOPE):
            send_message(application.id, actor, side=ORGANIZATION_SIDE, body="Текст")


def test_staff_do_not_see_a_draft(consumer, staff):
    draft = make_draft(consumer)
    with pytest.raises(OUT_OF_SCOPE):
        staff_commands.update_stages(draft.id, staff, {"3": {"date": "2026-03-13"}})


def test_another_consumer_gets_404_from_every_consumer_command(consumer, other_consumer):
    draft = make_draft(consumer)
    attachment_id = draft.attachments[0].id
    calls = [
        lambda: consumer_commands.save_application(draft.id, other_consumer, {"city": "Москва"}, submit=True),
        lambda: consumer_commands.delete_application(draft.id, other_consumer),
        lambda: add_document(draft.id, other_consumer, side=CONSUMER_SIDE, file=pdf(), title="Письмо"),
        lambda: remove_document(draft.id, attachment_id, other_consumer, side=CONSUMER_SIDE),
        lambda: send_message(draft.id, other_consumer, side=CONSUMER_SIDE, body="Текст"),
    ]
    for call in calls:
        with pytest.raises(OUT_OF_SCOPE):
            call()
    assert draft.data["city"] == TP_DATA["city"]


def test_a_refused_submission_keeps_the_values_typed(consumer):
    draft = make_draft(consumer, documents=False)
    saved = consumer_commands.save_application(draft.id, consumer, {"city": "Зеленодольск"}, submit=True)
    db.session.commit()
    assert not saved.submitted and "Приложите обязательные документы" in saved.refusal.message
    db.session.expire_all()
    assert draft.data["city"] == "Зеленодольск" and draft.status.is_draft


def test_resubmitting_after_missing_data(consumer, staff):
    application = make_submitted(consumer)
    staff_commands.save_item(application.id, staff, staff_commands.ItemChanges(
        transition_id=transition("review", "missing_data").id, status_file=pdf()),
        expected_version=application.version)
    saved = consumer_commands.save_application(application.id, consumer, {"city": "Зеленодольск"}, submit=True)
    assert saved.submitted and application.status.code == "review" and application.data["city"] == "Зеленодольск"


def test_an_incomplete_profile_starts_nothing(reference_data):
    bare = make_consumer(LegalForm.INDIVIDUAL)
    with pytest.raises(ProfileIncomplete):
        consumer_commands.start_application(bare, "tp")
    complete = make_consumer(LegalForm.INDIVIDUAL, **COMPLETE_PROFILE[LegalForm.INDIVIDUAL])
    application, reopened = consumer_commands.start_application(complete, "tp")
    assert application.status.is_draft and not reopened
    with pytest.raises(NotFound):
        consumer_commands.start_application(complete, "no-such-type")
