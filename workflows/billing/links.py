"""A consumer's links to personal accounts (D2, D3): «+ Добавить лицевой счет», «Удалить», and the
accounts the home page lists.

Linking needs the branch, the number from the receipt and a proof of ownership the billing knows;
which proof, the organization picks in settings (`billing_link_proof`). A wrong number, branch or
proof, or a closed account, all get the one answer «Данный лицевой счет не найден», and each such
try is counted (an audit record, kept even though the request is refused: workflows/accounts/
tries.py): too many within the window, per user or per address, and linking stops for a while.
Several owners may link one account, each through their own link.
"""
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.core import audit
from app.core.errors import Invalid, NotFound, TooManyAttempts
from app.core.settings import get_setting
from app.extensions import db
from app.models import AccountLink, AuditRecord, Branch, PersonalAccount
from app.models.base import utcnow
from app.security.access import current_consumer
from workflows.accounts import tries
from workflows.billing import windows
from workflows.billing.balance import balance_of, last_receipt_amount, latest_charged_month
from workflows.billing.windows import ReadingWindow, reading_window

#: the proofs an organization may ask for (setting `billing_link_proof`)
PROOF_SURNAME = "owner_surname"
PROOF_RECEIPT_AMOUNT = "last_receipt_amount"
PROOF_LABELS = {
    PROOF_SURNAME: _l("Фамилия владельца лицевого счета"),
    PROOF_RECEIPT_AMOUNT: _l("Сумма последней квитанции"),
}

#: failed tries allowed per user and per address within the window
MAX_FAILURES = 10
FAILURES_WINDOW = timedelta(minutes=15)
#: the audit action of a failed try (counted by _ensure_not_throttled)
FAILED_ACTION = "billing.link_failed"

UNLINK_REASON = "Отключен потребителем"

MSG_NOT_FOUND = _l("Данный лицевой счет не найден")
MSG_THROTTLED = _l("Слишком много неудачных попыток добавить лицевой счет. Повторите попытку через %(minutes)s мин.")
MSG_ALREADY = _l("Лицевой счет %(number)s уже добавлен в Личный кабинет")
MSG_NO_CONSUMER = _l("Лицевые счета добавляют потребители")

AMOUNT_RE = re.compile(r"^-?\d+(?:[.,]\d{1,2})?$")


class LinkRefused(Invalid):
    """The account cannot be linked; `message` is shown under the form."""

    category = "danger"


class LinkThrottled(TooManyAttempts):
    """Too many failed tries; `message` says when to try again."""

    category = "danger"


def proof_kind() -> str:
    """Which proof of ownership the organization asks for."""
    kind = get_setting("billing_link_proof")
    return kind if kind in PROOF_LABELS else PROOF_SURNAME


def parse_amount(raw: str | None) -> Decimal | None:
    """«1 234,56», «1234.56», «1 234,56 руб.» → Decimal; None when it is not an amount."""
    text = re.sub(r"[\s\u00a0\u202f]", "", raw or "").lower().removesuffix("руб.").removesuffix("руб")
    if not AMOUNT_RE.match(text):
        return None
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


def _fold(text: str | None) -> str:
    return (text or "").strip().casefold().replace("ё", "е")


def active_branches() -> list[Branch]:
    return list(db.session.scalars(
        select(Branch).where(Branch.active.is_(True)).order_by(Branch.sort_order, Branch.name)))


def linked(consumer) -> list[AccountLink]:
    """The consumer's live links with their accounts, in the order they were added."""
    if consumer is None:
        return []
    return list(db.session.scalars(
        select(AccountLink).options(joinedload(AccountLink.account).joinedload(PersonalAccount.branch))
        .where(AccountLink.consumer_id == consumer.id, AccountLink.unlinked_at.is_(None))
        .order_by(AccountLink.id)))


def linked_accounts(consumer) -> list[tuple[int, str, str]]:
    """(account id, number, address) of the consumer's live links, in the order they were added:
    what the choices «Номер лицевого счета» of appeals, statements and documents need, without
    loading the links, accounts and branches (a third of those pages' own work)."""
    if consumer is None:
        return []
    return [tuple(row) for row in db.session.execute(
        select(PersonalAccount.id, PersonalAccount.number, PersonalAccount.address)
        .join(AccountLink, AccountLink.account_id == PersonalAccount.id)
        .where(AccountLink.consumer_id == consumer.id, AccountLink.unlinked_at.is_(None))
        .order_by(AccountLink.id))]


