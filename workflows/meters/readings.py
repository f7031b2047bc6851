"""The one command that stores meter readings (D8, D9, staff): `submit_readings` for one account,
and `readings_form`, what «Передать показания» shows per meter.

The consumer's page, the bulk page (D9) and staff entry all call `submit_readings`. It checks
every value (workflows/meters/rules.py) before it writes anything: one error or one unanswered
question and nothing of the account is stored (the caller shows `Outcome.errors` under the fields
and `Outcome.questions` with a checkbox, and sends the meter ids confirmed back in `confirmed`).

A reading already sent this period (the live portal reading, one per meter and month:
uq_meter_reading_live) is replaced, never edited: the old one is marked superseded and a new one
inserted, history kept. A page rendered with an older live reading than there is now, or two
submissions racing on the unique index, end in Conflict(rules.CHANGED) with nothing stored. Each stored
reading goes once to the billing export, the audit log and the webhooks, in one transaction; flushes only.
"""
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.core import audit
from app.core.errors import Conflict, Invalid, NotFound
from app.core.files import UploadRejected, extension_of, store_upload, stored_path
from app.extensions import db
from app.models import Meter, MeterReading, PersonalAccount
from app.models.base import utcnow
from app.models.billing.accounts import ReadingSource
from app.models.billing.exchange import ExportKind
from workflows.billing import exports
from workflows.billing.windows import local_day, reading_window
from workflows.meters import rules
from workflows.webhooks.events import reading_submitted

#: `ReadingInput.seen_live_id` not given: the caller does not check what its page showed
UNCHECKED = object()
#: readings made in the portal: one of them per meter and month is live
PORTAL_SOURCES = (ReadingSource.CONSUMER, ReadingSource.STAFF)
#: readings of earlier months read for the previous value and the history (enough for 7 months)
HISTORY_ROWS = 40


@dataclass
class ReadingInput:
    meter_id: int
    #: {"T1": "12345,6", "T2": …} as typed
    values: dict[str, str]
    #: werkzeug FileStorage or None
    photo: object | None = None
    #: the id of the live reading the form was rendered with (None: there was none); a reading
    #: replaced meanwhile by someone else is then refused (Conflict). UNCHECKED: not checked.
    seen_live_id: object = UNCHECKED


@dataclass
class Outcome:
    """What one account's submission came to."""

    stored: list[MeterReading] = field(default_factory=list)
    #: (meter_id, zone or "") → the message under that field ("photo" for the photo field)
    errors: dict[tuple[int, str], str] = field(default_factory=dict)
    #: meter_id → «Счетчик прошел через ноль?» / the jump question
    questions: dict[int, str] = field(default_factory=dict)
    #: meter_id → the checkbox label answering its question
    confirm_labels: dict[int, str] = field(default_factory=dict)

    def ok(self) -> bool:
        return not self.errors and not self.questions


@dataclass
class ZoneRow:
    code: str
    #: the zone's name, e.g. «День»
    name: str
    previous: Decimal | None
    #: this period's live reading of the zone, if one was sent
    live: Decimal | None


@dataclass
class MeterRow:
    meter: Meter
    zones: list[ZoneRow]
    #: the reading already sent this period (replaceable while the window is open)
    live: MeterReading | None
    #: the latest reading of an earlier period (the previous values)
    previous: MeterReading | None
    can_submit: bool
    #: why not, when it cannot («Показания передаются автоматически», …)
    why_not: str | None = None


@dataclass
class ReadingsForm:
    account: PersonalAccount
    #: workflows.billing.windows.ReadingWindow, or None when the branch has no reading days
    window: object
    #: readings are taken now (the window is open, or staff enter them)
    is_open: bool
    #: the outside-window message with the branch's days, when closed
    message: str | None
    #: the month a reading made now counts for
    period: date
    meters: list[MeterRow]


@dataclass
class _Context:
    """What one meter's check needs from the database."""

    meter: Meter
    previous: MeterReading | None
    live: MeterReading | None
    histories: dict[str, rules.History]


def moscow_today(now) -> date:
    return local_day(now if now is not None else utcnow())


def _offered(account: PersonalAccount) -> list[Meter]:
    """The account's meters in place (a removed one is not offered; its successor starts anew)."""
    return list(db.session.scalars(select(Meter).where(Meter.account_id == account.id, Meter.removed_on.is_(None))
                                   .options(joinedload(Meter.service))  # the page names each meter's service
                                   .order_by(Meter.service_id, Meter.serial, Meter.id)))


