"""Registers every FAB view, one call per area, in menu order."""
from app.views import accounts, admin, applications, documents, staff

#: each area module has register(appbuilder) and may have ROLE_PERMISSIONS
AREAS = (accounts, applications, documents, staff, admin)


def register_all(appbuilder) -> None:
    for area in AREAS:
        area.register(appbuilder)
