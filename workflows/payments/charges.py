"""«Начисления и оплаты» (D5, seed 004 §2.8): an account's charges, payments and balance by month
and supplier, for a period from the month before the current one back to 3 years.

Only what the chosen tab shows is read, each with one indexed query whatever the history: charges
through uq_charge_line (account_id, month, …), payments through ix_account_payment_account_date
(account_id, paid_on), balances through uq_monthly_balance (account_id, supplier_id, month), the
portal's own payments not yet confirmed by the billing through ix_payment_part_account. Names of
suppliers and services come in the same rows (joins), none per row.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import case, select

from app.core.errors import Invalid
from app.extensions import db
from app.models import AccountPayment, Charge, MonthlyBalance, PersonalAccount, Service, Supplier
from app.models.billing.accounts import CHARGE_KIND_LABELS
from app.models.payments import Payment, PaymentPart, PaymentState
from app.security.access import ensure_linked_account
from workflows.billing.periods import PeriodRefused, PeriodRule, add_months, month_start
from workflows.billing.windows import local_day, today

#: shown when no period is chosen: the month before the current one and the eleven before it
DEFAULT_MONTHS = 12

#: the period one may choose (workflows/billing/periods.py)
PERIOD = PeriodRule("История", DEFAULT_MONTHS, ends_before_current=True)
earliest_month = PERIOD.earliest
default_period = PERIOD.default
latest_month = PERIOD.latest
check_period = PERIOD.check
TABS = ("events", "charges", "payments", "balance")
TAB_LABELS = {"events": "Все события", "charges": "Начисления", "payments": "Оплата", "balance": "Баланс"}
#: the kinds of one service's month in the receipt's order: начисление, перерасчет, льгота, пени
KIND_ORDER = {kind: n for n, kind in enumerate(CHARGE_KIND_LABELS)}
#: how a payment made in the portal is marked until the billing confirms it by its import
PROCESSING = "в обработке"


@dataclass(frozen=True)
class ChargeLine:
    month: date
    supplier_id: int
    supplier: str
    service: str
    kind: str
    amount: Decimal
    volume: Decimal | None
    unit: str | None

    @property
    def kind_label(self) -> str:
        return CHARGE_KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class PaymentLine:
    paid_on: date
    supplier: str
    amount: Decimal
    source: str | None
    #: a portal payment the billing has not confirmed yet («в обработке»)
    processing: bool = False


@dataclass(frozen=True)
class BalanceLine:
    month: date
    supplier: str
    opening: Decimal
    charged: Decimal
    paid: Decimal
    closing: Decimal


@dataclass
class MonthEvents:
    """«Все события» of one month: its charges and the payments made in it."""

    month: date
    charges: list = field(default_factory=list)
    payments: list = field(default_factory=list)

    @property
    def charged(self) -> Decimal:
        return sum((line.amount for line in self.charges), Decimal("0.00"))


@dataclass
class ChargesPage:
    account: PersonalAccount
    tab: str
    first: date | None
    last: date | None
    #: (id, name) of the account's suppliers: the supplier filter
    suppliers: list
    charges: list = field(default_factory=list)
    payments: list = field(default_factory=list)
    processing: list = field(default_factory=list)
    balances: list = field(default_factory=list)
    events: list = field(default_factory=list)
    #: form field → why the period was refused (then nothing is read)
    period_errors: dict = field(default_factory=dict)

    @property
    def charge_months(self) -> list[tuple[date, list]]:
        """The charges grouped by month, newest first (the «Начисления» tab)."""
        grouped: dict = defaultdict(list)
        for line in self.charges:
            grouped[line.month].append(line)
        return sorted(grouped.items(), key=lambda item: item[0], reverse=True)


def month_end(month: date) -> date:
    return add_months(month, 1) - timedelta(days=1)


def account_suppliers(account_id: int) -> list[tuple[int, str]]:
    """The suppliers the account has balances or charges with in the months one may choose (both
    indexes start with account_id, then month for the charges)."""
    since = earliest_month()
    ids = (select(MonthlyBalance.supplier_id).where(MonthlyBalance.account_id == account_id,
                                                    MonthlyBalance.month >= since)
           .union(select(Charge.supplier_id).where(Charge.account_id == account_id, Charge.month >= since)))
    rows = db.session.execute(select(Supplier.id, Supplier.name).where(Supplier.id.in_(ids))
                              .order_by(Supplier.sort_order, Supplier.name))
    return [tuple(row) for row in rows]


def charge_lines(account_id: int, first: date, last: date, supplier_id: int | None = None) -> list[ChargeLine]:
    """The account's charge lines of the months first…last, newest month first."""
    query = (select(Charge.month, Charge.supplier_id, Supplier.name, Service.name, Charge.kind, Charge.amount,
                    Charge.volume, Service.unit)
             .join(Supplier, Supplier.id == Charge.supplier_id).join(Service, Service.id == Charge.service_id)
             .where(Charge.account_id == account_id, Charge.month >= first, Charge.month <= last)
             .order_by(Charge.month.desc(), Supplier.sort_order, Supplier.name, Service.sort_order, Service.name,
                       case(KIND_ORDER, value=Charge.kind, else_=len(KIND_ORDER))))
    if supplier_id is not None:
        query = query.where(Charge.supplier_id == supplier_id)
    return [ChargeLine(*row) for row in db.session.execute(query)]


