"""«Статистика» (D7, seed 004 §2.8): the account's consumption by month, service and day zone, and
its payments by month, for a period of up to 3 years, as a chart and the same numbers as a table.

Consumption of a month and zone = the month's reading − the meter's previous reading: of the
readings of one meter and month the one accepted by the billing wins, then the billing's own, then
the latest live one; a confirmed rollover («Счетчик прошел через ноль?») adds 10**digits; a
replaced meter is its own series (its first reading only starts it). Three queries, none per row.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import and_, func, select
from sqlalchemy.orm import contains_eager

from app.core.errors import Invalid
from app.extensions import db
from app.models import AccountPayment, Meter, MeterReading, PersonalAccount, Service
from app.models.billing.accounts import ReadingSource
from app.security.access import ensure_linked_account
from workflows.billing.periods import PeriodRefused, PeriodRule, add_months, month_start
from workflows.billing.windows import today

#: shown when no period is chosen: this month and the eleven before it
DEFAULT_MONTHS = 12

#: the period one may choose (workflows/billing/periods.py)
PERIOD = PeriodRule("Статистика", DEFAULT_MONTHS)
earliest_month = PERIOD.earliest
default_period = PERIOD.default
check_period = PERIOD.check
ZONES = ("T1", "T2", "T3")
CHART_TYPES = ("line", "bar")
NBSP = "\u00a0"


class Point(NamedTuple):
    """One meter's reading of one month, as the statistics count it."""

    period: date
    values: dict  # zone → Decimal
    rollover: bool


@dataclass
class Series:
    """Consumption of one service in one day zone, month by month."""

    service_id: int
    zone: str
    label: str
    unit: str
    sort: tuple = ()
    values: dict = field(default_factory=dict)  # month → Decimal


@dataclass
class Statistics:
    account: PersonalAccount
    months: list[date]
    series: list[Series]
    payments: dict  # month → Decimal
    #: (id, name) of the services the account has meters of: the service filter
    services: list[tuple[int, str]]
    #: form field → why the period was refused (then nothing is counted)
    period_errors: dict = field(default_factory=dict)


