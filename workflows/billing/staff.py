"""Staff and personal accounts: find any account (number, address, ФИО), see who linked it, and
unlink a consumer with a reason (issue 13, «Staff»).

The search reads one page of rows (LIMIT n+1, no COUNT) and counts the page's live links in one
grouped query; a number is found by its beginning (the unique branch + number index and the
number index), any other text in the folded `search_text` (a trigram index on PostgreSQL).
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import joinedload

from app.core import audit
from app.core.errors import Invalid, NotFound
from app.core.notifications.notify import notify_user
from app.core.paging import Page, paginate
from app.extensions import db
from app.models import (
    AccountLink,
    AccountService,
    Branch,
    ConsumerProfile,
    KabinetUser,
    PersonalAccount,
    Service,
)
from app.models.base import utcnow
from app.models.search import search_key
from app.security.access import ensure_organization_account, is_organization

PAGE_SIZE = 25
#: shorter text than this is not looked for inside addresses and names (a trigram needs three)
MIN_TEXT = 3
#: the consumer's accounts page (its owner: app/views/billing/cabinet.py)
CONSUMER_ACCOUNTS_LINK = "/personal-accounts/"
#: the reason kept with an unlinked link and shown to the consumer
REASON_MAX = 1000


class ReasonRequired(Invalid):
    """Unlinking without a reason: the message goes under the reason field."""

    field = "reason"


@dataclass
class AccountRow:
    """One line of the search results."""

    id: int
    number: str
    branch: str
    address: str
    owner_name: str
    closed: bool
    linked: int = 0


@dataclass
class AccountCard:
    """An account as staff see it: requisites, services, and every link ever made to it."""

    account: PersonalAccount
    services: list
    links: list
    unlinked_by: dict = field(default_factory=dict)

    @property
    def active_links(self) -> int:
        return sum(1 for link in self.links if link.unlinked_at is None)


def _number_prefix(term: str):
    """The number starts with `term`: a range the number indexes serve, and LIKE for exactness."""
    upper = term[:-1] + chr(ord(term[-1]) + 1)
    return (PersonalAccount.number >= term) & (PersonalAccount.number < upper) & \
        PersonalAccount.number.startswith(term, autoescape=True)


def search_condition(term: str):
    """None for an empty term; else the condition on PersonalAccount that `term` means."""
    compact = "".join((term or "").split())
    if not compact:
        return None
    conditions = [_number_prefix(compact)]
    key = search_key(term) or ""
    if len(key) >= MIN_TEXT:
        conditions.append(PersonalAccount.search_text.contains(key, autoescape=True))
    return or_(*conditions)


def _row(result) -> AccountRow:
    return AccountRow(id=result.id, number=result.number, branch=result.branch, address=result.address,
                      owner_name=result.owner_name, closed=result.closed)


def search_accounts(user, *, q: str = "", branch_id: int | None = None, page: int = 1,
                    per_page: int = PAGE_SIZE) -> Page:
    """A page of accounts matching `q` (and the branch), each with how many consumers link it now."""
    if not is_organization(user):
        raise NotFound()
    query = (select(PersonalAccount.id, PersonalAccount.number, Branch.name.label("branch"),
                    PersonalAccount.address, PersonalAccount.owner_name, PersonalAccount.closed)
             .join(Branch, Branch.id == PersonalAccount.branch_id))
    condition = search_condition(q)
    if condition is not None:
        query = query.where(condition)
    if branch_id:
        query = query.where(PersonalAccount.branch_id == branch_id)
    result = paginate(query.order_by(PersonalAccount.number, PersonalAccount.id), page, per_page, make=_row)
    counts = _link_counts([row.id for row in result.items])
    for row in result.items:
        row.linked = counts.get(row.id, 0)
    return result


def _link_counts(account_ids: list[int]) -> dict[int, int]:
    """Live links per account, for one page of accounts in one grouped query."""
    if not account_ids:
        return {}
    rows = db.session.execute(
        select(AccountLink.account_id, func.count(AccountLink.id))
        .where(AccountLink.account_id.in_(account_ids), AccountLink.unlinked_at.is_(None))
        .group_by(AccountLink.account_id))
    return dict(rows.all())


def branches() -> list[Branch]:
    """The branch filter's choices."""
    return list(db.session.scalars(select(Branch).order_by(Branch.sort_order, Branch.name)))


def account_card(user, account_id: int) -> AccountCard:
    """The account page for staff: requisites, services with suppliers, links (live ones first)."""
    account = ensure_organization_account(user, db.session.scalar(
        select(PersonalAccount).options(joinedload(PersonalAccount.branch)).where(PersonalAccount.id == account_id)))
    services = list(db.session.scalars(
        select(AccountService).join(Service, Service.id == AccountService.service_id)
        .options(joinedload(AccountService.service), joinedload(AccountService.supplier))
        .where(AccountService.account_id == account.id).order_by(Service.sort_order, Service.name)))
    links = list(db.session.scalars(
        select(AccountLink).options(joinedload(AccountLink.consumer).joinedload(ConsumerProfile.user))
        .where(AccountLink.account_id == account.id)
        .order_by(AccountLink.unlinked_at.is_not(None), AccountLink.created_at.desc(), AccountLink.id.desc())))
    by_ids = {link.unlinked_by_id for link in links if link.unlinked_by_id}
    unlinked_by = ({u.id: u for u in db.session.scalars(select(KabinetUser).where(KabinetUser.id.in_(by_ids)))}
                   if by_ids else {})
    return AccountCard(account=account, services=services, links=links, unlinked_by=unlinked_by)


def unlinkable(user, account_id: int, link_id: int) -> tuple[PersonalAccount, AccountLink]:
    """The account and its live link staff may unlink: 404 outside staff or for another account's
    link, refused when it is unlinked already."""
    account = ensure_organization_account(user, db.session.get(PersonalAccount, account_id))
    link = db.session.get(AccountLink, link_id)
    if link is None or link.account_id != account.id:
        raise NotFound()
    if link.unlinked_at is not None:
        raise Invalid(_("Лицевой счет уже отвязан от этого личного кабинета"))
    return account, link


def unlink(user, account_id: int, link_id: int, reason: str | None) -> AccountLink:
    """Staff unlink a consumer from the account with a reason; the consumer is told, the log keeps it."""
    account, link = unlinkable(user, account_id, link_id)
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("Укажите причину отвязки"))
    if len(reason) > REASON_MAX:
        raise ReasonRequired(_("Не более %(n)s символов", n=REASON_MAX))
    # one statement that only an active link passes: two staff members cannot both unlink it
    done = db.session.execute(
        update(AccountLink).where(AccountLink.id == link.id, AccountLink.unlinked_at.is_(None))
        .values(unlinked_at=utcnow(), unlinked_by_id=user.id, unlink_reason=reason)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Invalid(_("Лицевой счет уже отвязан от этого личного кабинета"))
    db.session.refresh(link)
    audit.record("account_link.unlinked", link, actor=user, before={"unlinked_at": None},
                 after={"unlink_reason": reason})
    notify_user(link.consumer.user, "billing_account_unlinked", link=CONSUMER_ACCOUNTS_LINK, account=account,
                reason=reason)
    return link
