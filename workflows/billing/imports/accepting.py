"""Readings the billing accepted that were made in the portal (issue 14): the billing sends back
the rows of the readings kind with `portal_id` — the id the export gave the reading — and the
portal marks that reading «принято к расчету» instead of storing a copy of it (the same reading
twice would show twice in the history and the statistics).

A row is refused, with its reason, when the id names no reading made in the portal, a reading of
another meter, or values other than the portal's (the billing's own corrected value comes as a
row of its own, without `portal_id`). One SELECT and one UPDATE … WHERE id IN per batch.
"""
from sqlalchemy import Integer, bindparam, func, select, update
from sqlalchemy.dialects import postgresql

from app.models import MeterReading
from app.models.billing import ReadingSource
from workflows.billing.imports.values import RowError

PORTAL_SOURCES = (ReadingSource.CONSUMER, ReadingSource.STAFF)
ZONES = ("t1", "t2", "t3")
READINGS = MeterReading.__table__
NOT_FOUND = "Показание портала с таким номером не найдено"
OTHER_METER = "Показание портала {id} относится к другому прибору учета"
OTHER_VALUES = "Значения не совпадают с показанием портала {id}: {zones}"


def _ids_among(conn, ids: set[int]):
    if conn.dialect.name == "postgresql":  # one statement text whatever the count
        return READINGS.c.id == func.any(bindparam(None, sorted(ids), type_=postgresql.ARRAY(Integer)))
    return READINGS.c.id.in_(sorted(ids))


def _fault(reading, row: dict) -> RowError | None:
    """Why this row cannot accept `reading` (None: it can)."""
    if reading is None:
        return RowError(NOT_FOUND, "portal_id")
    if reading.meter_id != row["meter_id"]:
        return RowError(OTHER_METER.format(id=reading.id), "meter")
    differing = [zone.upper() for zone in ZONES if getattr(reading, zone) != row.get(zone)]
    if differing:
        return RowError(OTHER_VALUES.format(id=reading.id, zones=", ".join(differing)), differing[0].lower())
    return None


def mark_accepted(conn, parsed: list, refuse) -> tuple[list, int, int]:
    """Take the rows naming a portal reading out of `parsed` and mark those readings accepted.
    `refuse(number, source, RowError)` keeps a refused row. Returns (the rows left to store as the
    billing's own readings, readings marked now, rows whose reading was accepted already)."""
    naming = [item for item in parsed if item[2].get("@portal_id") is not None]
    if not naming:
        return parsed, 0, 0
    ids = {row["@portal_id"] for _, _, row in naming}
    found = {reading.id: reading for reading in conn.execute(
        select(READINGS.c.id, READINGS.c.meter_id, READINGS.c.accepted, *(READINGS.c[z] for z in ZONES))
        .where(_ids_among(conn, ids), READINGS.c.source.in_(PORTAL_SOURCES)))}
    accept: set[int] = set()
    unchanged = 0
    for number, source, row in naming:
        reading = found.get(row["@portal_id"])
        fault = _fault(reading, row)
        if fault is not None:
            refuse(number, source, fault)
        elif reading.accepted or reading.id in accept:
            unchanged += 1
        else:
            accept.add(reading.id)
    if accept:
        conn.execute(update(READINGS).where(_ids_among(conn, accept)).values(accepted=True))
    return [item for item in parsed if item[2].get("@portal_id") is None], len(accept), unchanged
