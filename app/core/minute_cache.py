"""Answers the menu asks on every page, kept by each process for a minute.

«Акции» and «Опросы» show in the consumer's menu only while there is something in them; asking
the database on every page cost a statement each. A process keeps such an answer for the rest
of the Moscow day, at most CACHE_SECONDS: an admin's change made in this process is seen at once
(the command calls forget), one made in another process within that time.
"""
import time
from datetime import datetime

from flask import current_app

from app.core.formatting import app_zone

CACHE_SECONDS = 60
_EXTENSION = "kabinet.minute_cache"


def remembered(key: str, build):
    """build()'s answer, asked again after a minute, on another day, or after forget(key)."""
    cache = current_app.extensions.setdefault(_EXTENSION, {})
    day, now = datetime.now(app_zone()).date(), time.monotonic()
    kept = cache.get(key)
    if kept is not None and kept[0] == day and kept[1] > now:
        return kept[2]
    answer = build()
    cache[key] = (day, now + CACHE_SECONDS, answer)
    return answer


def forget(key: str | None = None) -> None:
    """The next page asks again (every answer when `key` is None: tests between themselves)."""
    cache = current_app.extensions.setdefault(_EXTENSION, {})
    if key is None:
        cache.clear()
    else:
        cache.pop(key, None)
