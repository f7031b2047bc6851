"""The areas in menu order; each declares itself in `AREA` (app/core/areas.py)."""
from app.views import accounts, admin, applications, billing, documents, meters, pages, payments

AREAS = tuple(module.AREA for module in (accounts, applications, documents, billing, meters, payments, pages, admin))
