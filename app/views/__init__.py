"""The areas in menu order; each declares itself in `AREA` (app/core/areas.py)."""
from app.views import (
    accounts,
    admin,
    appeals,
    applications,
    appointments,
    billing,
    documents,
    meters,
    notifications,
    pages,
    payments,
    statements,
    surveys,
    webhooks,
)

AREAS = tuple(module.AREA for module in (accounts, applications, appeals, statements, documents, billing, meters,
                                         payments, appointments, surveys, pages, notifications, webhooks, admin))
