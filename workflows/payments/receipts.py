"""«Скачать квитанцию» (issue 15, D5, seed 004 §2.8): the receipt of an account for a month as a
PDF — the organization, the account (number, address, ФИО), the period, the charges by supplier
and service, each supplier's balance, and one ГОСТ Р 56042-2014 payment QR per supplier.

`render_receipt_pdf(account, month)` is what the monthly mailing calls for thousands of accounts:
three indexed queries (the month's charges through uq_charge_line, its balances through
uq_monthly_balance, the suppliers by id), one HTML template, and one WeasyPrint font
configuration for the whole process. Fonts: Debian's DejaVu, named in the template's CSS.
"""
import base64
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select

from app.core.errors import NotFound
from app.core.settings import get_setting
from app.extensions import db
from app.models import MonthlyBalance, PersonalAccount, Supplier
from app.security.access import ensure_linked_account
from workflows.payments import qr
from workflows.billing.balance import latest_charged_month
from workflows.payments.charges import ChargeLine, charge_lines

TEMPLATE = "payments/receipt/receipt.html"
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_fonts = None


@dataclass
class SupplierPart:
    """One supplier's block of the receipt."""

    supplier: Supplier
    lines: list = field(default_factory=list)
    balance: MonthlyBalance | None = None
    #: the ГОСТ Р 56042-2014 text and its PNG (base64) — None when the supplier's details are missing
    qr_text: str | None = None
    qr_png: str | None = None

    @property
    def charged(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def to_pay(self) -> Decimal:
        """The closing balance of the month when it is a debt, else nothing to pay."""
        closing = self.balance.closing if self.balance is not None else Decimal("0.00")
        return closing if closing > 0 else Decimal("0.00")


@dataclass
class Receipt:
    account: PersonalAccount
    month: date
    organization: str
    parts: list

    @property
    def to_pay(self) -> Decimal:
        return sum((part.to_pay for part in self.parts), Decimal("0.00"))


def parse_month(text: str) -> date:
    """«2026-10» → 1 October 2026; anything else is no receipt (404)."""
    found = _MONTH.fullmatch(text or "")
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1900:
        raise NotFound(_("Квитанция не найдена"))
    return date(int(found.group(1)), int(found.group(2)), 1)


def purpose(services: list[str], account: PersonalAccount, month: date) -> str:
    return _("Оплата за %(services)s по л/с %(number)s за %(month)s", services=", ".join(services),
             number=account.number, month=month.strftime("%m.%Y"))


def payment_qr(part: SupplierPart, account: PersonalAccount, month: date) -> tuple[str, str] | None:
    """The supplier's QR text and PNG for the month, or None without its required details."""
    s = part.supplier
    if not all((s.name, s.account, s.bank_name, s.bik, s.corr_account)):
        return None
    services = list(dict.fromkeys(line.service for line in part.lines))
    text = qr.payload(qr.PaymentDetails(
        name=s.name, personal_acc=s.account, bank_name=s.bank_name, bic=s.bik, corresp_acc=s.corr_account,
        payee_inn=s.inn or "", kpp=s.kpp or "", amount=part.to_pay, purpose=purpose(services, account, month),
        pers_acc=account.number, period=month))
    return text, base64.b64encode(qr.png(text)).decode("ascii")


def receipt_of(account: PersonalAccount, month: date) -> Receipt:
    """What the receipt of `account` for `month` shows; NotFound when the month has no charges."""
    lines: list[ChargeLine] = charge_lines(account.id, month, month)
    if not lines:
        raise NotFound(_("За %(month)s начислений по лицевому счету %(number)s нет: квитанции за этот месяц нет",
                         month=month.strftime("%m.%Y"), number=account.number))
    supplier_ids = list(dict.fromkeys(line.supplier_id for line in lines))
    suppliers = {s.id: s for s in db.session.scalars(select(Supplier).where(Supplier.id.in_(supplier_ids)))}
    balances = {b.supplier_id: b for b in db.session.scalars(
        select(MonthlyBalance).where(MonthlyBalance.account_id == account.id, MonthlyBalance.month == month))}
    parts = {sid: SupplierPart(suppliers[sid], balance=balances.get(sid)) for sid in supplier_ids}
    for line in lines:
        parts[line.supplier_id].lines.append(line)
    for part in parts.values():
        part.qr_text, part.qr_png = payment_qr(part, account, month) or (None, None)
    return Receipt(account, month, get_setting("org_name", "") or "", list(parts.values()))


def font_config():
    """One WeasyPrint font configuration per process (fontconfig is slow to set up)."""
    global _fonts
    if _fonts is None:
        from weasyprint.text.fonts import FontConfiguration

        _fonts = FontConfiguration()
    return _fonts


def render_receipt_pdf(account: PersonalAccount, month: date) -> bytes:
    """The PDF receipt of `account` for `month` (first day); NotFound when it has no charges."""
    from weasyprint import HTML

    html = render_template(TEMPLATE, r=receipt_of(account, month))
    return HTML(string=html).write_pdf(font_config=font_config())


def account_receipt(actor, account_id: int, month_text: str) -> tuple[str, bytes]:
    """The consumer's «Скачать квитанцию»: (file name, PDF) of a linked account's month."""
    account = ensure_linked_account(actor, account_id).account
    month = parse_month(month_text)
    return f"kvitanciya_{account.number}_{month:%Y-%m}.pdf", render_receipt_pdf(account, month)


def latest_receipt_month(actor, account_id: int) -> date:
    """The newest month the consumer's linked account has a receipt for (NotFound: none yet)."""
    account = ensure_linked_account(actor, account_id).account
    month = latest_charged_month(account.id)
    if month is None:
        raise NotFound(_("По лицевому счету %(number)s начислений пока нет: квитанции нет", number=account.number))
    return month