def months_between(first: date, last: date) -> list[date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def consumption(points: list[Point], digits: int) -> dict:
    """month → zone → consumed, of one meter's readings in period order: each reading less the one
    before it; below it only after a confirmed rollover (then + 10**digits), else not counted."""
    result: dict = {}
    for before, after in zip(points, points[1:]):
        for zone, value in after.values.items():
            previous = before.values.get(zone)
            if previous is None:
                continue
            used = value - previous
            if used < 0:
                if not after.rollover:
                    continue
                used += Decimal(10) ** digits
            result.setdefault(after.period, {})[zone] = used
    return result


def _rank(reading: MeterReading) -> tuple:
    """Which of one meter's readings of one month counts: accepted, the billing's, the latest."""
    return (reading.accepted, reading.source == ReadingSource.BILLING, reading.created_at, reading.id)


def _zone_values(reading: MeterReading, meter: Meter) -> dict:
    values = (reading.t1, reading.t2, reading.t3)
    return {zone: values[i] for i, zone in enumerate(ZONES[:max(1, meter.zones)]) if values[i] is not None}


def _readings(account: PersonalAccount, first: date, last: date, service_id: int | None) -> list[MeterReading]:
    """The live readings of the account's meters from `first` to `last`, and each meter's latest
    one before `first` (the base of the first month): two queries, meters and services joined."""
    live = and_(Meter.account_id == account.id, MeterReading.superseded_at.is_(None))
    if service_id:
        live = and_(live, Meter.service_id == service_id)
    base = (select(MeterReading).join(MeterReading.meter).join(Meter.service)
            .options(contains_eager(MeterReading.meter).contains_eager(Meter.service)))
    inside = db.session.scalars(base.where(live, MeterReading.period.between(first, last))).all()
    before = (select(MeterReading.meter_id, func.max(MeterReading.period).label("period"))
              .join(MeterReading.meter).where(live, MeterReading.period < first)
              .group_by(MeterReading.meter_id).subquery())
    earlier = db.session.scalars(base.join(before, and_(before.c.meter_id == MeterReading.meter_id,
                                                        before.c.period == MeterReading.period)).where(live)).all()
    return list(earlier) + list(inside)


def _series_label(meter: Meter, zone: str) -> str:
    name = meter.service.name
    if meter.zones > 1:
        zone_name = (meter.zone_names or {}).get(zone)
        name += ", " + zone.replace("T", "Т") + (f" ({zone_name})" if zone_name else "")
    return name


def consumption_series(readings: list[MeterReading], first: date, last: date, zone: str | None) -> list[Series]:
    """Every meter's consumption summed by service and zone, months from `first` to `last`."""
    chosen: dict = {}
    for reading in readings:
        key = (reading.meter_id, reading.period)
        if key not in chosen or _rank(reading) > _rank(chosen[key]):
            chosen[key] = reading
    by_meter: dict = defaultdict(list)
    for (meter_id, _period), reading in sorted(chosen.items()):
        by_meter[meter_id].append(reading)
    series: dict = {}
    for meter_readings in by_meter.values():
        meter = meter_readings[0].meter
        points = [Point(r.period, _zone_values(r, meter), r.rollover) for r in meter_readings]
        for month, zones in consumption(points, meter.digits).items():
            if not first <= month <= last:
                continue
            for code, used in zones.items():
                if zone and code != zone:
                    continue
                line = series.setdefault((meter.service_id, code), Series(
                    meter.service_id, code, _series_label(meter, code), meter.service.unit or "",
                    sort=(meter.service.sort_order, meter.service.name, code)))
                line.values[month] = line.values.get(month, Decimal(0)) + used
    return sorted(series.values(), key=lambda s: s.sort)


def payments_by_month(account: PersonalAccount, first: date, last: date) -> dict:
    """month → the sum paid on the account (one grouped query by day, folded into months)."""
    end = add_months(last, 1) - timedelta(days=1)
    rows = db.session.execute(
        select(AccountPayment.paid_on, func.sum(AccountPayment.amount))
        .where(AccountPayment.account_id == account.id, AccountPayment.paid_on.between(first, end))
        .group_by(AccountPayment.paid_on))
    result: dict = {}
    for paid_on, amount in rows:
        month = month_start(paid_on)
        result[month] = result.get(month, Decimal(0)) + Decimal(amount)
    return result


def metered_services(account: PersonalAccount) -> list[tuple[int, str]]:
    return list(db.session.execute(
        select(Service.id, Service.name).join(Meter, Meter.service_id == Service.id)
        .where(Meter.account_id == account.id).distinct().order_by(Service.name)))


def account_statistics(actor, account_id: int, first: date | None = None, last: date | None = None,
                       service_id: int | None = None, zone: str | None = None) -> Statistics:
    """«Статистика» of a linked account for the months chosen (the last year when none)."""
    account = ensure_linked_account(actor, account_id).account
    on = today()
    if first is None or last is None:
        first, last = default_period(on)
    stats = Statistics(account, [], [], {}, metered_services(account))
    try:
        first, last = check_period(first, last, on)
    except PeriodRefused as exc:
        stats.period_errors[exc.field] = exc.message
        return stats
    stats.months = months_between(first, last)
    stats.series = consumption_series(_readings(account, first, last, service_id), first, last, zone)
    stats.payments = payments_by_month(account, first, last)
    return stats


def volume_text(value: Decimal | None) -> str:
    """1234.500 → «1 234,5»; None → «»."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    whole, _dot, fraction = text.lstrip("-").partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    sign = "-" if text.startswith("-") else ""
    return sign + NBSP.join(groups or ["0"]) + ("," + fraction if fraction else "")


def chart_data(stats: Statistics, chart_type: str) -> dict:
    """What static/js/meters-chart.js draws: month labels, one dataset per series, the payments."""
    labels = [m.strftime("%m.%Y") for m in stats.months]

    def numbers(values: dict) -> list:
        return [float(values[m]) if m in values else None for m in stats.months]

    return {
        "type": chart_type if chart_type in CHART_TYPES else "line",
        "labels": labels,
        "consumption": [{"label": f"{s.label}, {s.unit}" if s.unit else s.label, "data": numbers(s.values)}
                        for s in stats.series],
        "payments": [{"label": _("Оплачено, руб."), "data": numbers(stats.payments)}] if stats.payments else [],
    }
