"""What everyone reads in the sections (E6): questions and answers found by a search, the
current promotions, the organizations of the power industry, the catalogue, the contacts."""
import html
import re
from dataclasses import dataclass, field

from sqlalchemy import select

from app.core.settings import get_setting
from app.extensions import db
from app.models import InfoPage, Office
from workflows.pages.promotions import PROMOTION, moscow_today, running_on
from workflows.pages.sections import CATALOGUE, ENERGY_ORG, FAQ, published_entries
#: the organization's contacts on «Контакты», from «Данные и настройки»
CONTACT_SETTINGS = ("org_phone", "org_email", "org_address", "org_work_hours", "org_site")
_TAG = re.compile(r"<[^>]+>")


@dataclass
class FaqGroup:
    category: str
    entries: list = field(default_factory=list)


def searchable(text: str | None) -> str:
    """Text as the search compares it: no markup, case-folded, «ё» read as «е»."""
    plain = html.unescape(_TAG.sub(" ", text or ""))
    return plain.casefold().replace("ё", "е")


def _matches(page: InfoPage, words: list[str]) -> bool:
    text = searchable(page.published_version.title) + " " + searchable(page.published_version.body_html)
    return all(word in text for word in words)


def faq_groups(query: str | None = None) -> list[FaqGroup]:
    """The published questions by category, in the admin's order; with a query, only those
    whose question or answer contains every word of it (any case)."""
    words = searchable(query).split()
    groups: dict[str, FaqGroup] = {}
    for page in published_entries(FAQ):
        if words and not _matches(page, words):
            continue
        category = page.category or ""
        groups.setdefault(category, FaqGroup(category)).entries.append(page)
    return list(groups.values())


def current_promotions() -> list[InfoPage]:
    """The published promotions running today (Moscow date), soonest to end first."""
    promotions = published_entries(PROMOTION, *running_on(moscow_today()))
    return sorted(promotions, key=lambda page: (page.ends_on, page.sort_order))


def energy_organizations() -> list[InfoPage]:
    """The published organizations of the power industry, in the admin's order."""
    return published_entries(ENERGY_ORG)


def catalogue_items() -> list[InfoPage]:
    """The published goods and services, in the admin's order."""
    return published_entries(CATALOGUE)


def organization_contacts() -> dict[str, str]:
    """The organization's phone, email, address, working hours and site (empty ones left out)."""
    values = {name: (get_setting(name) or "").strip() for name in CONTACT_SETTINGS}
    return {name: value for name, value in values.items() if value}


def offices() -> list[Office]:
    """The offices consumers are received at, in the dictionary's order."""
    return list(db.session.execute(
        select(Office).where(Office.active.is_(True)).order_by(Office.sort_order, Office.name)
    ).scalars())
