"""Roles as data (STYLE 9): role name → (permission, view) pairs, synced by
`flask kabinet sync-roles`. FAB's `Admin` keeps every permission.

A view declares `class_permission_name`; its methods share one permission through
`method_permission_name`. Each area lists what its roles need (views and
`menu_access` on its menu entries) in its `AREA.permissions` (app/core/areas.py).
"""
CONSUMER = "Consumer"
STAFF = "Staff"
ORG_ADMIN = "OrgAdmin"
ADMIN = "Admin"

#: who may act for the organization in workflows (transitions name these too)
ORGANIZATION_ROLES = frozenset({STAFF, ORG_ADMIN, ADMIN})

#: the base every role gets; each area adds its own in `AREA.permissions`
BASE_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    CONSUMER: [("can_access", "ConsumerCabinet"), ("can_access", "AccountSecurity")],
    STAFF: [("can_access", "AccountSecurity"), ("can_access", "StaffWorkspace")],
    ORG_ADMIN: [("can_access", "AccountSecurity"), ("can_access", "StaffWorkspace"),
                ("can_access", "OrganizationAdmin")],
}


def role_configs() -> dict[str, list[tuple[str, str]]]:
    """Role → (permission, view) pairs: the base plus what every area declares."""
    from flask import current_app

    configs = {role: list(pairs) for role, pairs in BASE_PERMISSIONS.items()}
    # the areas the factory collected (app.core.areas.declared_areas), read without importing
    # app.core: the role names sit below every layer, models and core use them too
    for area in current_app.extensions["kabinet_areas"]:
        for role, pairs in area.permissions.items():
            configs.setdefault(role, [])
            configs[role].extend(pair for pair in pairs if pair not in configs[role])
    return configs


def sync_roles(appbuilder) -> dict[str, int]:
    """Create every view permission and make each role hold exactly its configured set
    (flushes; `flask kabinet sync-roles` commits)."""
    sm = appbuilder.sm
    # Admin first: FAB grants it every permission as the permissions are created.
    sm.add_role(sm.auth_role_admin)
    sm.add_role(sm.auth_role_public)
    appbuilder.add_permissions(update_perms=True)
    counts = {}
    for role_name, pairs in role_configs().items():
        role = sm.add_role(role_name)
        wanted = [sm.add_permission_view_menu(perm, view) for perm, view in pairs]
        role.permissions = [pv for pv in wanted if pv is not None]
        counts[role_name] = len(role.permissions)
    sm.session.flush()
    return counts
