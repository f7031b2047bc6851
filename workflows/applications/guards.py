"""Transition guards (STYLE 3): every check a status change must pass, as a registry.

A guard is `guard(transition, application, context) -> str | None`: it returns the
message to show when the transition may not be taken, or None. The one transition
service (workflows.applications.transitions.apply_transition) runs every registered guard
and raises InvalidTransition with the first message. Other areas add their own:

    from workflows.applications.guards import register_guard

    @register_guard
    def signed_document_present(transition, application, context):
        if transition.requires_signed_document and not ...:
            return _("Для перехода нужен документ, подписанный обеими сторонами")
"""
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from flask_babel import gettext as _

from app.core.errors import Conflict, Invalid
from app.security.roles import ADMIN, ORGANIZATION_ROLES


class ApplicationError(Invalid):
    """A request the workflow refuses; `message` is shown to the user as is, `field_errors`
    (field code → message) under the fields of the form it concerns."""

    category = "danger"

    def __init__(self, message=None, field_errors: dict | None = None):
        super().__init__(message)
        self.field_errors = field_errors or {}


class DraftRefused(ApplicationError):
    """No new draft now (the type's limit, or no «Черновик» status configured)."""

    category = "warning"


class ProfileIncomplete(ApplicationError):
    """«Мои данные» lack a required field: nothing is submitted until they are filled in."""

    category = "warning"


class InvalidTransition(Invalid):
    """The transition may not be taken now; `message` says why, in the user's words."""

    category = "danger"


class StaleForm(InvalidTransition, Conflict):
    """The form was rendered from an older version of the application (STYLE 5)."""

    status = Conflict.status
    default_message = Conflict.default_message


@dataclass
class TransitionContext:
    """What the actor brings to a transition."""

    #: the KabinetUser taking it (None for system jobs)
    actor: Any = None
    #: role names the actor acts with (app.security.roles: CONSUMER, STAFF, ORG_ADMIN, ADMIN)
    roles: set[str] = field(default_factory=set)
    comment: Optional[str] = None
    #: documents attached together with the transition (Attachment rows, already flushed)
    attachments: list = field(default_factory=list)
    #: Application.version the actor's form was rendered from; None = not a form
    expected_version: Optional[int] = None
    extra: dict = field(default_factory=dict)


Guard = Callable[[Any, Any, TransitionContext], Optional[str]]

#: every guard, run in order; the first message wins
GUARDS: list[Guard] = []


def register_guard(guard: Guard) -> Guard:
    """Add a guard once (re-registering the same function is a no-op); usable as a decorator."""
    if guard not in GUARDS:
        GUARDS.append(guard)
    return guard


def check_guards(transition, application, context: TransitionContext) -> list[str]:
    """Messages of every guard that refuses the transition (empty: it may be taken)."""
    messages = []
    for guard in list(GUARDS):
        message = guard(transition, application, context)
        if message:
            messages.append(message)
    return messages


def ensure_version(application, expected_version) -> None:
    """Refuse a form rendered from another version of the application (None: not a form)."""
    if expected_version is not None and str(expected_version) != str(application.version):
        raise StaleForm()


def ensure_allowed(transition, application, context: TransitionContext) -> None:
    """Raise StaleForm for an old form, else InvalidTransition with the first refusal, if any."""
    ensure_version(application, context.expected_version)
    messages = check_guards(transition, application, context)
    if messages:
        raise InvalidTransition(messages[0])


# ---- built-in guards -------------------------------------------------------------

@register_guard
def stale_version(transition, application, context):
    """Two staff members on one item: the second save of an old form is refused."""
    if context.expected_version is not None and str(context.expected_version) != str(application.version):
        return str(StaleForm.default_message)
    return None


@register_guard
def from_current_status(transition, application, context):
    if not transition.active or transition.from_status_id != application.status_id:
        return _("Этот переход недоступен для текущего статуса заявки.")
    if transition.application_type_id != application.application_type_id:
        return _("Этот переход недоступен для текущего статуса заявки.")
    return None


@register_guard
def role_allowed(transition, application, context):
    allowed = set(transition.roles or [])
    roles = set(context.roles)
    if ADMIN in roles and allowed & ORGANIZATION_ROLES:
        return None
    if not allowed & roles:
        return _("У вас нет права на этот переход.")
    return None


@register_guard
def comment_required(transition, application, context):
    if transition.requires_comment and not (context.comment or "").strip():
        return _("Для этого статуса необходимо указать комментарий.")
    return None


@register_guard
def document_required(transition, application, context):
    if transition.requires_document and not context.attachments:
        return _("Для этого статуса необходимо приложить документ.")
    return None
