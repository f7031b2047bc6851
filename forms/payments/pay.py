"""«Оплата» (D6) and «Оплатить по всем лицевым счетам» (D9): per account and supplier a checkbox
and «Сумма, руб.», then the method, the rules, the receipt. The lines depend on the accounts, so
the form carries the CSRF token only and reads the rest by the names below (the checks are in
workflows/payments/checkout.py)."""
from flask import request
from flask_wtf import FlaskForm

from workflows.payments.checkout import Choice

METHOD, RULES, RECEIPT, EMAIL, REPEAT = "method", "rules", "receipt", "email", "repeat"


def selected_field(key: str) -> str:
    """The checkbox of one line (account-supplier), e.g. «pay-12-3»."""
    return f"pay-{key}"


def amount_field(key: str) -> str:
    """«Сумма, руб.» of one line, e.g. «amount-12-3»."""
    return f"amount-{key}"


class PayForm(FlaskForm):
    """The CSRF token; `choice()` reads the lines the page offers and the rest."""

    def choice(self, lines) -> Choice:
        form = request.form
        return Choice(
            selected={line.key for line in lines if form.get(selected_field(line.key))},
            amounts={line.key: form.get(amount_field(line.key), "")[:40] for line in lines},
            method=form.get(METHOD, "")[:16], rules=bool(form.get(RULES)), receipt=bool(form.get(RECEIPT)),
            email=form.get(EMAIL, "")[:400], repeat=bool(form.get(REPEAT)))
