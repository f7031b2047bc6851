"""Payments the billing registered that were made in the portal (issue 15): the billing sends back
the rows of the payments kind with `portal_id` — the payment id the export gave («payment_id») —
and the portal marks that payment registered (Payment.billing_confirmed_at): until then the
consumer sees it «в обработке» and the form counts it against the debt itself.

Unlike a reading, the row is still stored: the billing's payment is what «Начисления и оплаты»
shows from now on. A row is refused, with its reason, when the id names no successful portal
payment, or the payment has no part of that account and supplier, or the amount differs from the
part's. A payment of several parts is registered by the first row naming it. One SELECT and one
UPDATE … WHERE id IN per batch.
"""
from sqlalchemy import Integer, bindparam, func, select, update
from sqlalchemy.dialects import postgresql

from app.models.base import utcnow
from app.models.payments import Payment, PaymentPart, PaymentState
from workflows.billing.imports.values import RowError

PAYMENTS = Payment.__table__
PARTS = PaymentPart.__table__
#: a payment the billing may register: it was paid (and maybe refunded since)
PAID = (PaymentState.SUCCEEDED, PaymentState.REFUNDED)
NOT_FOUND = "Оплата портала с таким номером не найдена"
OTHER_PART = "Оплата портала {id} не относится к этому лицевому счету и поставщику"
OTHER_AMOUNT = "Сумма не совпадает с оплатой портала {id}: {amount}"


def _among(conn, column, ids: set[int]):
    if conn.dialect.name == "postgresql":  # one statement text whatever the count
        return column == func.any(bindparam(None, sorted(ids), type_=postgresql.ARRAY(Integer)))
    return column.in_(sorted(ids))


def _fault(payment_id: int, parts: dict, row: dict) -> RowError | None:
    """Why this row cannot register payment `payment_id` (None: it can)."""
    if not parts:
        return RowError(NOT_FOUND, "portal_id")
    amount = parts.get((row.get("account_id"), row.get("supplier_id")))
    if amount is None:
        return RowError(OTHER_PART.format(id=payment_id), "account")
    if amount != row.get("amount"):
        return RowError(OTHER_AMOUNT.format(id=payment_id, amount=format(amount, "f")), "amount")
    return None


def mark_confirmed(conn, parsed: list, refuse) -> tuple[list, int]:
    """Check the rows naming a portal payment and mark those payments registered by the billing.
    `refuse(number, source, RowError)` keeps a refused row. Returns (the rows to store — all but
    the refused — and the payments marked now)."""
    naming = [item for item in parsed if item[2].get("@portal_id") is not None]
    if not naming:
        return parsed, 0
    ids = {row["@portal_id"] for _, _, row in naming}
    parts: dict[int, dict] = {}
    confirmed: dict[int, bool] = {}
    for part in conn.execute(
            select(PARTS.c.payment_id, PARTS.c.account_id, PARTS.c.supplier_id, PARTS.c.amount,
                   PAYMENTS.c.billing_confirmed_at)
            .join(PAYMENTS, PAYMENTS.c.id == PARTS.c.payment_id)
            .where(_among(conn, PAYMENTS.c.id, ids), PAYMENTS.c.state.in_(PAID))):
        parts.setdefault(part.payment_id, {})[(part.account_id, part.supplier_id)] = part.amount
        confirmed[part.payment_id] = part.billing_confirmed_at is not None
    refused, mark = set(), set()
    for number, source, row in naming:
        fault = _fault(row["@portal_id"], parts.get(row["@portal_id"], {}), row)
        if fault is not None:
            refuse(number, source, fault)
            refused.add(number)
        elif not confirmed[row["@portal_id"]]:
            mark.add(row["@portal_id"])
    if mark:
        conn.execute(update(PAYMENTS).where(_among(conn, PAYMENTS.c.id, mark), PAYMENTS.c.billing_confirmed_at.is_(None))
                     .values(billing_confirmed_at=utcnow(), version=PAYMENTS.c.version + 1))
    return [item for item in parsed if item[0] not in refused], len(mark)
