"""«Реквизиты лицевого счета» (D4, seed 004 §2.7): the account's requisites, services with their
suppliers, meters, the tariffs of its services now and for a period up to 3 years back, and the
documents approving those tariffs; plus the admins' «Документы об утверждении тарифов».

Consumer reads go through app.security.access.ensure_linked_account (404 for anyone else). The
billing's rows are only read here: a change of the requisites is a statement (data_change.py).
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app.core import audit
from app.core.errors import Invalid, NotFound
from app.core.files import discard_stored, extension_of, store_upload
from app.core.paging import Page, paginate
from app.extensions import db
from app.models import AccountService, Meter, PersonalAccount, Service, Tariff, TariffDocument
from app.security.access import ensure_linked_account
from workflows.applications.rules import today
from workflows.billing.data_change import requisite_rows
from workflows.billing.periods import PeriodRefused, PeriodRule, add_months, month_start

#: the history shown when no period is chosen: this month and the eleven before it
DEFAULT_HISTORY_MONTHS = 12
NBSP = "\u00a0"


@dataclass(frozen=True)
class Period:
    """Months from `start` (first day of the first month) to `end` (last day of the last month)."""

    start: date
    end: date


#: «Период для истории тарифов можно выбирать по максимальный период за последние 3 года»
TARIFF_HISTORY = PeriodRule("История тарифов", DEFAULT_HISTORY_MONTHS)
earliest_month = TARIFF_HISTORY.earliest
default_period = TARIFF_HISTORY.default


def check_period(first: date, last: date, on: date | None = None) -> Period:
    """The months chosen for the history (to the last day of the last one), or PeriodRefused."""
    first, last = TARIFF_HISTORY.check(first, last, on)
    return Period(first, add_months(last, 1) - timedelta(days=1))


@dataclass
class TariffRow:
    """One price of one service in one zone for its validity period, as the page shows it."""

    tariff: Tariff
    service: Service
    price_text: str

    @property
    def document(self) -> TariffDocument | None:
        return self.tariff.document

    @property
    def downloadable(self) -> bool:
        return self.tariff.document is not None and self.tariff.document.file_id is not None


@dataclass
class AccountDetails:
    """Everything «Реквизиты лицевого счета» shows for one account."""

    account: PersonalAccount
    services: list[AccountService]
    meters: list[Meter]
    current: list[TariffRow]
    history: list[TariffRow]
    period: Period | None
    #: (label, value in words, field of the statement) in the seed's order
    requisites: list[tuple[str, str, str]] = field(default_factory=list)
    #: field name of the period form → why the period was refused (then `history` is empty)
    period_errors: dict[str, str] = field(default_factory=dict)


def price_text(price: Decimal, unit: str | None) -> str:
    """6.4300 → «6,43 руб./кВт·ч»; up to four decimals when the price has them (руб./Гкал)."""
    value = Decimal(price)
    places = max(2, min(4, -value.normalize().as_tuple().exponent))
    whole, _dot, fraction = f"{abs(value):.{places}f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    sign = "-" if value < 0 else ""
    return f"{sign}{NBSP.join(groups)},{fraction}{NBSP}руб." + (f"/{unit}" if unit else "")


def account_details(actor, account_id: int, first: date | None = None, last: date | None = None) -> AccountDetails:
    """«Реквизиты лицевого счета» of a linked account, with the tariff history of the months chosen
    (the default year when none); a period beyond the rules leaves the history empty and says why."""
    account = ensure_linked_account(actor, account_id).account
    on = today()
    services = account_services(account, on)
    errors: dict[str, str] = {}
    period = None
    if first is None or last is None:
        first, last = default_period(on)
    try:
        period = check_period(first, last, on)
    except PeriodRefused as exc:
        errors[exc.field] = exc.message
    service_ids = all_service_ids(account)
    return AccountDetails(
        account=account, services=services, meters=current_meters(account, on),
        current=tariff_rows(account, service_ids, on, on),
        history=tariff_rows(account, service_ids, period.start, period.end) if period else [],
        period=period, requisites=requisite_rows(account), period_errors=errors,
    )


def account_services(account: PersonalAccount, on: date) -> list[AccountService]:
    """The services provided on the account now, each with its supplier."""
    return db.session.scalars(
        select(AccountService).join(AccountService.service)
        .where(AccountService.account_id == account.id,
               or_(AccountService.until.is_(None), AccountService.until >= on))
        .options(joinedload(AccountService.service), joinedload(AccountService.supplier))
        .order_by(Service.sort_order, Service.name)
    ).all()


def all_service_ids(account: PersonalAccount) -> list[int]:
    """Every service the account has or had (tariff history covers ended services too)."""
    return list(db.session.scalars(
        select(AccountService.service_id).where(AccountService.account_id == account.id).distinct()))


def current_meters(account: PersonalAccount, on: date) -> list[Meter]:
    """Meters installed on the account and not removed by `on`."""
    return db.session.scalars(
        select(Meter).where(Meter.account_id == account.id, or_(Meter.removed_on.is_(None), Meter.removed_on > on))
        .options(joinedload(Meter.service)).order_by(Meter.serial)
    ).all()


def _tariffs_of(account: PersonalAccount, service_ids: list[int]):
    """Tariffs of these services that apply to the account's branch (branch None = every branch)."""
    return select(Tariff).where(Tariff.service_id.in_(service_ids),
                                or_(Tariff.branch_id.is_(None), Tariff.branch_id == account.branch_id))