def why_no_manual_reading(meter: Meter, today: date) -> str | None:
    if meter.auto_read:
        return rules.AUTO_READ
    if meter.verification_due is not None and meter.verification_due < today:
        return rules.expired_message(meter.verification_due)
    return None


def _zone_value(reading: MeterReading | None, code: str) -> Decimal | None:
    return None if reading is None else getattr(reading, code.lower())


def live_reading(meter_id: int, period: date) -> MeterReading | None:
    """The portal reading of the meter for the month that no later one replaced."""
    return db.session.scalar(select(MeterReading).where(
        MeterReading.meter_id == meter_id, MeterReading.period == period,
        MeterReading.superseded_at.is_(None), MeterReading.source.in_(PORTAL_SOURCES)))


def _recent_readings(meter_ids: list[int], period: date) -> dict[int, list[MeterReading]]:
    """Each meter's latest HISTORY_ROWS readings of earlier months (any source, not replaced),
    newest first — one statement for all the meters (a window function), not one per meter."""
    if not meter_ids:
        return {}
    rank = func.row_number().over(partition_by=MeterReading.meter_id, order_by=(
        MeterReading.period.desc(), MeterReading.taken_on.desc(), MeterReading.id.desc())).label("rank")
    ranked = (select(MeterReading.id, rank)
              .where(MeterReading.meter_id.in_(meter_ids), MeterReading.period < period,
                     MeterReading.superseded_at.is_(None)).subquery())
    rows = db.session.scalars(select(MeterReading).join(ranked, ranked.c.id == MeterReading.id)
                              .where(ranked.c.rank <= HISTORY_ROWS).order_by(MeterReading.meter_id, ranked.c.rank))
    found: dict[int, list[MeterReading]] = {meter_id: [] for meter_id in meter_ids}
    for row in rows:
        found[row.meter_id].append(row)
    return found


def _live_readings(meter_ids: list[int], period: date) -> dict[int, MeterReading]:
    """The month's live portal reading of each meter that has one (one statement)."""
    if not meter_ids:
        return {}
    return {row.meter_id: row for row in db.session.scalars(select(MeterReading).where(
        MeterReading.meter_id.in_(meter_ids), MeterReading.period == period,
        MeterReading.superseded_at.is_(None), MeterReading.source.in_(PORTAL_SOURCES)))}


def _contexts(meters: list[Meter], period: date) -> dict[int, _Context]:
    """Each meter's previous reading (latest of an earlier month, any source), this month's live
    one, and its history per zone; two statements whatever the number of meters."""
    ids = [meter.id for meter in meters]
    recent_rows, live = _recent_readings(ids, period), _live_readings(ids, period)
    return {meter.id: _context_of(meter, recent_rows[meter.id], live.get(meter.id), period) for meter in meters}


def _context_of(meter: Meter, rows: list[MeterReading], live: MeterReading | None, period: date) -> _Context:
    monthly: dict[date, MeterReading] = {}
    for row in rows:  # newest first: the first of each month is that month's reading
        monthly.setdefault(row.period, row)
    recent = list(monthly.values())[:rules.JUMP_MONTHS + 1]
    histories = {code: rules.history_of([rules.Point(r.period, _zone_value(r, code), r.rollover) for r in recent
                                         if _zone_value(r, code) is not None], meter.digits, until=period)
                 for code in rules.zone_codes(meter.zones)}
    return _Context(meter, recent[0] if recent else None, live, histories)


def _context(meter: Meter, period: date) -> _Context:
    """One meter's context for checking what was typed for it (read again at that moment)."""
    return _context_of(meter, _recent_readings([meter.id], period)[meter.id], live_reading(meter.id, period), period)


def readings_form(account: PersonalAccount, now=None, *, source: str = ReadingSource.CONSUMER) -> ReadingsForm:
    """What «Передать показания» shows: per meter its zones with names, the previous values, this
    period's live reading, and whether it takes a reading now (and why not)."""
    today = moscow_today(now)
    window = reading_window(account.branch, today)
    is_open = source == ReadingSource.STAFF or bool(window and window.is_open)
    period = rules.reading_period(window, today)
    message = None if is_open else rules.outside_window_message(account.branch.reading_day_from,
                                                                account.branch.reading_day_to)
    rows = []
    meters = _offered(account)
    contexts = _contexts(meters, period)
    for meter in meters:
        ctx = contexts[meter.id]
        zones = [ZoneRow(code, (meter.zone_names or {}).get(code) or code.replace("T", "Т"),
                         _zone_value(ctx.previous, code), _zone_value(ctx.live, code))
                 for code in rules.zone_codes(meter.zones)]
        why_not = why_no_manual_reading(meter, today)
        rows.append(MeterRow(meter, zones, ctx.live, ctx.previous, is_open and why_not is None, why_not))
    return ReadingsForm(account, window, is_open, message, period, rows)


