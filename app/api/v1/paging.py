"""Cursor pagination of the API's lists: keyset pages, newest first, with an opaque signed cursor.

    @api.arguments(CursorArgs, location="query")
    @api.response(200, page_schema(ItemSchema))
    def items(user, args):
        return cursor_page(query, (Model.created_at, Model.id), args)

The keys are the query's order, descending, the last one unique (the id); a page is read with one
indexed query of `limit + 1` rows, whatever the page's depth. The cursor is the last row's keys,
signed (a changed one is refused as 400, never reaches SQL as something else).
"""
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from marshmallow import Schema, fields, validate
from sqlalchemy import Date, DateTime, tuple_

from app.core.errors import Invalid
from app.extensions import db

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
SALT = "kabinet-api-cursor"


class CursorArgs(Schema):
    cursor = fields.String(metadata={"description": "next_cursor предыдущей страницы"})
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT),
                           metadata={"description": f"Сколько записей на странице (1–{MAX_LIMIT})"})


_page_schemas: dict = {}


def page_schema(item_schema: type) -> type:
    """{"items": [item…], "next_cursor": "…" | null} of one item schema (one class per item schema)."""
    if item_schema not in _page_schemas:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _page_schemas[item_schema] = type(name, (Schema,), {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "next_cursor": fields.String(required=True, allow_none=True,
                                         metadata={"description": "null — страниц больше нет"}),
        })
    return _page_schemas[item_schema]


@dataclass(frozen=True)
class CursorPage:
    items: list
    next_cursor: str | None


class CursorRefused(Invalid):
    def __init__(self):
        super().__init__("Неверный курсор страницы: начните список сначала.")
        self.field_errors = {"cursor": "Неверный курсор."}


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _plain(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _typed(column, value):
    if isinstance(column.type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    return value


def _after(columns, cursor: str):
    try:
        values = _serializer().loads(cursor)
        if not isinstance(values, list) or len(values) != len(columns):
            raise ValueError
        return tuple_(*columns) < tuple_(*(_typed(c, v) for c, v in zip(columns, values)))
    except (BadSignature, ValueError, TypeError):
        raise CursorRefused() from None


def cursor_page(query, columns: tuple, args: dict, *, rows=None) -> CursorPage:
    """One page of `query` (a select of whole rows, or of named columns with `rows`=execute)."""
    limit = args.get("limit", DEFAULT_LIMIT)
    if args.get("cursor"):
        query = query.where(_after(columns, args["cursor"]))
    query = query.order_by(*(column.desc() for column in columns)).limit(limit + 1)
    found = list((rows or db.session.scalars)(query))
    more = len(found) > limit
    found = found[:limit]
    next_cursor = None
    if more:
        last = found[-1]
        next_cursor = _serializer().dumps([_plain(getattr(last, column.key)) for column in columns])
    return CursorPage(found, next_cursor)
