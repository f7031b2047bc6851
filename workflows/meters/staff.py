"""Staff and an account's meters (issue 14): the meters with their recent readings from every
source (accepted ones, replaced ones with who replaced them and why), the consumer's photo, the
open fault report and its statement in the staff queue; «Внести показания» (a reading taken by
phone or at the office: the one readings command, source «Сотрудник», not bound by the window);
«Исправить» a wrong reading with a reason.

A correction is a new reading superseding the old one — the old one stays as history
(superseded_at/by), the new one keeps the reason (change_reason), goes to the billing with
`replaces` = the old id, and is in the audit log. Only a live reading made in the portal is
corrected here; the billing's own readings are corrected in the billing. Flushes, never commits.
"""
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.core.audit import record as audit
from app.core.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.models import (
    Application,
    KabinetUser,
    Meter,
    MeterFault,
    MeterReading,
    PersonalAccount,
    Status,
)
from app.models.base import utcnow
from app.models.billing import READING_SOURCE_LABELS, ReadingSource
from app.models.billing.exchange import ExportKind
from app.security.access import (
    ensure_organization_account,
    ensure_organization_meter,
    ensure_organization_reading,
)
from workflows.billing import exports
from workflows.billing.periods import add_months, month_start
from workflows.meters import readings, rules
from workflows.meters.history import account_meters, reading_value, zone_list

#: months of readings the staff page shows (this month and the ones before it)
RECENT_MONTHS = 12
REASON_MAX = 1000
PORTAL_SOURCES = readings.PORTAL_SOURCES
REASON_REQUIRED = "Укажите причину исправления"
REASON_TOO_LONG = "Не более {n} символов"
NOT_CORRECTABLE = ("Исправить можно только действующее показание, переданное в личном кабинете или "
                   "внесенное сотрудником; показания биллинга исправляются в биллинге")
UNCHANGED = "Показания не изменились: введите верные значения"
ABOVE_LATER = ("Показание больше переданного позже (за {period}: {value}). Проверьте корректность ввода")


class CorrectionRefused(Invalid):
    """A correction refused: `field_errors` name the fields (zone codes, "reason")."""

    def __init__(self, message: str, field_errors: dict[str, str] | None = None):
        super().__init__(message)
        self.field_errors = field_errors or {}


@dataclass
class ReadingLine:
    """One reading on the staff page."""

    reading: MeterReading
    #: [(«Т1», «День», «12 345,6»)]
    values: list[tuple[str, str, str]]
    source: str
    #: who entered it (None: the billing or an automatic system)
    by: KabinetUser | None
    #: the reading that replaced it and who made that one
    replaced_by: MeterReading | None = None
    replaced_by_user: KabinetUser | None = None
    correctable: bool = False


@dataclass
class StaffMeter:
    meter: Meter
    zones: list[tuple[str, str]]
    lines: list[ReadingLine]
    #: the open fault report: (its statement, when it was sent), or None
    fault: tuple[Application, datetime] | None
    removed: bool
    #: why no reading is entered now (automatic, verification expired, removed), or None
    why_not: str | None


@dataclass
class StaffMetersPage:
    account: PersonalAccount
    meters: list[StaffMeter]
    since: date
    users: dict[int, KabinetUser] = field(default_factory=dict)


def open_fault_statements(meter_ids: list[int]) -> dict[int, tuple[Application, datetime]]:
    """Meter id → (the statement still open about it, when it was sent); one query."""
    if not meter_ids:
        return {}
    rows = db.session.execute(
        select(MeterFault.meter_id, Application, MeterFault.reported_at)
        .join(Application, Application.id == MeterFault.application_id)
        .join(Status, Status.id == Application.status_id)
        .where(MeterFault.meter_id.in_(meter_ids), Status.is_final.is_(False))
        .order_by(MeterFault.reported_at))
    return {meter_id: (application, reported_at) for meter_id, application, reported_at in rows}


def _recent(meter_ids: list[int], since: date) -> list[MeterReading]:
    if not meter_ids:
        return []
    return list(db.session.scalars(
        select(MeterReading).where(MeterReading.meter_id.in_(meter_ids), MeterReading.period >= since)
        .order_by(MeterReading.period.desc(), MeterReading.created_at.desc(), MeterReading.id.desc())))


def _users(ids: set) -> dict[int, KabinetUser]:
    ids = {i for i in ids if i}
    return {u.id: u for u in db.session.scalars(select(KabinetUser).where(KabinetUser.id.in_(ids)))} if ids else {}


def why_not(meter: Meter, today: date) -> str | None:
    if meter.removed_on is not None:
        return _("Прибор учета снят %(day)s", day=meter.removed_on.strftime("%d.%m.%Y"))
    return readings.why_no_manual_reading(meter, today)


