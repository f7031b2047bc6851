"""Template helpers that every page uses, kept cheap because every page uses them.

Flask-Babel's template ``_()`` looks the locale and the catalogue up again for every string
(a page has a hundred or more); here the catalogue is looked up once per request. The menu
is rendered once per permission set and language, not on every page.
"""
import re

from flask import Flask, current_app, g, render_template, request, session, url_for
from flask_babel import get_locale, get_translations
from flask_login import current_user
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


#: rendered menus and headers kept per application; a handful of role sets × languages (×
#: current menu entries, for the header) in practice
CACHE_SIZE = 256


def _cached(name: str, key, build):
    """`build()` once per `key` in the application's cache `name` (emptied when full)."""
    cache = current_app.extensions.setdefault(name, {})
    value = cache.get(key)
    if value is None:
        if len(cache) >= CACHE_SIZE:
            cache.clear()
        value = cache[key] = build()
    return value


def _menu_key() -> tuple:
    """What FAB's menu shows depends on nothing else: the permissions, the language and the
    entries hidden for now (the header, the menu and the footer of a page ask; worked out once
    per request)."""
    try:
        return g._kabinet_menu_key
    except AttributeError:
        from app.extensions import appbuilder

        g._kabinet_menu_key = key = (appbuilder.sm.current_permissions(), str(get_locale()), _hidden_entries())
        return key


def show_menu_entry_when(app: Flask, name: str, check) -> None:
    """The consumer menu shows entry `name` only while `check()` is true (E6: «Акции» only
    while a promotion runs). `check` runs once per request, so it must be cheap."""
    app.extensions.setdefault("kabinet.menu_conditions", {})[name] = check


def _hidden_entries() -> frozenset:
    checks = current_app.extensions.get("kabinet.menu_conditions", {})
    return frozenset(name for name, check in checks.items() if not check())


def navbar_menu() -> Markup:
    """FAB's menu, filtered by permissions: rendered once per permission set and language.

    Rendering it asks FAB about every entry (a permission check each), which cost more than
    the rest of a consumer page. The menu entries are fixed when the app starts, so the
    rendered HTML depends only on the permissions and the language — the cache key.
    """
    from app.extensions import appbuilder

    return _cached("kabinet.navbar_menu", _menu_key(), lambda: Markup(
        render_template("appbuilder/navbar_menu.html", menu=appbuilder.menu)))


#: menu entries the consumer header shows beside the user's name, not in the menu row
HEADER_LINK_NAMES = ("Информация", "Помощь")


def public_menu() -> dict:
    """The consumer/visitor menu as plain links, cached like navbar_menu: {"main": [...],
    "header": [...]}, each link a dict(name, label, href, icon)."""
    return _cached("kabinet.navbar_menu", ("public", *_menu_key()), _public_links)


def _public_links() -> dict:
    from flask_babel import gettext

    from app.extensions import appbuilder

    links = {"main": [], "header": []}
    hidden = _menu_key()[2]
    for item in appbuilder.menu.get_list():
        for entry in item.childs or [item]:
            if entry and entry.name != "-" and entry.name not in hidden and appbuilder.sm.has_access(
                    "menu_access", entry.name):
                part = "header" if entry.name in HEADER_LINK_NAMES else "main"
                links[part].append({"name": entry.name, "label": gettext(str(entry.label)), "href": entry.get_url(),
                                    "icon": entry.icon})
    links["rows"] = menu_rows(links["main"], gettext)
    return links


#: the consumer menu's dropdowns, named after seed 004's sections: the label and the entries it
#: gathers, in order; a dropdown stands where its first entry would, and a dropdown with one
#: visible entry is that entry
MENU_GROUPS = (
    ("Заявки", ("Подать заявку", "Мои заявки", "Сообщение сетевой организации", "Запросы копий документов")),
    ("Мои заявления и документы", ("Мои документы", "Подать заявление", "Мои заявления")),
    ("Контакты", ("Контакты", "Запись на прием", "Заказ обратного звонка")),
    ("Сервисы", ("Вопросы и ответы", "Опросы", "Акции", "Интернет-магазин")),
)


#: the menu row's order, as seed 004's cabinet reads: entries and dropdowns by name (the others
#: follow in the order the areas registered them)
MENU_ORDER = ("Лицевые счета", "Заявки", "Обращения", "Мои заявления и документы", "Контакты", "Сервисы",
              "Уведомления", "Мои данные", "Проверить подпись")


def menu_rows(links: list, gettext) -> list:
    """The menu row: links, and dropdowns {"label", "children"} in place of their entries."""
    group_of = {name: label for label, names in MENU_GROUPS for name in names}
    order = {name: place for _label, names in MENU_GROUPS for place, name in enumerate(names)}
    rows, groups = [], {}
    for link in links:
        label = group_of.get(link["name"])
        if label is None:
            rows.append(link)
        elif label not in groups:
            groups[label] = {"group": label, "label": gettext(label), "children": [link]}
            rows.append(groups[label])
        else:
            groups[label]["children"].append(link)
    for group in groups.values():
        group["children"].sort(key=lambda link: order[link["name"]])
    rows = [row["children"][0] if "children" in row and len(row["children"]) == 1 else row for row in rows]
    place = {name: index for index, name in enumerate(MENU_ORDER)}
    return sorted(rows, key=lambda row: place.get(row.get("name") or row.get("group"), len(place)))


