"""The sections everyone reads (E6, seed 004 §2.13, 2.14, 2.16, 2.17; seed 002 «ж»):
«Интернет-магазин», «Вопросы и ответы» with a search, «Акции» (the menu entry only while a
promotion runs), «Контакты» with the offices and the services, and the contacts of the power
industry's organizations. Their entries are edited in the page editor (sections_admin.py)."""
from flask import current_app, request
from flask_appbuilder import BaseView, expose

from app.core.templating import show_menu_entry_when
from app.security.roles import CONSUMER
from workflows.pages import content, service
from workflows.pages.promotions import has_current_promotions

PERMISSION = "ContentSections"
CATALOGUE_MENU = "Интернет-магазин"
FAQ_MENU = "Вопросы и ответы"
PROMOTIONS_MENU = "Акции"
CONTACTS_MENU = "Контакты"
#: the services «Контакты» leads to (seed 004 §2.17); the appointments area serves them
SERVICES = (("Запись на прием", "/my/appointments/new"), ("Заказ обратного звонка", "/my/callbacks/new"))
#: the longest search the FAQ takes (longer is cut, not refused)
MAX_QUERY = 200


class _SectionView(BaseView):
    """A public page of a section: everyone, signed in or not, may read it."""

    class_permission_name = PERMISSION
    default_view = "index"

    def _render(self, template: str, **context):
        """The section's page; `text` shows an entry's body as the editor saved it (sanitized)."""
        return self.render_template(template, text=service.render_html, **context)


class CatalogueView(_SectionView):
    """«Интернет-магазин»: the goods and services of the organization with their prices."""

    route_base = "/catalogue"

    @expose("/")
    def index(self):
        return self._render("pages/catalogue.html", items=content.catalogue_items())


class FaqView(_SectionView):
    """«Вопросы и ответы»: answers to frequent questions by category, with a search."""

    route_base = "/faq"

    @expose("/")
    def index(self):
        query = (request.args.get("q") or "").strip()[:MAX_QUERY]
        return self._render("pages/faq.html", groups=content.faq_groups(query), query=query)


class PromotionsView(_SectionView):
    """«Акции»: the promotions running today."""

    route_base = "/promotions"

    @expose("/")
    def index(self):
        return self._render("pages/promotions.html", promotions=content.current_promotions())


class ContactsView(_SectionView):
    """«Контакты»: the organization's contacts, its offices and the services; the contacts of
    the power industry's organizations on a page of their own."""

    route_base = "/contacts"

    @expose("/")
    def index(self):
        return self._render("pages/contacts.html", contacts=content.organization_contacts(),
                            offices=content.offices(), services=SERVICES)

    @expose("/energy/")
    def energy(self):
        return self._render("pages/energy_contacts.html", organizations=content.energy_organizations())


def hide_promotions_when_none() -> None:
    """«Акции» is inactive while no promotion runs (seed 004 §2.16): out of the menu."""
    show_menu_entry_when(current_app, PROMOTIONS_MENU, has_current_promotions)


VIEWS = (CatalogueView, FaqView, PromotionsView, ContactsView)
MENU_LINKS = (
    (CATALOGUE_MENU, "/catalogue/", "fa-shopping-cart"),
    (FAQ_MENU, "/faq/", "fa-question"),
    (PROMOTIONS_MENU, "/promotions/", "fa-gift"),
    (CONTACTS_MENU, "/contacts/", "fa-phone"),
)
_MENU = [("menu_access", name) for name, _href, _icon in MENU_LINKS]
PERMISSIONS = {"Public": _MENU, CONSUMER: _MENU}
