"""The one place that changes the status of an appointment or a callback request (STYLE 2):
the transition tables of rules.py decide, the change is audited."""
from datetime import datetime

from flask_babel import gettext as _

from app.core.audit import record as audit
from app.models.appointments import (
    APPOINTMENT_STATUS_LABELS,
    CALLBACK_STATUS_LABELS,
    Appointment,
    CallbackRequest,
)
from app.models.base import utcnow
from app.security.access import is_organization
from workflows.appointments import rules


def transition(appointment: Appointment, action: str, actor, *, now: datetime | None = None) -> None:
    """Apply `action` to the appointment; Refused when its status or the actor's side forbids it."""
    target = rules.APPOINTMENT_TRANSITIONS.get((appointment.status, action))
    side = rules.ORGANIZATION_SIDE if is_organization(actor) else rules.CONSUMER_SIDE
    if target is None or target[1] != side:
        raise rules.Refused(_(rules.NOT_CANCELLABLE if action == "cancel" else rules.NOT_MARKABLE))
    before, moment = appointment.status, now or utcnow()
    appointment.status = target[0]
    if action == "cancel":
        appointment.cancelled_at = moment
    else:
        appointment.marked_by_id, appointment.marked_at = actor.id, moment
    audit(f"appointment.{action}", appointment, actor=actor,
          before={"status": APPOINTMENT_STATUS_LABELS[before]},
          after={"status": APPOINTMENT_STATUS_LABELS[target[0]]},
          summary=f"Запись на прием № {appointment.id}: {APPOINTMENT_STATUS_LABELS[target[0]]}")


def callback_transition(request: CallbackRequest, action: str, actor, comment: str,
                        now: datetime | None = None) -> None:
    """The staff's outcome of a call: «Звонок выполнен» or «Не дозвонились», with a comment."""
    target = rules.CALLBACK_TRANSITIONS.get((request.status, action))
    if target is None or not is_organization(actor):
        raise rules.Refused(_(rules.NOT_HANDLEABLE))
    before = request.status
    request.status, request.handled_at, request.handled_by_id = target, now or utcnow(), actor.id
    request.staff_comment = comment or None
    audit(f"callback_request.{action}", request, actor=actor,
          before={"status": CALLBACK_STATUS_LABELS[before]},
          after={"status": CALLBACK_STATUS_LABELS[target], "comment": comment},
          summary=f"Заказ обратного звонка № {request.id}: {CALLBACK_STATUS_LABELS[target]}")
