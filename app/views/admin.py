"""FAB views of the admin area (F1–F7): information pages, settings, dictionaries,
consumers and accounts opened at the office, audit log, reports.

Views stay thin: the rules live in workflows/pages and workflows/admin.
"""
from flask import abort, redirect, request
from flask_appbuilder import BaseView, expose
from flask_login import current_user

from app.security.access import is_organization

#: permission views of this area; OrgAdmin already holds OrganizationAdmin (roles.py)
ADMIN_PERMISSION = "OrganizationAdmin"
ADMIN_CATEGORY = "Администрирование"
PUBLIC_MENU = ["Информация", "Помощь"]

ROLE_PERMISSIONS = {
    "Public": [("menu_access", name) for name in PUBLIC_MENU],
    "Consumer": [("menu_access", name) for name in PUBLIC_MENU],
}


class InfoPageView(BaseView):
    """/page/<slug>: the published text of an information page, for everyone (F1)."""

    route_base = "/page"
    default_view = "show"

    @expose("/<slug>")
    def show(self, slug):
        from workflows.pages import service

        page = service.get_page(slug)
        if page is None or page.published_version is None:
            abort(404)
        return self.render_template(
            "pages/page.html", page=page, body=service.render_html(page.published_version.body_html),
            menu=service.menu_pages(),
        )

    @expose("/asset/<key>")
    def asset(self, key):
        """An image of a page or the logo; only files registered as public assets."""
        from app.files import send_stored
        from workflows.pages import service

        if len(key) != 40 or not all(ch in "0123456789abcdef" for ch in key):
            abort(404)
        asset = service.find_asset(key)
        if asset is None:
            abort(404)
        response = send_stored(asset.file, as_attachment=False)
        response.headers["Content-Security-Policy"] = "default-src 'none'"
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response


def info_page(slug: str):
    """Jinja global: the sanitized published text of page `slug`, or "" (contract with accounts)."""
    from workflows.pages.service import published_html

    return published_html(slug)


def _send_staff_to_queue():
    """Staff land in their queue, not on the consumer front page."""
    if request.url_rule is not None and request.url_rule.rule == "/" and is_organization(current_user):
        return redirect("/staff/queue/")
    return None


def register(appbuilder) -> None:
    """Add this area's views and menu entries."""
    from flask import current_app

    app = current_app._get_current_object()
    app.add_template_global(info_page, "info_page")
    app.before_request(_send_staff_to_queue)

    appbuilder.add_view_no_menu(InfoPageView())
    appbuilder.add_link("Информация", href="/page/info", icon="fa-info-circle")
    appbuilder.add_link("Помощь", href="/page/help", icon="fa-question-circle")
