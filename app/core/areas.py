"""What an area declares about itself, in one small object; the factory collects them.

Each area has one name, the same in every folder (models, views, forms, workflows,
templates, tests); its `app/views/<area>/__init__.py` ends with `AREA = Area(...)`. The
factory (`app/__init__.py:AREAS`) is the only place that imports every area: low modules
(roles, seeding, the job queue) receive what the areas declare, they never import an area.
"""
from dataclasses import dataclass, field
from typing import Callable

from flask import current_app

#: the staff menu where every area's administration screens meet
ADMIN_CATEGORY = "Администрирование"
#: the staff menu's dropdown of the consumers' visits and calls (E4)
RECEPTION_CATEGORY = "Прием потребителей"
CATEGORY_ICONS = {RECEPTION_CATEGORY: "fa-handshake-o"}


@dataclass(frozen=True)
class Area:
    #: the area's name: app/models/<name>.py, app/views/<name>/, forms/<name>.py, …
    name: str
    #: registers the area's FAB views, menu entries and blueprints: register(appbuilder)
    register: Callable = lambda appbuilder: None
    #: role name → [(permission, view or menu name)] the role needs here (`flask kabinet sync-roles`)
    permissions: dict = field(default_factory=dict)
    #: idempotent functions creating the area's reference data (`flask kabinet seed`), in order
    seeders: tuple = ()
    #: transition guards the area adds to the applications workflow (registered by the factory)
    guards: tuple = ()
    #: (view class, menu name, icon) placed in «Администрирование» after every area registered,
    #: so the admin menu keeps its place and the admin area's own entries come first
    admin_views: tuple = ()
    #: notification template keys the area sends (templates/notifications/<key>.*.j2)
    notifications: tuple = ()
    #: (job, seconds) run periodically by `rq cron` and, while Redis is away, by requests; each
    #: job decorated with app.core.jobs.context.job (an app context and one unit of work)
    periodic_jobs: tuple = ()


def declared_areas() -> tuple:
    """The running application's areas, as the factory collected them."""
    return current_app.extensions["kabinet_areas"]


def seed_reference_data() -> None:
    """Every area's reference data, area by area in menu order; idempotent, safe to re-run."""
    for area in declared_areas():
        for seeder in area.seeders:
            seeder()


def area_of_modules(name: str, modules: tuple) -> Area:
    """An area whose view modules each declare what they add — VIEWS (FAB views without a menu
    entry), MENU_LINKS ((name, address, icon[, label[, category]]): the name is the entry's
    permission, the label what the menu shows when two entries read alike, the category the staff
    menu's dropdown it goes in), PERMISSIONS (role → [(permission,
    view or menu)]), ADMIN_VIEWS, BLUEPRINTS, SEEDERS, NOTIFICATIONS, PERIODIC_JOBS — collected
    in module order."""

    def collected(attribute: str) -> tuple:
        return tuple(item for module in modules for item in getattr(module, attribute, ()))

    def register(appbuilder) -> None:
        for view in collected("VIEWS"):
            appbuilder.add_view_no_menu(view())
        for blueprint in collected("BLUEPRINTS"):
            current_app.register_blueprint(blueprint)  # FAB 5: the app is the current one
        for menu_name, href, icon, *more in collected("MENU_LINKS"):
            label, category = (more + ["", ""])[:2]
            appbuilder.add_link(menu_name, href=href, icon=icon, label=label, category=category,
                                category_icon=CATEGORY_ICONS.get(category, ""))

    permissions: dict = {}
    for module in modules:
        for role, pairs in getattr(module, "PERMISSIONS", {}).items():
            permissions.setdefault(role, []).extend(pairs)
    return Area(name, register=register, permissions=permissions, seeders=collected("SEEDERS"),
                admin_views=collected("ADMIN_VIEWS"), notifications=collected("NOTIFICATIONS"),
                periodic_jobs=collected("PERIODIC_JOBS"))
