"""«Уведомления» (E7): the signed-in user's notices with filters, read and unread.

Every query starts from the user's id, so the indexes (user_id, created_at) and
(user_id, read_at, created_at) serve each list and the unread count at any number of rows.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select, update

from app.core.formatting import app_zone
from app.core.paging import Page, paginate
from app.extensions import db
from app.models import Notification
from app.models.base import utcnow
from app.security.access import ensure_own_notification
from workflows.notifications.kinds import KIND_CODES, templates_of

PER_PAGE = 20

#: «Показать»: what each choice keeps (None: everything)
READ_STATES = ("all", "unread", "read")


@dataclass(frozen=True)
class HistoryFilter:
    """What the history shows: read state, a period (Moscow dates, inclusive) and a kind of event."""

    state: str = "all"
    since: date | None = None
    until: date | None = None
    kind: str | None = None

    def __post_init__(self):
        if self.state not in READ_STATES:
            object.__setattr__(self, "state", "all")
        if self.kind not in KIND_CODES:
            object.__setattr__(self, "kind", None)


def _utc(day: date) -> datetime:
    """Moscow midnight of `day` as the naive UTC the notices are stored in."""
    return datetime.combine(day, time.min, tzinfo=app_zone()).astimezone(timezone.utc).replace(tzinfo=None)


def filtered(user_id: int, chosen: HistoryFilter):
    query = select(Notification).where(Notification.user_id == user_id)
    if chosen.state == "unread":
        query = query.where(Notification.read_at.is_(None))
    elif chosen.state == "read":
        query = query.where(Notification.read_at.is_not(None))
    if chosen.since is not None:
        query = query.where(Notification.created_at >= _utc(chosen.since))
    if chosen.until is not None:
        query = query.where(Notification.created_at < _utc(chosen.until + timedelta(days=1)))
    if chosen.kind is not None:
        query = query.where(Notification.template.in_(templates_of(chosen.kind)))
    return query


def notices(user, chosen: HistoryFilter, page: int) -> Page:
    """The user's notices that pass the filter, newest first, one page."""
    query = filtered(user.id, chosen).order_by(Notification.created_at.desc(), Notification.id.desc())
    return paginate(query, page, PER_PAGE)


def unread_count(user) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))


def read_notice(user, notice_id: int) -> Notification:
    """The user opened a notice or chose «Отметить как прочитанное»: it is read from now on
    (404 for anyone else's)."""
    notice = ensure_own_notification(user, notice_id)
    if notice.read_at is None:
        notice.read_at = utcnow()
    return notice


def mark_unread(user, notice_id: int) -> None:
    """«Отметить как непрочитанное»."""
    ensure_own_notification(user, notice_id).read_at = None


def mark_all_read(user) -> int:
    """«Отметить все как прочитанные»: how many notices that changed."""
    result = db.session.execute(
        update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount
