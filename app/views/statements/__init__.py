"""The statements area (E2, issue 16): «Подать заявление» and «Мои заявления». Each view module
declares what it adds (app/core/areas.py:area_of_modules):
- cabinet.py — the consumer's form and list; a statement's page is the applications area's.
Staff process statements in the applications queue (their types are of kind «statement»)."""
from app.core.areas import area_of_modules
from app.views.statements import cabinet

__all__ = ["AREA"]

AREA = area_of_modules("statements", (cabinet,))
