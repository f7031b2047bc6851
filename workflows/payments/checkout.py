"""What the payment form offers and checks (D6, D9; seed 004 §2.8 «Оплата», §2.12).

A checkout is one account's suppliers («Оплатить») or every linked account's suppliers
(«Оплатить по всем лицевым счетам»): each line has the supplier's debt (its latest closing
balance less the payments made after that month, the portal's own successful payments not yet
registered by the billing included), prefilled as the amount; nothing owed means an advance
payment. `pay` checks everything the page checks, again: amounts, the chosen lines, the method,
«С правилами оплаты ознакомлен(а)», the receipt email — and, beyond the seeds, asks before the
same account is paid the same amount again within a few days. Then one payment, split into parts.
"""
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.core.formatting import format_date, format_money
from app.extensions import db
from app.models import AccountPayment, AccountService, PersonalAccount, Supplier
from app.models.base import utcnow
from app.models.payments import Payment, PaymentMethod, PaymentPart, PaymentState
from app.security.access import current_consumer
from workflows.billing.balance import latest_balances
from workflows.billing.links import linked
from workflows.payments.commands import create_payment

MIN_AMOUNT = Decimal("10.00")
MAX_AMOUNT = Decimal("1000000.00")
#: a payment of the same account and amount within this many days is asked about first
REPEAT_DAYS = 3
#: the states of an earlier payment that make a new one look like a repeat
REPEAT_STATES = (PaymentState.PENDING, PaymentState.SUCCEEDED)
METHODS = (PaymentMethod.SBP, PaymentMethod.CARD)
METHOD_LABELS = {PaymentMethod.SBP: "СБП (по QR-коду)", PaymentMethod.CARD: "Банковская карта"}
#: the information page «Правила оплаты» (workflows/pages/service.py SYSTEM_PAGES)
RULES_PAGE = "payment-rules"
ZERO = Decimal("0.00")
CENT = Decimal("0.01")

