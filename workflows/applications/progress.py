"""Progress staff report to the consumer: stage notes and the stage tracker (B7, B9)."""
from datetime import date

from flask_babel import gettext as _

from app.core import audit
from app.core.notifications.notify import notify_user
from app.extensions import db
from app.models import Application, ApplicationEvent
from workflows.applications.guards import ApplicationError
from workflows.applications.history import record_event
from workflows.applications.rules import consumer_link
from workflows.applications.tracker import STAGE_BY_CODE


def add_stage_note(application: Application, text: str, actor) -> ApplicationEvent:
    """«Добавить статус»: a note on the progress («Ведется проектирование»), shown to the consumer."""
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("Введите статус"), {"text": _("Введите статус")})
    event = record_event(application, actor, "note", status_name=text[:200])
    audit.record("application.stage_note", application, actor=actor, after={"note": text[:200]})
    notify_user(application.consumer.user, "application_stage", link=consumer_link(application),
                application=application, note=text[:200])
    return event


def _stage_value(code: str, value: dict) -> dict:
    """One stage's stored value: its date (ISO) and its state, checked against the stage's states."""
    stage = STAGE_BY_CODE[code]
    new = {}
    if value.get("date"):
        new["date"] = value["date"].isoformat() if isinstance(value["date"], date) else str(value["date"])
    if value.get("state"):
        if value["state"] not in stage.states:
            raise ApplicationError(_("Недопустимое значение этапа %(code)s", code=code))
        new["state"] = value["state"]
    return new


def update_tracker(application: Application, values: dict[str, dict], actor) -> list[str]:
    """B9: set dates and marks of the stages; returns the codes that changed."""
    tracker = {code: dict(v) for code, v in (application.tracker or {}).items()}
    changed = []
    for code, value in values.items():
        if code not in STAGE_BY_CODE:
            continue
        new = _stage_value(code, value)
        if new != tracker.get(code, {}):
            changed.append(code)
            if new:
                tracker[code] = new
            else:
                tracker.pop(code, None)
    if not changed:
        return []
    before = application.tracker
    application.tracker = tracker
    db.session.flush()
    record_event(application, actor, "stage", payload={"stages": changed})
    audit.record("application.tracker", application, actor=actor, before=before, after=tracker)
    notify_user(application.consumer.user, "application_tracker", link=consumer_link(application),
                application=application, stages=[STAGE_BY_CODE[c] for c in changed], tracker=tracker, sms=False)
    return changed
