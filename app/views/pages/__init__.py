"""The pages area: the information pages (F1, info.py) and the sections whose entries are
edited in the same page editor (E6): the public sections (sections.py) and their admin lists
(sections_admin.py). The page editor itself is the admin area's (app/views/admin/pages.py);
all of them use workflows/pages."""
from app.core.areas import Area, area_of_modules
from app.views.pages import info, sections, sections_admin

__all__ = ["AREA"]

_SECTIONS = area_of_modules("pages", (sections, sections_admin))


def register(appbuilder) -> None:
    """The information pages first (their links open the header), then the sections."""
    info.register(appbuilder)
    _SECTIONS.register(appbuilder)
    sections.hide_promotions_when_none()


def _permissions() -> dict:
    merged = {role: list(pairs) for role, pairs in info.ROLE_PERMISSIONS.items()}
    for role, pairs in _SECTIONS.permissions.items():
        merged.setdefault(role, []).extend(pairs)
    return merged


AREA = Area("pages", register=register, permissions=_permissions(), seeders=info.SEEDERS + _SECTIONS.seeders,
            admin_views=_SECTIONS.admin_views)
