"""«Уведомления» (E7, seed 004 §2.18): the signed-in user's notices with filters (все / непрочитанные /
прочитанные, a period, a kind of event), the unread count, opening a notice (it becomes read),
«Отметить как прочитанное» / «…непрочитанное» and «Отметить все как прочитанные».

Object routes go through app.security.access.ensure_own_notification: anyone else's notice is 404.
"""
from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.paging import page_number
from app.security.roles import CONSUMER
from app.web.permissions import one_permission
from forms.notifications import ButtonForm, HistoryFilterForm
from workflows.notifications import history
from workflows.notifications.kinds import kinds_in_use

MENU = "Уведомления"


def _inside_portal(link: str | None) -> bool:
    return bool(link) and link.startswith("/") and not link.startswith("//")


@one_permission
class NotificationsView(BaseView):
    """The history of notices; every change is a POST with its CSRF token."""

    route_base = "/my/notifications"
    class_permission_name = "ConsumerCabinet"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        form = HistoryFilterForm(request.args)
        form.offer_kinds(kinds_in_use())
        valid = form.validate()
        chosen = history.HistoryFilter(
            state=form.state.data or "all", kind=form.kind.data or None,
            since=form.since.data if valid else None, until=form.until.data if valid else None)
        page = history.notices(current_user, chosen, page_number())
        query = {key: value for key, value in request.args.items() if key != "page" and value}
        return self.render_template("notifications/pages/history.html", form=form, page=page, query=query,
                                    unread=history.unread_count(current_user), button=ButtonForm())

    @expose("/<int:notice_id>")
    @has_access
    def open(self, notice_id):
        """Opening a notice reads it, then goes where it points (its page in the portal)."""
        notice = history.read_notice(current_user, notice_id)
        return redirect(notice.link if _inside_portal(notice.link) else url_for(".index"))

    @expose("/<int:notice_id>/<any(read, unread):action>", methods=["POST"])
    @has_access
    def mark(self, notice_id, action):
        if not ButtonForm().validate_on_submit():
            abort(400)
        if action == "read":
            history.read_notice(current_user, notice_id)
        else:
            history.mark_unread(current_user, notice_id)
        return redirect(self._back())

    @expose("/read", methods=["POST"])
    @has_access
    def read_all(self):
        if not ButtonForm().validate_on_submit():
            abort(400)
        history.mark_all_read(current_user)
        flash(_("Все уведомления отмечены как прочитанные"), "success")
        return redirect(self._back())

    @staticmethod
    def _back() -> str:
        """Back to the list as it was filtered (only the history's own address)."""
        back = request.form.get("back", "")
        return back if back.startswith("/my/notifications/?") else url_for(".index")


VIEWS = (NotificationsView,)
MENU_LINKS = ((MENU, "/my/notifications/", "fa-bell"),)
PERMISSIONS: dict = {CONSUMER: [("menu_access", MENU)]}
