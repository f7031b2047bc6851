"""Registers every FAB view, one call per area, in menu order."""
from app.views import accounts, admin, applications, documents, staff, trusted_certificates

#: each area module has register(appbuilder) and may have ROLE_PERMISSIONS
AREAS = (accounts, applications, documents, staff, admin, trusted_certificates)


def register_all(appbuilder) -> None:
    for area in AREAS:
        area.register(appbuilder)
