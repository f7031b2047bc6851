"""The statements area (issue 16). Each view module declares what it adds (app/core/areas.py:area_of_modules)."""
from app.core.areas import area_of_modules

__all__ = ["AREA"]

AREA = area_of_modules("statements", ())
