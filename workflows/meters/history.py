"""«Приборы учета» of an account (D8, seed 004 §2.9): the meters by service with their details and
fault marks, the removed ones apart, and «Показания прибора учета» — every reading from any source
(Личный кабинет, Сотрудник, Автоматически, Биллинг), which were «принятые к расчету», the replaced
ones shown as replaced, by month, for a period of up to 3 years.

Every read goes through app.security.access (404 outside the consumer's links). The readings are
one indexed query per page (ix_meter_reading_meter_period), whatever the table holds.
"""
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core.errors import Invalid, NotFound
from app.core.paging import Page, paginate
from app.extensions import db
from app.models import Meter, MeterReading, PersonalAccount, Service, StoredFile
from app.models.billing.accounts import READING_SOURCE_LABELS
from app.security.access import ensure_linked_account, ensure_linked_reading
from workflows.applications.rules import today
from workflows.billing.periods import PeriodRefused, PeriodRule, add_months, month_start
from workflows.meters.faults import open_faults

#: the history shown when no period is chosen: this month and the eleven before it
DEFAULT_MONTHS = 12

#: the period one may choose (workflows/billing/periods.py)
PERIOD = PeriodRule("История показаний", DEFAULT_MONTHS)
earliest_month = PERIOD.earliest
default_period = PERIOD.default


def check_period(first: date, last: date, on: date | None = None) -> "Period":
    """The months chosen, or PeriodRefused naming the field (`period_from`/`period_to`)."""
    return Period(*PERIOD.check(first, last, on))
PER_PAGE = 100
ZONES = ("T1", "T2", "T3")
MONTHS = ("Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь",
          "Ноябрь", "Декабрь")
NBSP = "\u00a0"


@dataclass(frozen=True)
class MeterCard:
    """One meter as «Приборы учета» shows it."""

    meter: Meter
    #: (code «Т1», name «День») for each of its zones
    zones: list[tuple[str, str]]
    #: when the fault report still open was sent, or None
    fault_since: datetime | None


@dataclass
class MetersPage:
    account: PersonalAccount
    #: (service, its meters in use) in the services' order
    groups: list[tuple[Service, list[MeterCard]]]
    removed: list[MeterCard]


def zone_list(meter: Meter) -> list[tuple[str, str]]:
    names = meter.zone_names or {}
    return [(code.replace("T", "Т"), names.get(code, "")) for code in ZONES[:max(meter.zones, 1)]]


def account_meters(account_id: int) -> list[Meter]:
    """Every meter of the account, removed ones too, with its service (one query)."""
    return db.session.scalars(
        select(Meter).join(Meter.service).where(Meter.account_id == account_id)
        .options(joinedload(Meter.service)).order_by(Service.sort_order, Service.name, Meter.serial)
    ).all()


def meters_page(actor, account_id: int) -> MetersPage:
    """«Приборы учета» of a linked account: in use by service, removed ones apart, faults marked."""
    account = ensure_linked_account(actor, account_id).account
    meters = account_meters(account.id)
    faults = open_faults([m.id for m in meters])
    on = today()
    groups: dict[int, tuple[Service, list[MeterCard]]] = {}
    removed = []
    for meter in meters:
        card = MeterCard(meter, zone_list(meter), faults.get(meter.id))
        if meter.removed_on is not None and meter.removed_on <= on:
            removed.append(card)
        else:
            groups.setdefault(meter.service_id, (meter.service, []))[1].append(card)
    return MetersPage(account, list(groups.values()), removed)


# ---- «Показания прибора учета» ------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """Months from `start` (first day of the first month) to `end` (first day of the last month)."""

    start: date
    end: date


def reading_value(value: Decimal | None, precision: int) -> str:
    """12345.600 → «12 345,6» with the meter's decimals."""
    if value is None:
        return ""
    whole, _dot, fraction = f"{abs(Decimal(value)):.{max(precision, 0)}f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return ("-" if value < 0 else "") + NBSP.join(groups) + (f",{fraction}" if fraction else "")


def month_title(month: date) -> str:
    """date(2026, 11, 1) → «Ноябрь 2026»."""
    return f"{MONTHS[month.month - 1]} {month.year}"


@dataclass(frozen=True)
class ReadingRow:
    """One reading as the history shows it."""

    reading: MeterReading
    meter: Meter
    #: (zone «Т1», its name, the value in words)
    values: list[tuple[str, str, str]]
    source: str

    @property
    def replaced(self) -> bool:
        return self.reading.superseded_at is not None

    @property
    def month(self) -> str:
        return month_title(self.reading.period)


@dataclass
class ReadingsHistory:
    account: PersonalAccount
    period: Period | None
    page: Page | None
    #: field name of the form (period_from, period_to, meter) → why it was refused (then no page)
    period_errors: dict[str, str] = field(default_factory=dict)
    #: every meter of the account, removed ones too, for «Прибор учета»
    meters: list[Meter] = field(default_factory=list)
    #: the meter chosen, or None for all
    meter_id: int | None = None


def _row(reading: MeterReading, meter: Meter) -> ReadingRow:
    values = [(label, name, reading_value(getattr(reading, f"t{number}"), meter.precision))
              for number, (label, name) in enumerate(zone_list(meter), start=1)]
    return ReadingRow(reading, meter, values, READING_SOURCE_LABELS.get(reading.source, reading.source))


def _checked(first: date | None, last: date | None, meters: dict, meter_id: int | None) -> Period:
    """The period (the last year when none) and the meter chosen, or PeriodRefused."""
    if meter_id is not None and meter_id not in meters:
        raise PeriodRefused("meter", _("Выберите прибор учета из списка"))
    if first is None or last is None:
        first, last = default_period()
    return check_period(first, last)


def readings_history(actor, account_id: int, first: date | None, last: date | None, page: int,
                     meter_id: int | None = None) -> ReadingsHistory:
    """«Показания прибора учета» of a linked account (of one of its meters, when chosen) for the
    months chosen, newest month first; a choice beyond the rules shows nothing and says why."""
    account = ensure_linked_account(actor, account_id).account
    meters = {m.id: m for m in account_meters(account.id)}
    result = ReadingsHistory(account, None, None, meters=list(meters.values()), meter_id=meter_id)
    try:
        result.period = _checked(first, last, meters, meter_id)
    except PeriodRefused as exc:
        result.period_errors = {exc.field: exc.message}
        return result
    wanted = [meter_id] if meter_id is not None else list(meters)
    if not wanted:
        result.page = Page([], 1, PER_PAGE, False)
        return result
    query = (select(MeterReading)
             .where(MeterReading.meter_id.in_(wanted), MeterReading.period >= result.period.start,
                    MeterReading.period <= result.period.end)
             .order_by(MeterReading.period.desc(), MeterReading.meter_id, MeterReading.created_at.desc(),
                       MeterReading.id.desc()))
    result.page = paginate(query, page, PER_PAGE)
    result.page.items = [_row(reading, meters[reading.meter_id]) for reading in result.page.items]
    return result


def reading_photo(actor, account_id: int, reading_id: int) -> StoredFile:
    """The photo kept with a reading of the account's meter (its owners only)."""
    reading = ensure_linked_reading(actor, account_id, reading_id)
    if reading.photo_id is None or reading.photo is None:
        raise NotFound()
    return reading.photo
