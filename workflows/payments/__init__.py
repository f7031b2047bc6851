"""The payments area's commands (D5, D6, D9): charges and balances by month, receipts with the
ГОСТ Р 56042-2014 payment QR, and online payments through a pluggable provider.

- charges.py — what «Начисления и оплаты» shows;
- receipts.py, qr.py, bank_details.py — the PDF receipt, its QR, the supplier's details checked;
- mailing.py — the monthly receipts for everyone subscribed, emailed through the outbox;
- states.py — payment states and transitions as data, and the one function that moves them;
- providers/ — the provider interface, the built-in sandbox and ЮKassa;
- commands.py — creating a payment; callbacks.py — provider notifications, verified, idempotent;
- checkout.py — what the payment form offers and checks (amounts, rules, duplicates).
"""
