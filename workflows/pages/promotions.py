"""«Акции» (E6): which promotions run today, and the menu's cheap question whether any does.

Kept apart from the rest of the pages area so that publishing a page (service.py) can tell
the menu a promotion changed without importing the sections."""
from datetime import date, datetime

from sqlalchemy import select

from app.core.formatting import app_zone
from app.core.minute_cache import forget, remembered
from app.extensions import db
from app.models import InfoPage

PROMOTION = "promotion"
_CACHE_KEY = "kabinet.current_promotions"


def moscow_today() -> date:
    """The organization's date now (promotions start and end by it)."""
    return datetime.now(app_zone()).date()


def running_on(day: date) -> tuple:
    """The conditions of a promotion running on `day` (both ends included)."""
    return (InfoPage.starts_on <= day, InfoPage.ends_on >= day)


def has_current_promotions() -> bool:
    """Whether «Акции» has anything to show today; the menu hides the entry otherwise.
    One small query a minute per process, not one a page (app/core/minute_cache.py)."""
    return remembered(_CACHE_KEY, lambda: db.session.execute(
        select(InfoPage.id).where(InfoPage.section == PROMOTION, InfoPage.published_version_id.is_not(None),
                                  *running_on(moscow_today())).limit(1)
    ).first() is not None)


def forget_current_promotions(page: InfoPage | None = None) -> None:
    """A promotion changed (any page when `page` is None): the next page asks the database again."""
    if page is None or page.section == PROMOTION:
        forget(_CACHE_KEY)