def meters_page(actor, account_id: int, today: date | None = None) -> StaffMetersPage:
    """The staff page of an account's meters (any account, for people acting for the organization)."""
    account = ensure_organization_account(actor, db.session.get(PersonalAccount, account_id))
    today = today or readings.moscow_today(None)
    since = add_months(month_start(today), -(RECENT_MONTHS - 1))
    meters = account_meters(account.id)
    rows = _recent([m.id for m in meters], since)
    by_id, of_id = {row.id: row for row in rows}, {m.id: m for m in meters}
    users = _users({row.submitted_by_id for row in rows})
    faults = open_fault_statements([m.id for m in meters])
    lines: dict[int, list[ReadingLine]] = {}
    for row in rows:
        meter = of_id[row.meter_id]
        replacing = by_id.get(row.superseded_by_id)
        lines.setdefault(row.meter_id, []).append(ReadingLine(
            row, [(code, name, reading_value(getattr(row, "t" + code[-1]), meter.precision))
                  for code, name in zone_list(meter)],
            READING_SOURCE_LABELS.get(row.source, row.source), users.get(row.submitted_by_id),
            replacing, users.get(replacing.submitted_by_id) if replacing else None,
            row.source in PORTAL_SOURCES and row.superseded_at is None))
    cards = [StaffMeter(m, zone_list(m), lines.get(m.id, []), faults.get(m.id), m.removed_on is not None,
                        why_not(m, today)) for m in meters]
    return StaffMetersPage(account, cards, since, users)


def reading_photo(actor, account_id: int, reading_id: int):
    """The photo a consumer attached to a reading (evidence for staff); NotFound without one."""
    _account, reading = ensure_organization_reading(actor, account_id, reading_id)
    if reading.photo is None:
        raise NotFound()
    return reading.photo


def typed_values(reading: MeterReading) -> dict[str, str]:
    """The reading's values as the form shows them («12 345,6»), to start a correction from."""
    return {code: reading_value(getattr(reading, code.lower()), reading.meter.precision)
            for code in rules.zone_codes(reading.meter.zones)}


@dataclass(frozen=True)
class ZoneField:
    """One zone's field on a staff form: «Т1 (День)», the previous value, this month's one."""

    code: str
    label: str
    previous: str = ""
    current: str = ""


def zone_fields(meter: Meter, previous: MeterReading | None = None, current: MeterReading | None = None) -> list:
    def shown(reading, code):
        return reading_value(getattr(reading, code.lower()), meter.precision) if reading is not None else ""

    return [ZoneField(code, f"{label} ({name})" if name else label, shown(previous, code), shown(current, code))
            for code, (label, name) in zip(rules.zone_codes(meter.zones), zone_list(meter))]


# ---- «Внести показания» ------------------------------------------------------------------------

@dataclass
class Entry:
    """What «Внести показания» shows for one meter."""

    account: PersonalAccount
    row: readings.MeterRow
    zones: list[ZoneField]
    period: date


def entry_form(actor, account_id: int, meter_id: int, now=None) -> Entry:
    """What «Внести показания» shows for one meter in place: its zones, previous values, this
    month's reading already sent; NotFound for a meter of another account."""
    account, meter = ensure_organization_meter(actor, account_id, meter_id)
    form = readings.readings_form(account, now, source=ReadingSource.STAFF)
    row = next((r for r in form.meters if r.meter.id == meter.id), None)
    if row is None:  # removed: not offered
        raise Invalid(why_not(meter, readings.moscow_today(now)) or rules.UNKNOWN_METER)
    return Entry(account, row, zone_fields(meter, row.previous, row.live), form.period)


def enter_reading(actor, account_id: int, meter_id: int, values: dict[str, str], *, seen_live_id,
                  confirmed: bool = False, now=None) -> readings.Outcome:
    """Store a reading staff took (by phone, at the office) through the one readings command:
    the same value rules, source «Сотрудник», any day of the month."""
    account, meter = ensure_organization_meter(actor, account_id, meter_id)
    item = readings.ReadingInput(meter.id, values, seen_live_id=seen_live_id)
    return readings.submit_readings(actor, account, [item], confirmed={meter.id} if confirmed else set(),
                                    source=ReadingSource.STAFF, now=now)


# ---- «Исправить» ------------------------------------------------------------------------------

@dataclass
class Correction:
    """What «Исправить» came to: the new reading, or the question to confirm first."""

    stored: MeterReading | None = None
    question: str | None = None


def correction_form(actor, account_id: int, reading_id: int) -> tuple[PersonalAccount, MeterReading]:
    """The reading to correct, of this account; refused for one that cannot be corrected."""
    account, reading = ensure_organization_reading(actor, account_id, reading_id)
    if reading.source not in PORTAL_SOURCES or reading.superseded_at is not None:
        raise Invalid(_(NOT_CORRECTABLE))
    return account, reading