def current_link(menu: dict, full_path: str, path: str) -> str:
    """The address of the menu entry of this page: the one with this address, else the longest
    one this address is under ("" when none is)."""
    hrefs = [link["href"] for link in menu["main"] + menu["header"]]
    here = full_path.rstrip("?")
    if here in hrefs:
        return here
    under = [href for href in hrefs if "?" not in href and href.endswith("/") and href != "/" and path.startswith(href)]
    return max(under, key=len, default="")


#: stand-ins rendered into the cached header where each request's own values go
MARKS = {name: f"\x1e{name}\x1e" for name in ("csrf", "name", "line")}
MARK_PATTERN = re.compile("\x1e(csrf|name|line)\x1e")


def public_header() -> Markup:
    """layout/public_header.html for this page: rendered once per menu, language, current entry,
    organization name and logo; the user's name and line and the CSRF token are filled in here.
    Rendering it on every page cost a consumer page more than its own content."""
    from flask_wtf.csrf import generate_csrf

    from app.core.settings import get_setting
    from app.extensions import appbuilder

    user = current_user._get_current_object()
    signed_in = bool(user.is_authenticated)
    consumer = user.consumer if signed_in else None
    menu = public_menu()
    here = current_link(menu, request.full_path, request.path)
    org_name, logo = get_setting("org_short_name"), get_setting("org_logo")
    key = (_menu_key(), session.get("locale"), signed_in, consumer is not None, here, org_name, logo)
    parts = _cached("kabinet.public_header", key, lambda: MARK_PATTERN.split(render_template(
        "layout/public_header.html", appbuilder=appbuilder, menu=menu, current_href=here, org_name=org_name, signed_in=signed_in,
        csrf=MARKS["csrf"], identity={"name": MARKS["name"], "line": MARKS["line"]} if consumer else None)))
    values = {"csrf": generate_csrf() if signed_in else ""}
    if consumer is not None:
        values |= {"name": consumer.display_name, "line": consumer.header_line}
    html = [parts[0]]
    for index in range(1, len(parts), 2):
        html += (escape(values[parts[index]]), parts[index + 1])
    return Markup("".join(html))


def public_footer() -> Markup:
    """layout/public_footer.html, rendered once per organization name and menu."""
    from app.core.settings import get_setting

    org_name = get_setting("org_name")
    return _cached("kabinet.public_footer", (_menu_key(), org_name), lambda: Markup(render_template(
        "layout/public_footer.html", org_name=org_name, links=public_menu()["header"])))


def language_fragment(name: str) -> Markup:
    """A template that depends on nothing but the language (FAB's confirm and alert dialogs),
    rendered once per language."""
    return _cached("kabinet.fragments", (name, str(get_locale())), lambda: Markup(render_template(name)))


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


#: the portal's own, after FAB's: its styles, select2 in Russian (it picks the language from
#: <html lang>), FAB's page code moved out of inline script, the portal's page code
KABINET_ASSETS = {"head_css": ["css/kabinet.css"], "head_js": [],
                  "tail_js": ["vendor/select2/i18n/ru.js", "js/fab.js", "js/kabinet.js"]}


def _asset_tag(href: str, part: str) -> str:
    return f'<link href="{href}" rel="stylesheet">' if part.endswith("css") else f'<script src="{href}"></script>'


def layout_assets(part: str) -> Markup:
    """The <link>/<script> tags of the layout (FAB's, then the portal's), made once per
    application and URL prefix."""
    from app.extensions import appbuilder

    def build() -> Markup:
        tags = []
        for filename in FAB_ASSETS[part]:
            if filename == "{theme}":
                if not appbuilder.app_theme:
                    continue
                filename = f"css/themes/{appbuilder.app_theme}"
            tags.append(_asset_tag(url_for("appbuilder.static", filename=filename), part))
        tags += [_asset_tag(url_for("static", filename=filename), part) for filename in KABINET_ASSETS[part]]
        return Markup("\n".join(tags))

    return _cached("kabinet.layout_assets", (part, request.script_root), build)


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
    app.add_template_global(public_header, "public_header")
    app.add_template_global(public_footer, "public_footer")
    app.add_template_global(language_fragment, "language_fragment")
    app.add_template_global(uses_public_layout, "uses_public_layout")
    from app.core.settings import get_setting

    app.add_template_global(get_setting, "org_setting")
    app.add_template_global(RowUrl, "row_url")
    app.add_template_global(layout_assets, "layout_assets")
    app.add_template_global(status_label, "status_label")
    app.add_template_global(get_locale, "get_locale")  # <html lang> (WCAG 3.1.1)
    from app.core import labels, urls

    urls.register(app)
    labels.register(app)
