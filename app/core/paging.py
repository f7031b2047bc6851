"""One way to page a list: LIMIT n+1 (no COUNT over the whole table, so a page costs the
same at ten thousand rows and at a million) and a forgiving ?page= argument.

    page = paginate(select(Notification).where(...).order_by(...), page_number(), 20)
    page.items, page.page, page.has_prev, page.has_next

A list that shows a few columns selects those columns and passes `make`, which turns each
result row into an item, instead of loading whole ORM objects.
"""
from collections.abc import Callable
from dataclasses import dataclass

from flask import request

from app.extensions import db


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def page_number(name: str = "page") -> int:
    """The 1-based page asked for; anything that is not a positive number is page 1."""
    try:
        return max(int(request.args.get(name, 1)), 1)
    except (TypeError, ValueError):
        return 1


def paginate(query, page: int, per_page: int, *, make: Callable | None = None) -> Page:
    page = max(page, 1)
    query = query.limit(per_page + 1).offset((page - 1) * per_page)
    if make is None:
        rows = db.session.scalars(query).unique().all()
    else:
        rows = [make(row) for row in db.session.execute(query)]
    return Page(items=rows[:per_page], page=page, per_page=per_page, has_next=len(rows) > per_page)
