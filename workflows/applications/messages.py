"""Messages between the consumer and the organization (B10)."""
from flask_babel import gettext as _

from app.core import audit
from app.core.notifications.notify import notify_organization, notify_user
from app.extensions import db
from app.models import Application, Message
from app.models.base import utcnow
from workflows.applications.attachments import add_attachment
from workflows.applications.guards import ApplicationError
from workflows.applications.history import record_event
from workflows.applications.rules import (
    CONSUMER_SIDE,
    ORGANIZATION_SIDE,
    consumer_link,
    plain_text,
    sanitize_html,
    staff_link,
)


def mark_messages_read(messages, viewer_side: str) -> set[int]:
    """B10: the other side's messages count as read once the application page shows them.
    Returns the ids read just now, which that page marks «Новое»; the request commits."""
    from_organization = viewer_side == CONSUMER_SIDE
    now = utcnow()
    fresh = set()
    for message in messages:
        if message.from_organization == from_organization and message.read_at is None:
            message.read_at = now
            fresh.add(message.id)
    return fresh


def post_message(application: Application, body_html: str, actor, *, from_organization: bool,
                 files: list | None = None) -> Message:
    """«Добавить сообщение»: sanitized text, optional documents, the other side notified."""
    body = sanitize_html(body_html)
    if not plain_text(body) and not files:
        raise ApplicationError(_("Введите текст сообщения"), {"body": _("Введите текст сообщения")})
    if not from_organization and application.status.is_final:
        raise ApplicationError(_("По закрытой заявке нельзя отправить сообщение"))
    message = Message(application_id=application.id, author_id=getattr(actor, "id", None),
                      from_organization=from_organization, body_html=body or "")
    db.session.add(message)
    db.session.flush()
    side = ORGANIZATION_SIDE if from_organization else CONSUMER_SIDE
    for file_storage, title in files or []:
        add_attachment(application, file_storage, actor, side=side, title=title or file_storage.filename,
                       message=message, notify=False)
    record_event(application, actor, "message", comment=plain_text(body)[:2000] or None,
                 payload={"message_id": message.id, "side": side})
    audit.record("application.message", application, actor=actor, after={"message": message.id})
    if application.status.is_draft:
        return message
    if from_organization:
        notify_user(application.consumer.user, "message_from_organization", link=consumer_link(application),
                    application=application, text=plain_text(body))
    else:
        notify_organization("message_to_organization", application=application, text=plain_text(body),
                            link=staff_link(application))
    return message
