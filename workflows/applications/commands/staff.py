"""Staff commands (B7–B9, B13): save an item in one step, stage notes, the stage tracker."""
from dataclasses import dataclass

from flask_babel import gettext as _

from app.core.errors import NotFound
from app.extensions import db
from app.models import Application, Transition
from workflows.applications.attachments import add_attachment
from workflows.applications.commands.documents import application_for, stale_as_conflict
from workflows.applications.dictionaries import document_type, transitions_from
from workflows.applications.guards import InvalidTransition, TransitionContext, ensure_version
from workflows.applications.progress import add_stage_note, update_tracker
from workflows.applications.rules import ORGANIZATION_SIDE
from workflows.applications.transitions import apply_transition, assign_number, set_free_status


@dataclass
class ItemChanges:
    """What the staff item form («Сохранить») sends: the number, and a status with what it needs."""

    number: str | None = None
    #: take the next number of the type's sequence instead of a typed one
    assign_number: bool = False
    transition_id: int | None = None
    #: a status of the staff's own words (types that allow it), when no transition is chosen
    free_status: str | None = None
    comment: str | None = None
    #: a document sent with the transition (FileStorage), its type id and title
    status_file: object = None
    status_document_type_id: int | None = None
    status_document_title: str | None = None


def save_item(application_id: int, actor, changes: ItemChanges, *, expected_version) -> bool:
    """«Сохранить» on the staff item page: registration number, then a transition (with its document)
    or a free status, in one step; refused as a whole when the form is stale. True when anything changed."""
    application = application_for(ORGANIZATION_SIDE, application_id, actor)
    ensure_version(application, expected_version)
    with stale_as_conflict():
        changed = _save_number(application, changes, actor)
        context = TransitionContext(actor=actor, roles=set(actor.role_names), comment=changes.comment)
        if changes.transition_id:
            _take_transition(application, changes, context)
            return True
        if (changes.free_status or "").strip():
            set_free_status(application, changes.free_status, context)
            return True
    return changed


def _save_number(application: Application, changes: ItemChanges, actor) -> bool:
    typed = (changes.number or "").strip()
    if not changes.assign_number and typed in ("", application.number or ""):
        return False
    return assign_number(application, None if changes.assign_number else typed, actor) is not None


def _take_transition(application: Application, changes: ItemChanges, context: TransitionContext) -> None:
    transition = db.session.get(Transition, changes.transition_id)
    if transition is None or transition not in transitions_from(application, context.roles):
        raise InvalidTransition(_("Этот переход недоступен для текущего статуса заявки."))
    if changes.status_file:
        kind = document_type(changes.status_document_type_id)
        title = changes.status_document_title or (kind.name if kind else transition.name)
        context.attachments.append(add_attachment(
            application, changes.status_file, context.actor, side=ORGANIZATION_SIDE, title=title,
            document_type=kind, purpose=transition.to_status.document_role, notify=False))
    apply_transition(application, transition, context)


def add_note(application_id: int, actor, text: str):
    """«Добавить статус»: a stage note the consumer sees in the history."""
    application = application_for(ORGANIZATION_SIDE, application_id, actor)
    return add_stage_note(application, text, actor)


def update_stages(application_id: int, actor, values: dict[str, dict]) -> list[str]:
    """B9: the stage tracker's dates and marks; the codes that changed."""
    application = application_for(ORGANIZATION_SIDE, application_id, actor)
    if not application.application_type.has_stage_tracker:
        raise NotFound()
    with stale_as_conflict():
        return update_tracker(application, values, actor)
