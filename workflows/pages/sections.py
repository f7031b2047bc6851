"""Sections of entries edited in the page editor (E6): «Вопросы и ответы», «Акции»,
organizations of the power industry, «Интернет-магазин».

An entry is an information page with a `section`: its title and body are the page's versioned
text (kept, published and restored by the editor like any page); what the section adds —
a category, dates, a price, an organization's contacts — is kept on the page and audited.
The sections and their fields are data (SECTIONS); nothing else knows them.
"""
import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core import audit
from app.core.errors import Invalid, NotFound
from app.extensions import db
from app.models import InfoPage
from workflows.pages import service
from workflows.pages.promotions import PROMOTION, forget_current_promotions

FAQ = "faq"
ENERGY_ORG = "energy_org"
CATALOGUE = "catalogue"

MSG_ENDS_BEFORE_START = _l("Дата окончания не может быть раньше даты начала")
MSG_REQUIRED = _l("Поле обязательно для заполнения")
MSG_PRICE = _l("Цена не может быть отрицательной")


class EntryRefused(Invalid):
    """An entry's field breaks its section's rule; `field_errors` names the field."""

    def __init__(self, field_errors: dict[str, str]):
        super().__init__(next(iter(field_errors.values())))
        self.field_errors = field_errors


@dataclass(frozen=True)
class Section:
    code: str
    #: the section's name, as the menu and the admin list show it
    label: str
    #: what one entry is called («Вопрос», «Акция» …) and what its title and body are
    entry_label: str
    title_label: str
    body_label: str
    #: the section's own fields of InfoPage, in the editor's order
    fields: tuple[str, ...]
    #: the fields an entry cannot be saved without
    required: tuple[str, ...]
    #: where everyone reads the section
    public_url: str


SECTIONS: dict[str, Section] = {
    section.code: section for section in (
        Section(FAQ, _l("Вопросы и ответы"), _l("Вопрос"), _l("Вопрос"), _l("Ответ"),
                ("category",), ("category",), "/faq/"),
        Section(PROMOTION, _l("Акции"), _l("Акция"), _l("Название акции"), _l("Описание акции"),
                ("starts_on", "ends_on"), ("starts_on", "ends_on"), "/promotions/"),
        Section(ENERGY_ORG, _l("Контакты организаций электроэнергетики"), _l("Организация"),
                _l("Наименование организации"), _l("Дополнительные сведения"),
                ("org_role", "phone", "site", "address"), ("org_role",), "/contacts/energy/"),
        Section(CATALOGUE, _l("Интернет-магазин"), _l("Товар или услуга"), _l("Наименование"),
                _l("Описание"), ("price",), ("price",), "/catalogue/"),
    )
}
#: every field a section may add, with the type its value is kept as
DETAIL_TYPES = {"category": str, "starts_on": date, "ends_on": date, "price": Decimal,
                "org_role": str, "phone": str, "site": str, "address": str}


def section_or_404(code: str) -> Section:
    """The section with this code, or NotFound."""
    section = SECTIONS.get(code)
    if section is None:
        raise NotFound()
    return section


def section_of(page: InfoPage) -> Section | None:
    """The section a page is an entry of (None for an ordinary page)."""
    return SECTIONS.get(page.section) if page.section else None


def details_of(page: InfoPage) -> dict:
    """The section fields of an entry, as the editor shows them."""
    section = section_of(page)
    return {name: getattr(page, name) for name in section.fields} if section else {}


def check_details(section: Section, details: dict) -> None:
    """Refuse (Invalid with the field's message) details an entry cannot have."""
    errors = {}
    for name in section.required:
        value = details.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors[name] = str(MSG_REQUIRED)
    starts, ends = details.get("starts_on"), details.get("ends_on")
    if starts and ends and ends < starts:
        errors["ends_on"] = str(MSG_ENDS_BEFORE_START)
    price = details.get("price")
    if price is not None and price < 0:
        errors["price"] = str(MSG_PRICE)
    if errors:
        raise EntryRefused(errors)


def _clean(section: Section, details: dict) -> dict:
    clean = {}
    for name in section.fields:
        value = details.get(name)
        if isinstance(value, str):
            value = value.strip() or None
        clean[name] = value
    return clean


def create_entry(code: str, title: str, details: dict, *, actor=None) -> InfoPage:
    """A new entry of a section, unpublished until its text is published in the editor."""
    section = section_or_404(code)
    details = _clean(section, details)
    check_details(section, details)
    title = (title or "").strip()
    if not title:
        raise EntryRefused({"title": str(MSG_REQUIRED)})
    page = service.create_page(f"{code.replace('_', '-')}-{secrets.token_hex(4)}", title,
                               show_in_menu=False, sort_order=next_sort_order(code), actor=actor)
    page.section = code
    for name, value in details.items():
        setattr(page, name, value)
    db.session.flush()
    forget_current_promotions(page)
    audit.record("page.section", page, actor=actor, summary=f"{section.label}: {title}",
                 after=_audited(details))
    return page


def update_details(page: InfoPage, details: dict, *, actor=None) -> None:
    """Change an entry's section fields (dates, price …); refused before anything changes."""
    section = section_of(page)
    if section is None:
        return
    details = _clean(section, details)
    check_details(section, details)
    before = details_of(page)
    if before == details:
        return
    for name, value in details.items():
        setattr(page, name, value)
    db.session.flush()
    forget_current_promotions(page)
    audit.record("page.section", page, actor=actor, summary=f"{section.label}: {page.title}",
                 before=_audited(before), after=_audited(details))


def _audited(details: dict) -> dict:
    return {name: (value if value is None or isinstance(value, str) else str(value))
            for name, value in details.items()}


def next_sort_order(code: str) -> int:
    """After the section's last entry, so a new entry goes to the end of its list."""
    last = db.session.execute(
        select(InfoPage.sort_order).where(InfoPage.section == code).order_by(InfoPage.sort_order.desc()).limit(1)
    ).scalar()
    return (last or 0) + 10


def admin_entries(code: str) -> tuple[list[InfoPage], set[int]]:
    """Every entry of a section for its admin list, and the ids with an unpublished draft."""
    pages = list(db.session.execute(
        select(InfoPage).where(InfoPage.section == code)
        .options(selectinload(InfoPage.published_version))
        .order_by(InfoPage.sort_order, InfoPage.title)
    ).scalars())
    return pages, {page.id for page in pages if service.has_unpublished_draft(page)}


def published_entries(code: str, *conditions) -> list[InfoPage]:
    """The published entries of a section in the admin's order (with their text loaded)."""
    return list(db.session.execute(
        select(InfoPage)
        .where(InfoPage.section == code, InfoPage.published_version_id.is_not(None), *conditions)
        .options(selectinload(InfoPage.published_version))
        .order_by(InfoPage.sort_order, InfoPage.title)
    ).scalars())
