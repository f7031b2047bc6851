"""Russian formats: dates DD.MM.YYYY, money «1 234,56 руб.», shown in the local time zone."""
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import Flask, current_app

NBSP = "\u00a0"


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def app_zone(app=None) -> ZoneInfo:
    """The portal's time zone (BABEL_DEFAULT_TIMEZONE), of `app` or the current app."""
    return _zone((app or current_app).config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Moscow"))


def _local(value: datetime, zone: ZoneInfo | None = None) -> datetime:
    zone = zone or app_zone()
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(zone)


def format_date(value: date | datetime | str | None, zone: ZoneInfo | None = None) -> str:
    """DD.MM.YYYY; also for a date kept as ISO text in JSON (the stage tracker's «2026-03-01»)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = _local(value, zone)
    return value.strftime("%d.%m.%Y")


def format_datetime(value: datetime | None, zone: ZoneInfo | None = None) -> str:
    if value is None:
        return ""
    return _local(value, zone).strftime("%d.%m.%Y %H:%M")


def format_money(value, currency: str = "руб.") -> str:
    """1234.5 → «1 234,50 руб.» (thin grouping with a no-break space)."""
    if value is None:
        return ""
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    whole, _, cents = f"{abs(amount):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{NBSP.join(groups)},{cents}{NBSP}{currency}".strip()


def register(app: Flask) -> None:
    # the zone looked up once, not on every date of a list (a page of twenty rows has sixty)
    zone = app_zone(app)
    app.add_template_filter(lambda value: format_date(value, zone), "ru_date")
    app.add_template_filter(lambda value: format_datetime(value, zone), "ru_datetime")
    app.add_template_filter(format_money, "money")
