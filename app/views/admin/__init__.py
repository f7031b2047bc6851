"""The admin area (F2–F7), split by what it manages: the page editor (pages.py), settings,
dictionaries and the transition graph, people (staff, consumers; FAB's own user and role
screens in people_fab.py), the audit log and reports. The public information pages are the
pages area (app/views/pages.py).

Views parse the form, call one command in workflows/admin or workflows/pages, render.
"""
from flask import current_app, redirect, request
from flask_login import current_user

from app.core.audit import watch
from app.core.areas import Area
from app.models import KabinetUser
from app.security.access import is_organization
from app.security.roles import ORG_ADMIN, STAFF
from app.views.admin.audit import AuditLogView
from app.views.admin.common import (
    ADMIN_CATEGORY,
    CONSUMERS_PERMISSION,
    DICT_CATEGORY,
)
from app.views.admin.dictionaries import AUDITED_DICTIONARIES, DICTIONARY_VIEWS, TransitionGraphView
from app.views.admin.pages import AdminPagesView
from app.views.admin.people import ConsumersView, StaffView
from app.views.admin.reports import ReportsView
from app.views.admin.settings import SettingsView
from workflows.admin.defaults import seed_topics
from workflows.admin.settings import logo_url

__all__ = ["AREA"]

ADMIN_MENU = ["Информационные страницы", "Данные и настройки", "Сотрудники", "Журнал изменений", "Отчеты",
              "Граф переходов"]
DICT_MENU = [name for _view, name, _icon in DICTIONARY_VIEWS]
CONSUMERS_MENU = "Потребители"

ROLE_PERMISSIONS = {
    STAFF: [("can_access", CONSUMERS_PERMISSION), ("menu_access", CONSUMERS_MENU)],
    ORG_ADMIN: (
        [("can_access", CONSUMERS_PERMISSION), ("menu_access", CONSUMERS_MENU),
         ("menu_access", ADMIN_CATEGORY), ("menu_access", DICT_CATEGORY)]
        + [("menu_access", name) for name in ADMIN_MENU + DICT_MENU]
        # F5: FAB's own user and role lists, read-only (changes go through «Сотрудники» and
        # «Потребители», which never give FAB's Admin role)
        + [(perm, "UserDBModelView") for perm in ("can_list", "can_show")]
        + [(perm, "RoleModelView") for perm in ("can_list", "can_show")]
        + [("menu_access", "Security"), ("menu_access", "List Users"), ("menu_access", "List Roles")]
    ),
}


def _send_staff_to_queue():
    """Staff land in their queue, not on the consumer front page."""
    if request.url_rule is not None and request.url_rule.rule == "/" and is_organization(current_user):
        return redirect("/staff/queue/")
    return None


def register(appbuilder) -> None:
    """Add this area's views and menu entries."""
    current_app.add_template_global(logo_url, "org_logo_url")
    current_app.before_request(_send_staff_to_queue)

    appbuilder.add_view(AdminPagesView(), "Информационные страницы", icon="fa-file-text",
                        category=ADMIN_CATEGORY, category_icon="fa-wrench")
    appbuilder.add_view(SettingsView(), "Данные и настройки", icon="fa-sliders", category=ADMIN_CATEGORY)
    appbuilder.add_view(StaffView(), "Сотрудники", icon="fa-id-badge", category=ADMIN_CATEGORY)
    appbuilder.add_view(AuditLogView(), "Журнал изменений", icon="fa-history", category=ADMIN_CATEGORY)
    appbuilder.add_view(ReportsView(), "Отчеты", icon="fa-bar-chart", category=ADMIN_CATEGORY)
    appbuilder.add_view(TransitionGraphView(), "Граф переходов", icon="fa-sitemap", category=ADMIN_CATEGORY)
    for view, name, icon in DICTIONARY_VIEWS:
        appbuilder.add_view(view(), name, icon=icon, category=DICT_CATEGORY, category_icon="fa-book")
    appbuilder.add_view(ConsumersView(), CONSUMERS_MENU, icon="fa-users")
    watch_admin_models()


def watch_admin_models() -> None:
    """F6: dictionaries, roles and user roles/blocking are audited on every change."""
    from flask_appbuilder.security.sqla.models import Role

    for model, action in AUDITED_DICTIONARIES:
        watch(model, action)
    watch(Role, "role", fields={"name", "permissions"})
    # roles and blocking only: contact data changes are audited by the accounts area, and an
    # erased account (A8) must not leave its personal data behind in automatic records
    watch(KabinetUser, "user", fields={"roles", "active"})


AREA = Area(
    "admin",
    register=register,
    permissions=ROLE_PERMISSIONS,
    seeders=(seed_topics,),
    notifications=(),
)
