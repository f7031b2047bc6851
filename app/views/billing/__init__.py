"""The billing area (section D, issue 13): personal accounts from the billing system.

Views parse, call one command of workflows/billing/ and render. Each module declares what it
adds — VIEWS (FAB views without a menu entry), MENU_LINKS ((name, address, icon[, label])), PERMISSIONS
(role → [(permission, view or menu)]), ADMIN_VIEWS ((view, menu, icon) in «Администрирование»),
BLUEPRINTS — and this package collects them:
- cabinet.py — «Лицевые счета»: the consumer's accounts, add/remove, receipt delivery (D2, D3, D10);
- details.py — «Реквизиты лицевого счета»: services, meters, tariffs, data-change statement (D4);
- staff.py — the staff's account search and unlinking;
- imports.py — «Загрузка из биллинга» (admins): upload, progress, error file (D1);
- exports.py — «Выгрузка в биллинг» and integration tokens (admins) (D1).
The exchange API for billing systems is app/api/billing.py.
"""
from app.core.areas import Area
from app.views.billing import cabinet, details, exports, imports, staff

__all__ = ["AREA", "register"]

MODULES = (cabinet, details, staff, imports, exports)


def _collected(name: str) -> tuple:
    return tuple(item for module in MODULES for item in getattr(module, name, ()))


def _permissions() -> dict:
    merged: dict = {}
    for module in MODULES:
        for role, pairs in getattr(module, "PERMISSIONS", {}).items():
            merged.setdefault(role, []).extend(pairs)
    return merged


def register(appbuilder) -> None:
    """Add this area's views, blueprints and menu entries."""
    for view in _collected("VIEWS"):
        appbuilder.add_view_no_menu(view())
    for blueprint in _collected("BLUEPRINTS"):
        appbuilder.get_app.register_blueprint(blueprint)
    # (name, address, icon) or (name, address, icon, label): the name is the entry's permission,
    # the label what the menu shows when two entries read alike (consumers' and staff's)
    for name, href, icon, *label in _collected("MENU_LINKS"):
        appbuilder.add_link(name, href=href, icon=icon, label=label[0] if label else "")


AREA = Area(
    "billing",
    register=register,
    permissions=_permissions(),
    seeders=_collected("SEEDERS"),
    admin_views=_collected("ADMIN_VIEWS"),
    notifications=_collected("NOTIFICATIONS"),
    periodic_jobs=_collected("PERIODIC_JOBS"),
)
