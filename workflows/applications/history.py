"""The append-only history of an application (STYLE 4): one event row per change."""
from app.extensions import db
from app.models import ApplicationEvent
from app.models.base import utcnow


def record_event(application, actor, kind, *, from_status=None, to_status=None, status_name=None, comment=None,
                 payload=None, visible_to_consumer=True) -> ApplicationEvent:
    """Append an event (actor, from, to, comment, time) to the application's history."""
    event = ApplicationEvent(application_id=application.id, actor_id=getattr(actor, "id", None), kind=kind,
                             from_status_id=getattr(from_status, "id", None),
                             to_status_id=getattr(to_status, "id", None), status_name=status_name,
                             comment=comment, payload=payload, visible_to_consumer=visible_to_consumer, at=utcnow())
    db.session.add(event)
    db.session.flush()
    return event


def iso(value):
    return value.isoformat() if value else None