# ---- checking one meter's input ---------------------------------------------------------

@dataclass
class _Checked:
    """One meter's input that passed: the values by zone, whether it wrapped, its photo."""

    ctx: _Context
    values: dict[str, Decimal]
    rollover: bool
    photo: object | None


def _typed(item: ReadingInput) -> bool:
    return any(str(v or "").strip() for v in (item.values or {}).values()) or _has_photo(item.photo)


def _has_photo(photo) -> bool:
    return photo is not None and bool(getattr(photo, "filename", ""))


def _parse(meter: Meter, item: ReadingInput, out: Outcome) -> dict[str, Decimal]:
    values = {}
    for code in rules.zone_codes(meter.zones):
        value, error = rules.parse_value((item.values or {}).get(code), meter.digits, meter.precision)
        if error:
            out.errors[(meter.id, code)] = error
        else:
            values[code] = value
    if _has_photo(item.photo) and extension_of(item.photo.filename) not in rules.PHOTO_TYPES:
        out.errors[(meter.id, "photo")] = rules.PHOTO_TYPE
    return values


def _questions(ctx: _Context, values: dict[str, Decimal], period: date, out: Outcome) -> tuple[list[str], bool]:
    """Per zone against the previous value: refusals go to out.errors; returns the questions to
    ask and whether the meter wrapped."""
    meter, asked, wrapped = ctx.meter, [], False
    months = rules.months_between(ctx.previous.period, period) if ctx.previous else 1
    for code, new in values.items():
        previous, history = _zone_value(ctx.previous, code), ctx.histories[code]
        verdict = rules.order_verdict(new, previous, meter.digits, history.largest_monthly, months)
        if verdict == rules.LOWER_VALUE:
            out.errors[(meter.id, code)] = rules.LOWER
            continue
        used = new - previous if previous is not None else Decimal(0)
        if verdict == rules.WRAP:
            wrapped, used = True, rules.wrapped_consumption(new, previous, meter.digits)
        if rules.is_jump(new, previous, used, history.average_monthly, months):
            unit = meter.service.unit if meter.service is not None else ""
            asked.append(rules.JUMP_QUESTION.format(consumption=plain_number(used), unit=unit or "").replace("  ", " "))
    if wrapped:
        asked.insert(0, rules.WRAP_QUESTION)
    return asked, wrapped


def plain_number(value: Decimal) -> str:
    """«4 930», «12,5»: for the questions and the audit log."""
    text = format(value.normalize(), "f")
    whole, _, fraction = text.partition(".")
    grouped = f"{int(whole):,}".replace(",", "\u00a0")
    return grouped + ("," + fraction if fraction else "")


def _check(item: ReadingInput, meters: dict[int, Meter], period: date, today: date, confirmed,
           out: Outcome) -> _Checked | None:
    meter = meters.get(item.meter_id)
    if meter is None:
        raise NotFound(rules.UNKNOWN_METER)
    why_not = why_no_manual_reading(meter, today)
    if why_not:
        out.errors[(meter.id, "")] = why_not
        return None
    values = _parse(meter, item, out)
    ctx = _context(meter, period)
    complete = len(values) == len(rules.zone_codes(meter.zones))  # else the messages come first
    if complete and item.seen_live_id is not UNCHECKED and item.seen_live_id != (ctx.live.id if ctx.live else None):
        raise Conflict(rules.CHANGED)
    if complete and ctx.live is not None and not _has_photo(item.photo) \
            and all(_zone_value(ctx.live, c) == v for c, v in values.items()):
        return None  # the reading sent this period, unchanged
    asked, wrapped = _questions(ctx, values, period, out)  # the zones typed well, even when another is not
    if not complete or any(key[0] == meter.id for key in out.errors):
        return None
    if asked and meter.id not in confirmed:
        out.questions[meter.id] = " ".join(asked)
        out.confirm_labels[meter.id] = rules.WRAP_CONFIRM if wrapped else rules.JUMP_CONFIRM
        return None
    return _Checked(ctx, values, wrapped, item.photo if _has_photo(item.photo) else None)


# ---- storing --------------------------------------------------------------------------

