"""«Уведомления» in the API: GET /notifications (a cursor, newest first, filtered by read state
like the page) and POST /notifications/{id}/read — workflows/notifications/history.py, whose
read_notice answers 404 for anyone else's notice (app.security.access.ensure_own_notification)."""
from datetime import timezone

from marshmallow import Schema, fields, validate

from app.api.v1.blueprint import ApiBlueprint
from app.api.v1.paging import CursorArgs, cursor_page, page_schema
from app.models import Notification
from workflows.notifications import history

api = ApiBlueprint("notifications", "Уведомления")

KEYS = (Notification.created_at, Notification.id)


class NotificationArgs(CursorArgs):
    state = fields.String(load_default="all", validate=validate.OneOf(history.READ_STATES),
                          metadata={"description": "all — все, unread — непрочитанные, read — прочитанные"})


class NotificationSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    body = fields.String(allow_none=True)
    link = fields.String(allow_none=True, metadata={"description": "Адрес страницы портала"})
    created_at = fields.DateTime(required=True, metadata={"description": "UTC"})
    read = fields.Boolean(required=True)
    important = fields.Boolean(required=True)


def _notice(notice: Notification) -> dict:
    return {"id": notice.id, "title": notice.title, "body": notice.body, "link": notice.link,
            "created_at": notice.created_at.replace(tzinfo=timezone.utc), "read": notice.read_at is not None,
            "important": bool(notice.is_important)}


@api.route("/notifications", methods=["GET"])
@api.auth()
@api.arguments(NotificationArgs, location="query")
@api.response(200, page_schema(NotificationSchema))
@api.alt_response(400, response="BAD_REQUEST")
def notifications(user, args):
    """Мои уведомления, новые сначала."""
    query = history.filtered(user.id, history.HistoryFilter(state=args["state"]))
    page = cursor_page(query, KEYS, args)
    return {"items": [_notice(notice) for notice in page.items], "next_cursor": page.next_cursor}


@api.route("/notifications/<int:notice_id>/read", methods=["POST"])
@api.auth()
@api.response(200, NotificationSchema)
def read_notification(user, notice_id):
    """Отметить уведомление прочитанным."""
    return _notice(history.read_notice(user, notice_id))
