"""«Заказ обратного звонка» (E4, seed 004 §2.17): the consumer asks for a call on a topic at a
convenient time; staff work the queue and mark «Звонок выполнен» or «Не дозвонились» (audited).
Flushes, never commits."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from app.core.formatting import format_date
from app.core.identifiers import InvalidIdentifier, normalize_phone
from app.core.paging import Page, paginate
from app.extensions import db
from app.models import CallbackRequest, CallbackStatus, ConsumerProfile, TopicKind
from app.models.base import utcnow
from app.security.access import ensure_consumer, ensure_organization_row, ensure_organization_user
from workflows.applications.calendar import is_working_day
from workflows.appointments import rules, schedule
from workflows.appointments.booking import parse_day, topics
from workflows.appointments.transitions import callback_transition

PAGE_SIZE = 30


def interval_label(code: str) -> str:
    first, last = rules.CALLBACK_INTERVALS.get(code, ("", ""))
    return f"{first}–{last}" if first else code


def call_days(now: datetime | None = None) -> tuple[date, date]:
    """The first and last day a call may be asked for."""
    today = schedule.local_now(now).date()
    return today, today + timedelta(days=rules.CALLBACK_DAYS_AHEAD - 1)


def prefilled_phone(actor) -> str:
    """«Номер телефона» as the profile has it."""
    return ensure_consumer(actor).user.phone or ""


def _phone(raw: str, errors: dict) -> str:
    if not raw:
        errors["phone"] = _(rules.REQUIRED)
        return ""
    try:
        return normalize_phone(raw)
    except InvalidIdentifier as exc:
        errors["phone"] = _(str(exc))
        return ""


def _day(raw: str, errors: dict, now: datetime | None) -> date | None:
    if not raw:
        errors["day"] = _(rules.REQUIRED)
        return None
    day = parse_day(raw)
    first, last = call_days(now)
    if day is None:
        errors["day"] = _(rules.DATE_FORMAT)
    elif not first <= day <= last:
        errors["day"] = _(rules.CALL_DAY_RANGE).format(first=format_date(first), last=format_date(last))
    elif not is_working_day(day):
        errors["day"] = _(rules.CALL_DAY_OFF)
    return day


def _interval(raw: str, day: date | None, errors: dict, now: datetime | None) -> str:
    if not raw:
        errors["interval"] = _(rules.REQUIRED)
    elif raw not in rules.CALLBACK_INTERVALS:
        errors["interval"] = _(rules.CHOOSE_INTERVAL)
    elif day is not None and "day" not in errors:
        local = schedule.local_now(now)
        ends = datetime.combine(day, datetime.strptime(rules.CALLBACK_INTERVALS[raw][1], "%H:%M").time())
        if ends <= local:
            errors["interval"] = _(rules.INTERVAL_PASSED)
    return raw


def request_callback(actor, fields: dict, now: datetime | None = None) -> CallbackRequest:
    """«Заказать звонок»: checks every field, keeps the request for the staff's queue."""
    consumer = ensure_consumer(actor)
    errors: dict[str, str] = {}
    topic_raw = str(fields.get("topic") or "").strip()
    topic = next((t for t in topics(TopicKind.CALLBACK) if str(t.id) == topic_raw), None)
    if not topic_raw:
        errors["topic"] = _(rules.REQUIRED)
    elif topic is None:
        errors["topic"] = _(rules.CHOOSE_TOPIC)
    phone = _phone(str(fields.get("phone") or "").strip(), errors)
    day = _day(str(fields.get("day") or "").strip(), errors, now)
    interval = _interval(str(fields.get("interval") or "").strip(), day, errors, now)
    comment = str(fields.get("comment") or "").strip()
    if len(comment) > rules.COMMENT_MAX:
        errors["comment"] = _(rules.TOO_LONG).format(n=rules.COMMENT_MAX)
    if errors:
        raise rules.Refused(_(rules.CHECK_FIELDS), errors)
    request = CallbackRequest(consumer_id=consumer.id, topic_id=topic.id, phone=phone, call_day=day,
                              call_interval=interval, comment=comment or None, created_at=now or utcnow())
    db.session.add(request)
    db.session.flush()
    return request


def my_callbacks(actor) -> list[CallbackRequest]:
    """The consumer's callback requests, newest first."""
    consumer = ensure_consumer(actor)
    return list(db.session.scalars(select(CallbackRequest).options(joinedload(CallbackRequest.topic))
                                   .where(CallbackRequest.consumer_id == consumer.id)
                                   .order_by(CallbackRequest.created_at.desc(), CallbackRequest.id.desc())
                                   .limit(100)))


@dataclass
class Queue:
    page: Page
    status: str
    counts: dict[str, int]


def staff_queue(actor, status: str, page_number: int = 1) -> Queue:
    """The staff's queue: new requests first (oldest waiting first), then the rest, newest first;
    `status` filters (empty: all)."""
    ensure_organization_user(actor)
    status = status if status in dict.fromkeys((CallbackStatus.NEW, CallbackStatus.DONE,
                                                CallbackStatus.NOT_REACHED)) else ""
    query = select(CallbackRequest).options(
        joinedload(CallbackRequest.topic), joinedload(CallbackRequest.consumer).joinedload(ConsumerProfile.user))
    if status:
        query = query.where(CallbackRequest.status == status)
    waiting = case((CallbackRequest.status == CallbackStatus.NEW, 0), else_=1)
    pending_first = case((CallbackRequest.status == CallbackStatus.NEW, CallbackRequest.id), else_=-CallbackRequest.id)
    query = query.order_by(waiting, pending_first)
    counts = dict(db.session.execute(select(CallbackRequest.status, func.count()).group_by(CallbackRequest.status)).all())
    return Queue(paginate(query, page_number, PAGE_SIZE), status, counts)


def callback_for_staff(actor, request_id: int) -> CallbackRequest:
    """A callback request for the staff (404 for anyone else)."""
    return ensure_organization_row(actor, db.session.get(CallbackRequest, request_id))


def handle(actor, request_id: int, outcome: str, comment: str, now: datetime | None = None) -> CallbackRequest:
    """«Звонок выполнен» / «Не дозвонились» with the staff's comment."""
    request = ensure_organization_row(actor, db.session.get(CallbackRequest, request_id))
    comment = (comment or "").strip()
    if len(comment) > rules.COMMENT_MAX:
        raise rules.Refused(_(rules.CHECK_FIELDS), {"comment": _(rules.TOO_LONG).format(n=rules.COMMENT_MAX)})
    callback_transition(request, outcome, actor, comment, now)
    return request