@dataclass(frozen=True)
class Home:
    """What the home page shows: the linked accounts and the figures of the selected one."""

    links: list
    selected: AccountLink | None
    balance: Decimal | None
    window: ReadingWindow | None
    #: the newest month with charges: «Скачать квитанцию» (issue 15); None = no receipt yet
    receipt_month: date | None = None


def home(user, selected: AccountLink | None = None) -> Home:
    """The consumer's accounts and, for `selected` (default the first), balance and reading window."""
    links = linked(current_consumer(user))
    selected = selected or (links[0] if links else None)
    if selected is None:
        return Home(links, None, None, None)
    return Home(links, selected, balance_of(selected.account_id),
                reading_window(selected.account.branch, windows.today()), latest_charged_month(selected.account_id))


def _ip() -> str | None:
    return request.remote_addr if has_request_context() else None


def _ensure_not_throttled(user, ip: str | None) -> None:
    since = utcnow() - FAILURES_WINDOW
    for column, value in ((AuditRecord.actor_id, user.id), (AuditRecord.ip, ip)):
        if value is None:
            continue
        count, oldest = db.session.execute(
            select(func.count(AuditRecord.id), func.min(AuditRecord.at))
            .where(column == value, AuditRecord.action == FAILED_ACTION, AuditRecord.at > since)).one()
        if count >= MAX_FAILURES:
            left = oldest + FAILURES_WINDOW - utcnow()
            raise LinkThrottled(str(MSG_THROTTLED) % {"minutes": max(1, math.ceil(left.total_seconds() / 60))})


def _proof_holds(account: PersonalAccount, proof: str) -> bool:
    if proof_kind() == PROOF_RECEIPT_AMOUNT:
        amount = parse_amount(proof)
        return amount is not None and amount == last_receipt_amount(account.id)
    words = _fold(account.owner_name).split()
    return bool(words) and _fold(proof) == words[0]


def _find(branch_id: int, number: str, proof: str) -> PersonalAccount | None:
    account = db.session.scalar(
        select(PersonalAccount).join(Branch, Branch.id == PersonalAccount.branch_id)
        .where(PersonalAccount.branch_id == branch_id, PersonalAccount.number == number,
               Branch.active.is_(True)))
    if account is None or account.closed or not _proof_holds(account, proof):
        return None
    return account


def _refuse_not_found(user, branch_id: int, number: str) -> None:
    """Count the failed try (kept even though the request is refused) and refuse."""
    alone = tries.only_this_try()
    audit.record("billing.link_failed", actor=user, object_type="PersonalAccount",
                 summary=f"Лицевой счет не найден: филиал {branch_id}, номер {number[:32]}")
    db.session.flush()
    tries.keep(alone)
    raise LinkRefused(MSG_NOT_FOUND)


def link_account(user, *, branch_id: int, number: str, proof: str, electronic: bool) -> AccountLink:
    """Link the account to the consumer's cabinet when the branch, number and proof match an
    open account; refuses with the one «не найден» message otherwise."""
    consumer = current_consumer(user)
    if consumer is None:
        raise NotFound(MSG_NO_CONSUMER)
    number = re.sub(r"\s", "", number or "")
    _ensure_not_throttled(user, _ip())
    account = _find(branch_id, number, proof)
    if account is None:
        _refuse_not_found(user, branch_id, number)
    already = db.session.scalar(select(AccountLink.id).where(
        AccountLink.account_id == account.id, AccountLink.consumer_id == consumer.id,
        AccountLink.unlinked_at.is_(None)))
    if already is not None:
        raise LinkRefused(str(MSG_ALREADY) % {"number": account.number})
    link = AccountLink(account_id=account.id, consumer_id=consumer.id, receipt_electronic=bool(electronic))
    db.session.add(link)
    db.session.flush()
    audit.record("billing.account_linked", actor=user, object_type="PersonalAccount", object_id=account.id,
                 summary=_summary(account), after={"receipt_electronic": link.receipt_electronic})
    return link


def unlink_account(user, link: AccountLink) -> PersonalAccount:
    """«Удалить»: the consumer's own link ends (kept for staff); co-owners keep theirs."""
    link.unlinked_at = utcnow()
    link.unlinked_by_id = user.id
    link.unlink_reason = UNLINK_REASON
    db.session.flush()
    audit.record("billing.account_unlinked", actor=user, object_type="PersonalAccount",
                 object_id=link.account_id, summary=f"{_summary(link.account)}: {UNLINK_REASON}")
    return link.account


def _summary(account: PersonalAccount) -> str:
    return f"Лицевой счет {account.number}, {account.address}"[:500]
