"""Roles as data (STYLE 9): role name → (permission, view) pairs, synced by
`flask kabinet sync-roles`. FAB's `Admin` keeps every permission.

A view declares `class_permission_name`; its methods share one permission through
`method_permission_name` (see app/views). Add a view here and re-run sync-roles.
"""
CONSUMER = "Consumer"
STAFF = "Staff"
ORG_ADMIN = "OrgAdmin"
ADMIN = "Admin"

#: who may act for the organization in workflows (transitions name these too)
ORGANIZATION_ROLES = frozenset({STAFF, ORG_ADMIN, ADMIN})

_CONSUMER_PERMISSIONS = [
    ("can_access", "ConsumerCabinet"),
    ("can_access", "AccountSecurity"),
]
_STAFF_PERMISSIONS = [
    ("can_access", "AccountSecurity"),
    ("can_access", "StaffWorkspace"),
]
_ORG_ADMIN_PERMISSIONS = _STAFF_PERMISSIONS + [
    ("can_access", "OrganizationAdmin"),
]

ROLE_CONFIGS: dict[str, list[tuple[str, str]]] = {
    CONSUMER: _CONSUMER_PERMISSIONS,
    STAFF: _STAFF_PERMISSIONS,
    ORG_ADMIN: _ORG_ADMIN_PERMISSIONS,
}


def sync_roles(appbuilder) -> dict[str, int]:
    """Create every view permission and make each role hold exactly its configured set."""
    sm = appbuilder.sm
    appbuilder.add_permissions(update_perms=True)
    counts = {}
    for role_name, pairs in ROLE_CONFIGS.items():
        role = sm.add_role(role_name)
        wanted = [sm.add_permission_view_menu(perm, view) for perm, view in pairs]
        role.permissions = [pv for pv in wanted if pv is not None]
        counts[role_name] = len(role.permissions)
    sm.add_role(sm.auth_role_admin)
    sm.add_role(sm.auth_role_public)
    sm.session.commit()
    return counts
