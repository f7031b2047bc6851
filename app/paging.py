"""One way to page a list: LIMIT n+1 (no COUNT over the whole table, so a page costs the
same at ten thousand rows and at a million) and a forgiving ?page= argument.

    page = paginate(select(Notification).where(...).order_by(...), page_number(), 20)
    page.items, page.page, page.has_prev, page.has_next
"""
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


def paginate(query, page: int, per_page: int) -> Page:
    page = max(page, 1)
    rows = db.session.scalars(query.limit(per_page + 1).offset((page - 1) * per_page)).unique().all()
    return Page(items=rows[:per_page], page=page, per_page=per_page, has_next=len(rows) > per_page)
