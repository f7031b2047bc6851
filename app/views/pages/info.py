"""The information pages everyone reads at /page/<slug> (F1), their pictures and documents,
and the `info_page()` Jinja global other areas put on their pages. The editor is the admin
area's (app/views/admin/pages.py); both use workflows/pages."""
from flask import abort, current_app
from flask_appbuilder import BaseView, expose

from app.core.files import send_stored
from app.security.roles import CONSUMER
from workflows.pages import service

#: the menu links of this area, for visitors and consumers
PUBLIC_MENU = ["Информация", "Помощь"]

ROLE_PERMISSIONS = {
    "Public": [("menu_access", name) for name in PUBLIC_MENU],
    CONSUMER: [("menu_access", name) for name in PUBLIC_MENU],
}
#: pictures are shown inline, only these; documents (and anything else) are only downloaded
INLINE_PURPOSES = ("page_image", "logo")
INLINE_TYPES = ("image/png", "image/jpeg", "image/gif")


class InfoPageView(BaseView):
    """/page/<slug>: the published text of an information page, for everyone (F1)."""

    route_base = "/page"
    default_view = "show"

    @expose("/<slug>")
    def show(self, slug):
        page = service.get_page(slug)
        # a section's entry (E6) is read on its section's page, never on its own
        if page is None or page.published_version is None or page.section is not None:
            abort(404)
        return self.render_template(
            "pages/page.html", page=page, body=service.render_html(page.published_version.body_html),
            menu=service.menu_pages(),
        )

    @expose("/asset/<key>")
    def asset(self, key):
        """An image of a page or the logo; only files registered as public assets."""
        if len(key) != 40 or not all(ch in "0123456789abcdef" for ch in key):
            abort(404)
        asset = service.find_asset(key)
        if asset is None:
            abort(404)
        inline = asset.purpose in INLINE_PURPOSES and asset.file.content_type in INLINE_TYPES
        response = send_stored(asset.file, as_attachment=not inline)
        response.headers["Content-Security-Policy"] = "default-src 'none'"
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response


def info_page(slug: str):
    """Jinja global: the sanitized published text of page `slug`, or "" (contract with accounts)."""
    return service.published_html(slug)


def register(appbuilder) -> None:
    """The public page route, the «Информация» and «Помощь» links and the info_page() global."""
    current_app.add_template_global(info_page, "info_page")
    appbuilder.add_view_no_menu(InfoPageView())
    appbuilder.add_link("Информация", href="/page/info", icon="fa-info-circle")
    appbuilder.add_link("Помощь", href="/page/help", icon="fa-question-circle")


SEEDERS = (service.seed_system_pages,)
