"""The payments area (D5, D6, D9 payments; issue 15): charges, receipts and online payments.

Views parse, call one command of workflows/payments/ and render; each module declares what it adds
(app/core/areas.py:area_of_modules):
- charges.py — «Начисления и оплаты»: events, charges, payments, balance by month and supplier (D5);
- receipts.py — «Скачать квитанцию» (PDF with the payment QR) and the monthly mailing (admins);
- pay.py — «Оплатить» for one account and «Оплатить по всем лицевым счетам» (D6, D9);
- providers.py — the sandbox provider's own pages, its admin switch, and provider callbacks.
"""
from app.core.areas import area_of_modules
from app.views.payments import charges, pay, providers, receipts

__all__ = ["AREA"]

AREA = area_of_modules("payments", (charges, receipts, pay, providers))