def payment_lines(account_id: int, first: date, last: date, supplier_id: int | None = None) -> list[PaymentLine]:
    """Payments the billing registered on the account from the 1st of `first` to the end of `last`."""
    query = (select(AccountPayment.paid_on, Supplier.name, AccountPayment.amount, AccountPayment.source)
             .join(Supplier, Supplier.id == AccountPayment.supplier_id)
             .where(AccountPayment.account_id == account_id, AccountPayment.paid_on >= first,
                    AccountPayment.paid_on <= month_end(last))
             .order_by(AccountPayment.paid_on.desc(), AccountPayment.id.desc()))
    if supplier_id is not None:
        query = query.where(AccountPayment.supplier_id == supplier_id)
    return [PaymentLine(*row) for row in db.session.execute(query)]


#: at most this many unconfirmed portal payments on the page: the billing confirms them within
#: days, so more means its import stopped — the page must stay bounded all the same
PROCESSING_LIMIT = 50


def processing_lines(account_id: int, supplier_id: int | None = None) -> list[PaymentLine]:
    """The portal's own payments to the account that succeeded and the billing has not confirmed
    yet — whoever of the account's owners paid them, whatever the period («в обработке»), the
    newest PROCESSING_LIMIT."""
    query = (select(Payment.paid_at, Payment.created_at, Supplier.name, PaymentPart.amount)
             .join(Payment, Payment.id == PaymentPart.payment_id)
             .join(Supplier, Supplier.id == PaymentPart.supplier_id)
             .where(PaymentPart.account_id == account_id, Payment.state == PaymentState.SUCCEEDED,
                    Payment.billing_confirmed_at.is_(None))
             .order_by(Payment.created_at.desc(), PaymentPart.id)
             .limit(PROCESSING_LIMIT))
    if supplier_id is not None:
        query = query.where(PaymentPart.supplier_id == supplier_id)
    return [PaymentLine(local_day(paid_at or created_at), name, amount, _("Личный кабинет"), processing=True)
            for paid_at, created_at, name, amount in db.session.execute(query)]


def balance_lines(account_id: int, first: date, last: date, supplier_id: int | None = None) -> list[BalanceLine]:
    query = (select(MonthlyBalance.month, Supplier.name, MonthlyBalance.opening, MonthlyBalance.charged,
                    MonthlyBalance.paid, MonthlyBalance.closing)
             .join(Supplier, Supplier.id == MonthlyBalance.supplier_id)
             .where(MonthlyBalance.account_id == account_id, MonthlyBalance.month >= first,
                    MonthlyBalance.month <= last)
             .order_by(MonthlyBalance.month.desc(), Supplier.sort_order, Supplier.name))
    if supplier_id is not None:
        query = query.where(MonthlyBalance.supplier_id == supplier_id)
    return [BalanceLine(*row) for row in db.session.execute(query)]


def month_events(charges: list[ChargeLine], payments: list[PaymentLine]) -> list[MonthEvents]:
    """Charges and payments merged month by month, newest first; payments newest first within."""
    months: dict = {}
    for line in charges:
        months.setdefault(line.month, MonthEvents(line.month)).charges.append(line)
    for line in payments:
        months.setdefault(month_start(line.paid_on), MonthEvents(month_start(line.paid_on))).payments.append(line)
    return [months[month] for month in sorted(months, reverse=True)]


def charges_page(actor, account_id: int, tab: str = "events", first: date | None = None,
                 last: date | None = None, supplier_id: int | None = None) -> ChargesPage:
    """What «Начисления и оплаты» shows on `tab` for the consumer's linked account; no period =
    the default one. A refused period reads nothing and names the field in `period_errors`."""
    account = ensure_linked_account(actor, account_id).account
    tab = tab if tab in TABS else "events"
    suppliers = account_suppliers(account.id)
    if supplier_id is not None and supplier_id not in {sid for sid, _name in suppliers}:
        supplier_id = None  # not the account's supplier: every supplier (nothing of anyone else's shows)
    if first is None or last is None:
        first, last = default_period()
    page = ChargesPage(account, tab, first, last, suppliers)
    try:
        first, last = check_period(first, last)
    except PeriodRefused as exc:
        page.period_errors[exc.field] = exc.message
        return page
    if tab in ("events", "charges"):
        page.charges = charge_lines(account.id, first, last, supplier_id)
    if tab in ("events", "payments"):
        page.payments = payment_lines(account.id, first, last, supplier_id)
        page.processing = processing_lines(account.id, supplier_id)
    if tab == "balance":
        page.balances = balance_lines(account.id, first, last, supplier_id)
    if tab == "events":
        page.events = month_events(page.charges, page.payments)
    return page

