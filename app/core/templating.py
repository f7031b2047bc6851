"""Template helpers that every page uses, kept cheap because every page uses them.

Flask-Babel's template ``_()`` looks the locale and the catalogue up again for every string
(a page has a hundred or more); here the catalogue is looked up once per request. The menu
is rendered once per permission set and language, not on every page.
"""
from flask import Flask, current_app, g, render_template, request, url_for
from flask_babel import get_locale, get_translations
from markupsafe import Markup, escape


def request_translations():
    """The catalogue of this request's language, looked up on first use. A language switched
    later in the same request (flask_babel.refresh, force_locale) does not reach templates:
    Kabinet switches languages by redirecting (/lang/<code>)."""
    try:
        return g._kabinet_translations
    except AttributeError:
        g._kabinet_translations = translations = get_translations()
        return translations


def install_gettext(app: Flask) -> None:
    app.jinja_env.install_gettext_callables(
        gettext=lambda message: request_translations().ugettext(message),
        ngettext=lambda singular, plural, n: request_translations().ungettext(singular, plural, n),
        pgettext=lambda context, message: request_translations().upgettext(context, message),
        npgettext=lambda context, singular, plural, n: request_translations().unpgettext(context, singular, plural, n),
        newstyle=True,
    )


#: rendered menus kept per application; a handful of role sets × languages in practice
MENU_CACHE_SIZE = 64


def navbar_menu() -> Markup:
    """FAB's menu, filtered by permissions: rendered once per permission set and language.

    Rendering it asks FAB about every entry (a permission check each), which cost more than
    the rest of a consumer page. The menu entries are fixed when the app starts, so the
    rendered HTML depends only on the permissions and the language — the cache key.
    """
    from app.extensions import appbuilder

    key = (appbuilder.sm.current_permissions(), str(get_locale()))
    cache = current_app.extensions.setdefault("kabinet.navbar_menu", {})
    html = cache.get(key)
    if html is None:
        if len(cache) >= MENU_CACHE_SIZE:
            cache.clear()
        html = cache[key] = Markup(render_template("appbuilder/navbar_menu.html", menu=appbuilder.menu))
    return html


#: menu entries the consumer header shows beside the user's name, not in the menu row
HEADER_LINK_NAMES = ("Информация", "Помощь")


def public_menu() -> dict:
    """The consumer/visitor menu as plain links, cached like navbar_menu: {"main": [...],
    "header": [...]}, each link a dict(name, label, href, icon). The template marks the
    current page itself (the cache must not depend on the URL)."""
    from flask_babel import gettext

    from app.extensions import appbuilder

    key = ("public", appbuilder.sm.current_permissions(), str(get_locale()))
    cache = current_app.extensions.setdefault("kabinet.navbar_menu", {})
    links = cache.get(key)
    if links is None:
        if len(cache) >= MENU_CACHE_SIZE:
            cache.clear()
        links = {"main": [], "header": []}
        for item in appbuilder.menu.get_list():
            for entry in item.childs or [item]:
                if entry and entry.name != "-" and appbuilder.sm.has_access("menu_access", entry.name):
                    part = "header" if entry.name in HEADER_LINK_NAMES else "main"
                    links[part].append({"name": entry.name, "label": gettext(str(entry.label)), "href": entry.get_url(),
                                        "icon": entry.icon})
        cache[key] = links
    return links


def uses_public_layout(user) -> bool:
    """Visitors and consumers get the public-service layout; staff and admins keep FAB's."""
    return bool(user is None or not user.is_authenticated or user.consumer is not None)


#: FAB's static files, in the order of its appbuilder/init.html
FAB_ASSETS = {
    "head_css": [
        "css/bootstrap.min.css", "css/fontawesome/fontawesome.min.css", "css/fontawesome/regular.min.css",
        "css/fontawesome/solid.min.css", "css/fontawesome/brands.min.css", "css/fontawesome/v4-shims.min.css",
        "{theme}", "css/bootstrap-datepicker/bootstrap-datepicker3.min.css", "css/select2/select2.min.css",
        "css/select2/select2-bootstrap.min.css", "css/flags/flags16.css", "css/ab.css",
    ],
    "head_js": ["js/jquery-latest.js", "js/ab_filters.js", "js/ab_actions.js"],
    "tail_js": ["js/bootstrap.min.js", "js/bootstrap-datepicker/bootstrap-datepicker.min.js",
                "js/select2/select2.min.js", "js/ab.js"],
}


def fab_assets(part: str) -> Markup:
    """The <link>/<script> tags of FAB's layout, made once per application and URL prefix."""
    from app.extensions import appbuilder

    cache = current_app.extensions.setdefault("kabinet.fab_assets", {})
    key = (part, request.script_root)
    if key not in cache:
        tags = []
        for filename in FAB_ASSETS[part]:
            if filename == "{theme}":
                if not appbuilder.app_theme:
                    continue
                filename = f"css/themes/{appbuilder.app_theme}"
            href = url_for("appbuilder.static", filename=filename)
            tags.append(f'<link href="{href}" rel="stylesheet">' if part.endswith("css")
                        else f'<script src="{href}"></script>')
        cache[key] = Markup("\n".join(tags))
    return cache[key]


def status_label(application) -> Markup:
    """The status of an application as a coloured label (lists, summaries, the staff queue)."""
    status = application.status
    kind = ("default" if status.is_final else "warning" if status.consumer_editable
            else "info" if status.is_draft else "primary")
    return Markup(f'<span class="label label-{kind}" data-test="status">{escape(application.display_status)}</span>')


class RowUrl:
    """``url_for(endpoint, **{argument: value})`` for every row of a list, built once.

    A list page links each of its rows to the same few endpoints; werkzeug builds every URL
    from the rule again (a hundred builds on a page of twenty rows). Here the rule is built
    once with a marker in place of the integer argument, and each row fills the marker in.
    """

    MARKER = "2147483647"

    def __init__(self, endpoint: str, argument: str):
        self.head, _, self.tail = url_for(endpoint, **{argument: int(self.MARKER)}).partition(self.MARKER)

    def __call__(self, value: int) -> str:
        return f"{self.head}{int(value)}{self.tail}"


def register(app: Flask) -> None:
    install_gettext(app)
    app.add_template_global(navbar_menu, "navbar_menu")
    app.add_template_global(public_menu, "public_menu")
    app.add_template_global(uses_public_layout, "uses_public_layout")
    from app.core.settings import get_setting

    app.add_template_global(get_setting, "org_setting")
    app.add_template_global(RowUrl, "row_url")
    app.add_template_global(fab_assets, "fab_assets")
    app.add_template_global(status_label, "status_label")
    app.add_template_global(get_locale, "get_locale")  # <html lang> (WCAG 3.1.1)
    from app.core import labels, urls

    urls.register(app)
    labels.register(app)