def tariff_rows(account: PersonalAccount, service_ids: list[int], start: date, end: date) -> list[TariffRow]:
    """Tariffs of the account's services valid at some day from `start` to `end`, by service,
    newest first, then zone."""
    if not service_ids:
        return []
    tariffs = db.session.scalars(
        _tariffs_of(account, service_ids)
        .where(Tariff.valid_from <= end, or_(Tariff.valid_to.is_(None), Tariff.valid_to >= start))
        .options(joinedload(Tariff.service), joinedload(Tariff.document))
    ).all()
    tariffs.sort(key=lambda t: (t.service.sort_order, t.service.name, -t.valid_from.toordinal(), t.zone or ""))
    return [TariffRow(t, t.service, price_text(t.price, t.service.unit)) for t in tariffs]


def tariff_document(actor, account_id: int, document_id: int) -> TariffDocument:
    """«Скачать»: a document approving a tariff of the account's services, once its file is
    uploaded; any other document is «not found»."""
    account = ensure_linked_account(actor, account_id).account
    service_ids = all_service_ids(account)
    document = db.session.get(TariffDocument, document_id)
    if document is None or document.file_id is None or not service_ids:
        raise NotFound()
    used = db.session.scalar(_tariffs_of(account, service_ids).where(Tariff.document_id == document.id).limit(1))
    if used is None:
        raise NotFound()
    return document


# ---- «Документы об утверждении тарифов» (org admin, admin) ---------------------------------

def tariff_documents(page: int, per_page: int) -> Page:
    """The documents the billing named, newest first, with their files."""
    return paginate(select(TariffDocument).options(joinedload(TariffDocument.file))
                    .order_by(TariffDocument.created_at.desc(), TariffDocument.id.desc()), page, per_page)


def tariff_document_for_admin(document_id: int, *, with_file: bool = False) -> TariffDocument:
    """A tariff document by id (with its file uploaded, when `with_file`), else «not found»."""
    document = db.session.get(TariffDocument, document_id)
    if document is None or (with_file and document.file is None):
        raise NotFound()
    return document


class TariffFileRefused(Invalid):
    """The file offered for a tariff document was refused; shown under the file field."""


def upload_tariff_document(actor, document_id: int, file_storage) -> TariffDocument:
    """Upload (or replace) the PDF of a tariff document; the old file goes once this commits."""
    document = tariff_document_for_admin(document_id)
    if extension_of(getattr(file_storage, "filename", "") or "") != "pdf":
        raise TariffFileRefused(_("Загрузите документ в формате PDF"))
    stored = store_upload(file_storage, uploader=actor)  # the content must be a PDF too
    old = document.file
    before = {"file": old.original_name if old else None}
    document.file_id = stored.id
    document.file = stored
    db.session.flush()
    if old is not None:
        discard_stored([old])
    audit.record("billing.tariff_document_uploaded", document, actor=actor, before=before,
                 after={"file": stored.original_name})
    return document
