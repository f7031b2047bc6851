"""Reports (F7): applications by status and type, overdue items, processing times,
registrations per day. Aggregates are computed in SQL; processing times stream the status
events once, ordered by the (application_id, at) index.
"""
import statistics
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.core.errors import NotFound
from app.core.formatting import format_date
from app.extensions import db
from app.models import Application, ApplicationEvent, ApplicationType, ConsumerProfile, Status

OVERDUE_LIMIT = 200


def _period(query, column, date_from: date | None, date_to: date | None):
    if date_from:
        query = query.where(column >= datetime.combine(date_from, time.min))
    if date_to:
        query = query.where(column < datetime.combine(date_to + timedelta(days=1), time.min))
    return query


def by_status_and_type(date_from=None, date_to=None) -> list[dict]:
    """Submitted applications counted per type and current status."""
    query = (
        select(ApplicationType.name, Status.name, Status.sort_order, func.count(Application.id))
        .join(ApplicationType, Application.application_type_id == ApplicationType.id)
        .join(Status, Application.status_id == Status.id)
        .where(Status.is_draft.is_(False))
        .group_by(ApplicationType.name, Status.name, Status.sort_order)
        .order_by(ApplicationType.name, Status.sort_order)
    )
    query = _period(query, Application.submitted_at, date_from, date_to)
    return [{"type": t, "status": s, "count": c} for t, s, _order, c in db.session.execute(query)]


def overdue(today: date | None = None) -> list[Application]:
    """Applications whose deadline (B12) has passed in a status that is not final."""
    today = today or date.today()
    return list(db.session.execute(
        select(Application)
        .join(Status, Application.status_id == Status.id)
        .options(joinedload(Application.status), joinedload(Application.application_type),
                 joinedload(Application.consumer))
        .where(Application.due_on < today, Status.is_final.is_(False), Status.is_draft.is_(False))
        .order_by(Application.due_on).limit(OVERDUE_LIMIT)
    ).scalars())


def percentile(values: list[float], p: float) -> float:
    """Linear-interpolated percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def processing_times(date_from=None, date_to=None) -> list[dict]:
    """Per status: how long applications stayed in it (days) — count, median, 90th percentile.

    A stay starts with the status event that entered the status and ends with the next
    status event of the same application; stays not yet ended are left out.
    """
    query = (
        select(ApplicationEvent.application_id, ApplicationEvent.at, ApplicationEvent.to_status_id,
               ApplicationEvent.status_name)
        .where(ApplicationEvent.kind == "status")
        .order_by(ApplicationEvent.application_id, ApplicationEvent.at, ApplicationEvent.id)
    )
    query = _period(query, ApplicationEvent.at, date_from, date_to)
    stays: dict[str, list[float]] = defaultdict(list)
    previous = None
    for row in db.session.execute(query.execution_options(yield_per=1000)):
        if previous is not None and previous.application_id == row.application_id:
            name = previous.status_name or str(previous.to_status_id)
            stays[name].append((row.at - previous.at).total_seconds() / 86400)
        previous = row
    result = []
    for name, values in stays.items():
        result.append({"status": name, "count": len(values), "median_days": round(statistics.median(values), 2),
                       "p90_days": round(percentile(values, 90), 2)})
    return sorted(result, key=lambda r: r["status"])


def registrations_per_day(date_from=None, date_to=None) -> list[dict]:
    """New consumers per calendar day (UTC)."""
    day = func.date(ConsumerProfile.created_at)
    query = select(day, func.count(ConsumerProfile.id)).group_by(day).order_by(day)
    query = _period(query, ConsumerProfile.created_at, date_from, date_to)
    return [{"day": d if isinstance(d, date) else date.fromisoformat(str(d)), "count": c}
            for d, c in db.session.execute(query)]


#: the reports of «Отчеты», in page order; each is also a CSV (/admin/reports/<kind>.csv)
REPORTS = ("by-status", "overdue", "processing", "registrations")


def report_table(kind: str, date_from=None, date_to=None) -> tuple[list[str], list[list]]:
    """(header, rows) of one report, the same for the page and the CSV; NotFound for no such report."""
    if kind == "by-status":
        data = by_status_and_type(date_from, date_to)
        return ["Тип заявки", "Статус", "Количество"], [[r["type"], r["status"], r["count"]] for r in data]
    if kind == "overdue":
        today = date.today()
        return (["Номер", "Тип заявки", "Заявитель", "Статус", "Срок", "Просрочено, дней"],
                [[a.number or f"№{a.id}", a.application_type.name, a.consumer.display_name, a.display_status,
                  format_date(a.due_on), (today - a.due_on).days] for a in overdue(today)])
    if kind == "processing":
        data = processing_times(date_from, date_to)
        return (["Статус", "Переходов", "Медиана, дней", "90-й процентиль, дней"],
                [[r["status"], r["count"], r["median_days"], r["p90_days"]] for r in data])
    if kind == "registrations":
        data = registrations_per_day(date_from, date_to)
        return ["Дата", "Регистраций"], [[format_date(r["day"]), r["count"]] for r in data]
    raise NotFound()