#: the general errors' keys (the lines' errors are keyed by Line.key)
LINES, METHOD, RULES, EMAIL, TOTAL = "lines", "method", "rules", "email", "total"

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]")
_NUMBER = re.compile(r"^[+-]?(\d+)(?:[.,](\d+))?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_amount(raw: str | None) -> tuple[Decimal | None, str | None]:
    """«1 234,56» → (Decimal("1234.56"), None); a refused amount → (None, the message)."""
    text = _SPACES.sub("", raw or "").replace("\u2212", "-")
    if not text:
        return None, _("Введите сумму оплаты")
    match = _NUMBER.match(text)
    if match is None:
        return None, _("Введите сумму числом, например 1 234,56")
    if match.group(2) and len(match.group(2)) > 2:
        return None, _("Укажите сумму в рублях и копейках: не более двух знаков после запятой")
    try:
        amount = Decimal(text.replace(",", ".")).quantize(CENT)
    except InvalidOperation:
        return None, _("Введите сумму числом, например 1 234,56")
    if amount < MIN_AMOUNT:
        return None, _("Сумма оплаты должна быть не менее %(min)s", min=format_money(MIN_AMOUNT))
    if amount > MAX_AMOUNT:
        return None, _("Сумма оплаты должна быть не более %(max)s", max=format_money(MAX_AMOUNT))
    return amount, None


def shown_amount(amount: Decimal) -> str:
    """1234.5 → «1234,50» (what the amount field is prefilled with)."""
    return f"{amount:.2f}".replace(".", ",")


@dataclass
class Line:
    """One account with one supplier: what is owed (negative: overpaid) and may be paid."""

    account: PersonalAccount
    supplier: Supplier
    debt: Decimal

    @property
    def key(self) -> str:
        return f"{self.account.id}-{self.supplier.id}"

    @property
    def advance(self) -> bool:
        """Nothing owed: the amount field is empty, the payment is an advance («Аванс»)."""
        return self.debt <= 0

    @property
    def ticked(self) -> bool:
        """Offered ticked: a debt that may be paid as it is (not under MIN_AMOUNT)."""
        return self.debt >= MIN_AMOUNT

    @property
    def prefill(self) -> str:
        return "" if self.advance else shown_amount(self.debt)


@dataclass
class Checkout:
    """The payment page: its accounts, their lines, and the email a receipt goes to by default."""

    accounts: list
    lines: list
    email: str

    def lines_of(self, account) -> list:
        return [line for line in self.lines if line.account.id == account.id]


@dataclass
class Choice:
    """What the consumer sent: the lines ticked with their amounts as typed, and the rest."""

    selected: set
    amounts: dict
    method: str = ""
    rules: bool = False
    receipt: bool = False
    email: str = ""
    repeat: bool = False


@dataclass
class Outcome:
    """The checks' result: messages by field, the parts to pay, and the repeats to confirm."""

    errors: dict = field(default_factory=dict)
    parts: list = field(default_factory=list)
    repeats: list = field(default_factory=list)
    payment: Payment | None = None

    @property
    def total(self) -> Decimal:
        return sum((amount for _account, _supplier, amount in self.parts), ZERO)


def _month_after(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _suppliers_of(account_id: int) -> set[int]:
    """The suppliers of the account's services now (an advance may go to one without a balance)."""
    today = utcnow().date()
    return set(db.session.scalars(select(AccountService.supplier_id).where(
        AccountService.account_id == account_id,
        (AccountService.until.is_(None)) | (AccountService.until >= today))))


def _paid_after(account_id: int, supplier_id: int, since: date | None) -> Decimal:
    """Billing payments on or after `since`, plus the portal's succeeded ones not registered yet."""
    billing = ZERO
    if since is not None:
        billing = db.session.scalar(select(func.coalesce(func.sum(AccountPayment.amount), 0)).where(
            AccountPayment.account_id == account_id, AccountPayment.supplier_id == supplier_id,
            AccountPayment.paid_on >= since))
    portal = db.session.scalar(
        select(func.coalesce(func.sum(PaymentPart.amount), 0)).join(Payment, PaymentPart.payment_id == Payment.id)
        .where(PaymentPart.account_id == account_id, PaymentPart.supplier_id == supplier_id,
               Payment.state == PaymentState.SUCCEEDED, Payment.billing_confirmed_at.is_(None)))
    return Decimal(billing or 0) + Decimal(portal or 0)


def account_lines(account: PersonalAccount) -> list[Line]:
    """Each supplier of the account with its debt, in the suppliers' order by name."""
    latest = {supplier_id: (month, closing) for supplier_id, month, closing in latest_balances(account.id)}
    supplier_ids = set(latest) | _suppliers_of(account.id)
    if not supplier_ids:
        return []
    suppliers = db.session.scalars(select(Supplier).where(Supplier.id.in_(supplier_ids))
                                   .order_by(Supplier.name, Supplier.id))
    lines = []
    for supplier in suppliers:
        month, closing = latest.get(supplier.id, (None, ZERO))
        since = _month_after(month) if month else None
        debt = (Decimal(closing) - _paid_after(account.id, supplier.id, since)).quantize(CENT)
        lines.append(Line(account, supplier, debt))
    return lines


def _default_email(user) -> str:
    return user.email if getattr(user, "email_confirmed_at", None) and user.email else ""


def account_checkout(user, link) -> Checkout:
    """«Оплата» of one linked account."""
    return Checkout([link.account], account_lines(link.account), _default_email(user))


def all_checkout(user) -> Checkout:
    """«Оплатить по всем лицевым счетам»: every linked account with its suppliers."""
    accounts = [item.account for item in linked(current_consumer(user))]
    lines = [line for account in accounts for line in account_lines(account)]
    return Checkout(accounts, lines, _default_email(user))


def _check_lines(page: Checkout, choice: Choice, outcome: Outcome) -> None:
    for line in page.lines:
        if line.key not in choice.selected:
            continue
        amount, error = parse_amount(choice.amounts.get(line.key))
        if error:
            outcome.errors[line.key] = error
        else:
            outcome.parts.append((line.account.id, line.supplier.id, amount))
    if not outcome.parts and not outcome.errors:
        outcome.errors[LINES] = _("Отметьте поставщика услуг и укажите сумму оплаты")
    if outcome.total > MAX_AMOUNT:
        outcome.errors[TOTAL] = _("Итоговая сумма оплаты должна быть не более %(max)s",
                                  max=format_money(MAX_AMOUNT))


def _check_rest(choice: Choice, outcome: Outcome) -> None:
    if choice.method not in METHODS:
        outcome.errors[METHOD] = _("Выберите способ оплаты")
    if not choice.rules:
        outcome.errors[RULES] = _("Подтвердите, что Вы ознакомлены с правилами оплаты")
    if choice.receipt:
        email = choice.email.strip()
        if not email:
            outcome.errors[EMAIL] = _("Укажите адрес электронной почты для квитанции")
        elif len(email) > 320 or not _EMAIL.match(email):
            outcome.errors[EMAIL] = _("Неверный адрес электронной почты")


def repeats(user, page: Checkout, parts: list) -> list[str]:
    """«Вы уже оплатили …»: parts paid with the same amount to the same account within REPEAT_DAYS."""
    consumer = current_consumer(user)
    if consumer is None or not parts:
        return []
    numbers = {account.id: account.number for account in page.accounts}
    wanted = {(account_id, amount) for account_id, _supplier, amount in parts}
    rows = db.session.execute(
        select(PaymentPart.account_id, PaymentPart.amount, Payment.created_at)
        .join(Payment, PaymentPart.payment_id == Payment.id)
        .where(Payment.consumer_id == consumer.id, Payment.state.in_(REPEAT_STATES),
               Payment.created_at >= utcnow() - timedelta(days=REPEAT_DAYS),
               PaymentPart.account_id.in_({account_id for account_id, _amount in wanted}))
        .order_by(Payment.created_at.desc()))
    said, messages = set(), []
    for account_id, amount, created_at in rows:
        key = (account_id, Decimal(amount).quantize(CENT))
        if key in wanted and key not in said:
            said.add(key)
            messages.append(_("Вы уже оплатили %(amount)s по лицевому счету %(number)s %(date)s. Оплатить еще раз?",
                              amount=format_money(key[1]), number=numbers.get(account_id, ""),
                              date=format_date(created_at)))
    return messages


def check(user, page: Checkout, choice: Choice) -> Outcome:
    """Everything the form checks, by field; the repeats asked about unless confirmed."""
    outcome = Outcome()
    _check_lines(page, choice, outcome)
    _check_rest(choice, outcome)
    if not outcome.errors and not choice.repeat:
        outcome.repeats = repeats(user, page, outcome.parts)
    return outcome


def pay(user, page: Checkout, choice: Choice, *, return_url) -> Outcome:
    """Check the form; when all is well create the payment (its parts) with the provider.
    `return_url(payment)` is where the provider sends the consumer back."""
    outcome = check(user, page, choice)
    if outcome.errors or outcome.repeats:
        return outcome
    outcome.payment = create_payment(user, outcome.parts, choice.method,
                                     receipt_email=choice.email.strip() if choice.receipt else None,
                                     return_url=return_url)
    return outcome