def _live(meter_id: int, condition, order) -> MeterReading | None:
    return db.session.scalar(select(MeterReading).where(
        MeterReading.meter_id == meter_id, MeterReading.superseded_at.is_(None), condition).order_by(*order).limit(1))


def _neighbours(reading: MeterReading) -> tuple[MeterReading | None, MeterReading | None]:
    """The live readings just before and just after the reading's month (any source)."""
    before = _live(reading.meter_id, MeterReading.period < reading.period,
                   (MeterReading.period.desc(), MeterReading.taken_on.desc(), MeterReading.id.desc()))
    after = _live(reading.meter_id, MeterReading.period > reading.period,
                  (MeterReading.period, MeterReading.taken_on, MeterReading.id))
    return before, after


def _parsed(meter: Meter, values: dict[str, str], reason: str, errors: dict) -> dict[str, Decimal]:
    if not reason:
        errors["reason"] = _(REASON_REQUIRED)
    elif len(reason) > REASON_MAX:
        errors["reason"] = _(REASON_TOO_LONG).format(n=REASON_MAX)
    parsed = {}
    for code in rules.zone_codes(meter.zones):
        value, error = rules.parse_value((values or {}).get(code), meter.digits, meter.precision)
        if error:
            errors[code] = _(error)
        else:
            parsed[code] = value
    return parsed


def _checked(old: MeterReading, values: dict[str, str], reason: str) -> tuple[dict[str, Decimal], bool]:
    """The corrected values and whether the meter wrapped; CorrectionRefused with every message."""
    meter, errors = old.meter, {}
    parsed = _parsed(meter, values, reason, errors)
    if not errors and all(getattr(old, code.lower()) == value for code, value in parsed.items()):
        errors["T1"] = _(UNCHANGED)
    if errors:
        raise CorrectionRefused(_("Проверьте правильность заполнения полей"), errors)
    before, after = _neighbours(old)
    months = rules.months_between(before.period, old.period) if before else 1
    wrapped = False
    for code, new in parsed.items():
        previous = getattr(before, code.lower()) if before else None
        verdict = rules.order_verdict(new, previous, meter.digits, None, months)
        later = getattr(after, code.lower()) if after else None
        if verdict == rules.LOWER_VALUE:
            errors[code] = _(rules.LOWER)
        elif later is not None and not after.rollover and new > later:
            errors[code] = _(ABOVE_LATER).format(period=after.period.strftime("%m.%Y"),
                                                 value=readings.plain_number(later))
        wrapped = wrapped or verdict == rules.WRAP
    if errors:
        raise CorrectionRefused(_("Проверьте правильность заполнения полей"), errors)
    return parsed, wrapped


def correct_reading(actor, account_id: int, reading_id: int, values: dict[str, str], reason: str | None, *,
                    confirmed: bool = False) -> Correction:
    """«Исправить»: a new reading of the same month superseding the old one, with the reason;
    exported to the billing (replaces = the old id) and in the audit log. Conflict when someone
    replaced the reading meanwhile."""
    account, old = correction_form(actor, account_id, reading_id)
    reason = (reason or "").strip()
    parsed, wrapped = _checked(old, values, reason)
    if wrapped and not confirmed:
        return Correction(question=_(rules.WRAP_QUESTION))
    moment, meter, old_id = utcnow(), old.meter, old.id
    before = {code: str(getattr(old, code.lower())) for code in parsed}
    try:
        with db.session.begin_nested():
            readings.supersede(old, moment)
            new = MeterReading(meter_id=meter.id, period=old.period, taken_on=old.taken_on,
                               source=ReadingSource.STAFF, rollover=wrapped, t1=parsed["T1"], t2=parsed.get("T2"),
                               t3=parsed.get("T3"), submitted_by_id=actor.id, created_at=moment,
                               change_reason=reason)
            db.session.add(new)
            db.session.flush()
            db.session.execute(update(MeterReading).where(MeterReading.id == old_id)
                               .values(superseded_by_id=new.id).execution_options(synchronize_session=False))
    except IntegrityError:
        raise Conflict(_(rules.CHANGED)) from None
    exports.record(ExportKind.READINGS, readings.export_payload(new, meter, account, old_id))
    audit("meter_reading.correct", new, actor=actor, before=before,
          after={**{code: str(v) for code, v in parsed.items()}, "reason": reason},
          summary=f"Прибор учета {meter.serial}, лицевой счет {account.number}, "
                  f"{old.period.strftime('%m.%Y')}: исправлено показание № {old_id}")
    return Correction(stored=new)
