"""The billing area (section D, issue 13): personal accounts from the billing system.

Views parse, call one command of workflows/billing/ and render. Each module declares what it
adds (VIEWS, MENU_LINKS, PERMISSIONS, ADMIN_VIEWS, …: app/core/areas.py:area_of_modules):
- cabinet.py — «Лицевые счета»: the consumer's accounts, add/remove, receipt delivery (D2, D3, D10);
- details.py — «Реквизиты лицевого счета»: services, meters, tariffs, data-change statement (D4);
- staff.py — the staff's account search and unlinking;
- imports.py — «Загрузка из биллинга» (admins): upload, progress, error file (D1);
- exports.py — «Выгрузка в биллинг» and integration tokens (admins) (D1).
The exchange API for billing systems is app/api/billing.py.
"""
from app.core.areas import area_of_modules
from app.views.billing import cabinet, details, exports, imports, staff

__all__ = ["AREA"]

AREA = area_of_modules("billing", (cabinet, details, staff, imports, exports))
