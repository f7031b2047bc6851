"""The one transition service (B8, STYLE 2): the only code that writes Application.status_id;
free statuses (seed 003) and registration numbers, the other changes staff save with a status."""
from flask_babel import gettext as _
from sqlalchemy import select

from app.core import audit
from app.core.notifications.notify import notify_organization, notify_user
from app.extensions import db
from app.models import Application, ApplicationEvent, ApplicationType, Transition
from app.models.base import utcnow
from app.security.roles import CONSUMER, ORGANIZATION_ROLES
from workflows.applications.calendar import add_working_days
from workflows.applications.guards import (
    ApplicationError,
    InvalidTransition,
    TransitionContext,
    ensure_allowed,
    ensure_version,
)
from workflows.applications.history import iso, record_event
from workflows.applications.rules import consumer_link, today
from workflows.documents.history import record_submission
from workflows.webhooks.events import application_status_changed


def apply_transition(application: Application, transition: Transition, context: TransitionContext) -> ApplicationEvent:
    """Move the application along `transition`: guard, history, deadline, audit, notifications."""
    ensure_allowed(transition, application, context)
    source, target = application.status, transition.to_status
    before = {"status": source.name, "free_status": application.free_status, "due_on": iso(application.due_on)}
    first_submission = source.is_draft and application.submitted_at is None
    application.status = target
    application.free_status = None
    application.status_changed_at = utcnow()
    if source.is_draft or source.consumer_editable:
        application.submitted_at = application.submitted_at or utcnow()
    days = transition.deadline_working_days or target.deadline_working_days
    application.due_on = add_working_days(today(), days) if days and not target.is_final else None
    for attachment in context.attachments:
        if target.document_role and not attachment.purpose:
            attachment.purpose = target.document_role
    db.session.flush()
    if first_submission:  # «Мои документы»: the statement and the draft's documents are sent now
        record_submission(application)
    event = record_event(application, context.actor, "status", from_status=source, to_status=target,
                         status_name=target.name, comment=(context.comment or "").strip() or None,
                         payload={"transition_id": transition.id,
                                  "attachments": [a.id for a in context.attachments]})
    audit.record("application.transition", application, actor=context.actor, before=before,
                 after={"status": target.name, "due_on": iso(application.due_on), "transition": transition.name,
                        "comment": event.comment})
    _notify_transition(application, context, event, first_submission=first_submission)
    application_status_changed(application, source, target)
    return event


def _notify_transition(application, context, event, *, first_submission: bool) -> None:
    """B11: the organization hears of a submission or resubmission, the consumer of every status."""
    link, target = consumer_link(application), application.status
    if first_submission:
        notify_organization("application_submitted", application=application, link=link)
    elif CONSUMER in context.roles and not (context.roles & ORGANIZATION_ROLES):
        notify_organization("application_resubmitted", application=application, link=link)
    notify_user(application.consumer.user, "application_status", link=link, application=application,
                status_name=target.name, comment=event.comment, important=target.consumer_editable)


def set_free_status(application: Application, text: str, context: TransitionContext) -> ApplicationEvent:
    """Seed 003: staff type a status of their own where the type allows it (the status row stays)."""
    text = (text or "").strip()
    if not application.application_type.allows_free_status:
        raise InvalidTransition(_("Для этого типа заявки статус выбирается из списка"))
    if not text:
        raise InvalidTransition(_("Введите статус"))
    ensure_version(application, context.expected_version)
    before = {"status": application.display_status}
    application.free_status = text[:200]
    application.status_changed_at = utcnow()
    db.session.flush()
    event = record_event(application, context.actor, "status", from_status=application.status,
                         to_status=application.status, status_name=application.free_status,
                         comment=context.comment)
    audit.record("application.free_status", application, actor=context.actor, before=before,
                 after={"status": application.free_status})
    notify_user(application.consumer.user, "application_status", link=consumer_link(application),
                application=application, status_name=application.free_status, comment=event.comment)
    return event


def next_number(app_type: ApplicationType) -> str:
    """The next number of the type's sequence, formatted by its pattern («ТП-{year}-{seq:05d}»)."""
    locked = db.session.scalar(
        select(ApplicationType).where(ApplicationType.id == app_type.id).with_for_update()
    )
    locked.number_seq = (locked.number_seq or 0) + 1
    db.session.flush()
    try:
        return locked.number_pattern.format(seq=locked.number_seq, year=today().year)
    except (KeyError, ValueError, IndexError):
        return str(locked.number_seq)


def assign_number(application: Application, number: str | None, actor) -> ApplicationEvent | None:
    """«Регистрационный номер»: typed by staff, or the next of the sequence when left empty."""
    number = (number or "").strip() or next_number(application.application_type)
    if number == application.number:
        return None
    taken = db.session.scalar(
        select(Application.id).where(Application.application_type_id == application.application_type_id,
                                     Application.number == number, Application.id != application.id)
    )
    if taken:
        raise ApplicationError(_("Этот регистрационный номер уже присвоен другой заявке"),
                               {"number": _("Этот регистрационный номер уже присвоен другой заявке")})
    before = application.number
    application.number = number[:64]
    db.session.flush()
    event = record_event(application, actor, "number", comment=application.number, payload={"before": before})
    audit.record("application.number", application, actor=actor, before={"number": before},
                 after={"number": application.number})
    notify_user(application.consumer.user, "application_number", link=consumer_link(application),
                application=application, sms=False)
    return event