def export_payload(reading: MeterReading, meter: Meter, account: PersonalAccount, replaces) -> dict:
    return {"reading_id": reading.id, "meter_external_id": meter.external_id, "account_number": account.number,
            "branch_code": account.branch.code, "period": reading.period, "taken_on": reading.taken_on,
            "t1": reading.t1, "t2": reading.t2, "t3": reading.t3, "source": reading.source,
            "rollover": reading.rollover, "replaces": replaces}


def supersede(old: MeterReading, moment: datetime) -> None:
    """Mark the live reading replaced — only if it still is (someone may have replaced it)."""
    done = db.session.execute(update(MeterReading).where(
        MeterReading.id == old.id, MeterReading.superseded_at.is_(None)).values(superseded_at=moment)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict(rules.CHANGED)
    db.session.expire(old)


class _PhotoRefused(Exception):
    def __init__(self, meter_id: int, message: str):
        super().__init__(message)
        self.meter_id, self.message = meter_id, message


def _store_one(actor, account, checked: _Checked, *, period, today, source, reason, moment,
               written: list | None = None) -> MeterReading:
    meter, old = checked.ctx.meter, checked.ctx.live
    try:
        photo = store_upload(checked.photo, uploader=actor) if checked.photo is not None else None
    except UploadRejected as exc:
        raise _PhotoRefused(meter.id, exc.message) from None
    if photo is not None and written is not None:
        written.append(stored_path(photo))
    if old is not None:
        supersede(old, moment)
    reading = MeterReading(
        meter_id=meter.id, period=period, taken_on=today, source=source, rollover=checked.rollover,
        t1=checked.values["T1"], t2=checked.values.get("T2"), t3=checked.values.get("T3"),
        submitted_by_id=getattr(actor, "id", None), photo_id=photo.id if photo else None, created_at=moment,
        change_reason=(reason or (rules.REPLACED_BY_CONSUMER if source == ReadingSource.CONSUMER else None))
        if old is not None else reason)
    db.session.add(reading)
    db.session.flush()
    if old is not None:
        db.session.execute(update(MeterReading).where(MeterReading.id == old.id)
                           .values(superseded_by_id=reading.id).execution_options(synchronize_session=False))
    exports.record(ExportKind.READINGS, export_payload(reading, meter, account, old.id if old else None))
    reading_submitted(reading, meter, account, old.id if old else None)
    values = ", ".join(f"{code}: {plain_number(v)}" for code, v in checked.values.items())
    audit.record("meter_reading.replace" if old is not None else "meter_reading.submit", reading, actor=actor,
          summary=f"Прибор учета {meter.serial}, лицевой счет {account.number}, "
                  f"{period.strftime('%m.%Y')}: {values}" + (f" (вместо № {old.id})" if old else ""))
    return reading


def submit_readings(actor, account: PersonalAccount, inputs: list[ReadingInput], *,
                    confirmed: set[int] = frozenset(), source: str = ReadingSource.CONSUMER,
                    reason: str | None = None, now=None) -> Outcome:
    """Check and store one account's readings, all or nothing (see the module's docstring).
    Raises Invalid outside the window (consumers) or with nothing typed, NotFound for a meter not
    of the account (or removed), Conflict when the readings changed since the page was shown."""
    today = moscow_today(now)
    window = reading_window(account.branch, today)
    if source != ReadingSource.STAFF and not (window and window.is_open):
        raise Invalid(rules.outside_window_message(account.branch.reading_day_from, account.branch.reading_day_to))
    typed = [item for item in inputs if _typed(item)]
    if not typed:
        raise Invalid(rules.NOTHING_TYPED)
    period = rules.reading_period(window, today)
    meters = {m.id: m for m in _offered(account)}
    out = Outcome()
    checked = [c for c in (_check(item, meters, period, today, confirmed or (), out) for item in typed) if c]
    if not out.ok():
        return out
    moment, written = utcnow(), []
    try:
        with db.session.begin_nested():
            out.stored = [_store_one(actor, account, c, period=period, today=today, source=source,
                                     reason=reason, moment=moment, written=written) for c in checked]
    except BaseException as exc:  # nothing of the account stored (the savepoint rolled back): nor its photos
        for path in written:
            path.unlink(missing_ok=True)
        if isinstance(exc, IntegrityError):
            raise Conflict(rules.CHANGED) from None
        if not isinstance(exc, _PhotoRefused):
            raise
        out.stored, out.errors[(exc.meter_id, "photo")] = [], exc.message
    return out
