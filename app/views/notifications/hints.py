"""«Отображать подсказки» (E7): the hint box every page includes (templates/notifications/pages/_hint.html
asks `page_hint()`, a template global) and closing a hint (a POST with its CSRF token)."""
from flask import abort, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_login import current_user

from app.web.permissions import one_permission
from forms.notifications import ButtonForm
from workflows.notifications import hints


def page_hint():
    """The hint of this page for the signed-in user, or None (the template global `page_hint`)."""
    if request.endpoint not in hints.HINTS or not getattr(current_user, "is_authenticated", False):
        return None
    return hints.hint_for(current_user, request.endpoint)


@one_permission
class HintsView(BaseView):
    route_base = "/my/hints"
    class_permission_name = "ConsumerCabinet"

    @expose("/<key>/dismiss", methods=["POST"])
    @has_access
    def dismiss(self, key):
        if not ButtonForm().validate_on_submit():
            abort(400)
        hints.dismiss(current_user, key)
        back = request.form.get("back", "")
        return redirect(back if back.startswith("/") and not back.startswith("//") else url_for("NotificationsView.index"))


def install(app) -> None:
    app.add_template_global(page_hint, "page_hint")
    app.add_template_global(ButtonForm, "hint_button_form")


VIEWS = (HintsView,)
