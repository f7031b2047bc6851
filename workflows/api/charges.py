"""The charges of a linked account as the API lists them: a cursor over (month, id), newest first.

The same account check (app.security.access.ensure_linked_account: 404 outside the consumer's
links) and the same period as «Начисления и оплаты» (workflows/payments/charges.py PERIOD: up to
three years back, to the month before the current one).
"""
from sqlalchemy import Select, select

from app.models import Charge, Service, Supplier
from app.security.access import ensure_linked_account
from workflows.payments.charges import earliest_month, latest_month

#: the keyset of the list (Charge.month, Charge.id), descending
KEYS = (Charge.month, Charge.id)


def charges_of(user, account_id: int) -> Select:
    """The query of the account's charge lines with their supplier and service (404 if not linked)."""
    ensure_linked_account(user, account_id)
    return (select(Charge.id, Charge.month, Supplier.name.label("supplier"), Service.name.label("service"),
                   Charge.kind, Charge.amount, Charge.volume, Service.unit)
            .join(Supplier, Supplier.id == Charge.supplier_id).join(Service, Service.id == Charge.service_id)
            .where(Charge.account_id == account_id, Charge.month >= earliest_month(),
                   Charge.month <= latest_month()))
