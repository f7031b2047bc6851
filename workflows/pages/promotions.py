"""«Акции» (E6): which promotions run today, and the menu's cheap question whether any does.

Kept apart from the rest of the pages area so that publishing a page (service.py) can tell
the menu a promotion changed without importing the sections."""
import time
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from app.core.formatting import app_zone
from app.extensions import db
from app.models import InfoPage

PROMOTION = "promotion"
#: how long one process trusts its answer to «is there a current promotion?» (the menu asks on
#: every page); an admin's change in this process is seen at once, in another within this time
CACHE_SECONDS = 60
_CACHE_KEY = "kabinet.current_promotions"


def moscow_today() -> date:
    """The organization's date now (promotions start and end by it)."""
    return datetime.now(app_zone()).date()


def running_on(day: date) -> tuple:
    """The conditions of a promotion running on `day` (both ends included)."""
    return (InfoPage.starts_on <= day, InfoPage.ends_on >= day)


def has_current_promotions() -> bool:
    """Whether «Акции» has anything to show today; the menu hides the entry otherwise.
    One small query a minute per process, not one a page."""
    today, now = moscow_today(), time.monotonic()
    cached = current_app.extensions.get(_CACHE_KEY)
    if cached and cached[0] == today and cached[1] > now:
        return cached[2]
    answer = db.session.execute(
        select(InfoPage.id).where(InfoPage.section == PROMOTION, InfoPage.published_version_id.is_not(None),
                                  *running_on(today)).limit(1)
    ).first() is not None
    current_app.extensions[_CACHE_KEY] = (today, now + CACHE_SECONDS, answer)
    return answer


def forget_current_promotions(page: InfoPage | None = None) -> None:
    """A promotion changed (any page when `page` is None): the next page asks the database again."""
    if page is None or page.section == PROMOTION:
        current_app.extensions.pop(_CACHE_KEY, None)
