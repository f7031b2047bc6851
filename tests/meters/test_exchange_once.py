"""Every reading stored in the portal reaches the billing exactly once (issue 14): a consumer's
reading, its replacement, a staff entry and a staff correction each make one export item, read
through the cursor (exports.read in small pages, then the admins' download) with none repeated and
none skipped; a refused attempt makes none. Then the billing sends the accepted ones back with
`portal_id` and the staff page shows them «Принято к расчету»."""
import csv
import io
from datetime import date

import pytest
import time_machine
from sqlalchemy import select

from app.extensions import db
from app.models import MeterReading
from forms.meters.submit import seen_field, seen_value, value_field
from tests.billing.test_import_samples import import_file
from tests.meters.test_staff_access import INSIDE, REASON, build_world
from workflows.billing import exports


@pytest.fixture
def world(ctx):
    with time_machine.travel(INSIDE, tick=False):
        yield build_world()


def _stored_since(first_id: int) -> list[MeterReading]:
    db.session.expire_all()
    return db.session.scalars(select(MeterReading).where(MeterReading.id >= first_id)
                              .order_by(MeterReading.id)).all()


def _read_in_pages(after: int) -> tuple[list[dict], int]:
    """Everything after `after`, two rows a read, as a billing program would page through it."""
    rows = []
    while True:
        items, cursor = exports.read("readings", after, 2)
        db.session.commit()
        if not items:
            return rows, after
        rows += [exports.item_dict(item) for item in items]
        after = cursor


def _download(client, after: int) -> tuple[list[dict], int]:
    response = client.post("/billing/exports/readings/download", data={
        "readings-after": str(after), "readings-limit": "100", "readings-file_format": "csv"})
    assert response.status_code == 200
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text), delimiter=";")), int(response.headers["X-Next-Cursor"])


def _billing_file(rows: list[dict], live_ids: set[int]) -> bytes:
    """The billing's readings file accepting the live ones, each naming the portal's id."""
    lines = ["reading;meter;period;taken_on;t1;t2;t3;portal_id"]
    for row in rows:
        if int(row["reading_id"]) in live_ids:
            period, taken = date.fromisoformat(row["period"]), date.fromisoformat(row["taken_on"])
            lines.append(f"B-{row['reading_id']};{row['meter_external_id']};{period:%m.%Y};{taken:%d.%m.%Y};"
                         f"{row['t1']};{row.get('t2') or ''};{row.get('t3') or ''};{row['reading_id']}")
    return ("\n".join(lines) + "\n").encode("cp1251")


def test_each_stored_reading_is_exported_once_and_comes_back_accepted(client, login, world):
    first_id = max(r.id for r in _stored_since(0)) + 1
    consumer_url = f"/personal-accounts/{world.account.id}/readings"
    two = world.two
    login(world.owner)
    sent = {value_field(two.id, "T1"): "620", value_field(two.id, "T2"): "350", seen_field(two.id): seen_value(None)}
    assert client.post(consumer_url, data=sent).status_code == 302
    live = _stored_since(first_id)[-1]
    again = dict(sent, **{value_field(two.id, "T1"): "625", seen_field(two.id): seen_value(live)})
    assert client.post(consumer_url, data=again).status_code == 302  # replaced within the window
    first_rows, cursor = _read_in_pages(0)
    assert len(first_rows) == 2

    login(world.staff)
    base = world.base
    assert client.post(f"{base}/meters/{world.meter.id}/enter",
                       data={"T1": "1490", "seen": str(world.sent.id)}).status_code == 302
    entered = _stored_since(first_id)[-1]
    assert client.post(f"{base}/readings/{entered.id}/correct", data={"T1": "1488", "reason": REASON}).status_code == 302
    refused = client.post(f"{base}/readings/{entered.id}/correct", data={"T1": "1487", "reason": ""})
    assert refused.status_code == 400  # the corrected reading is history now: nothing stored
    assert client.post(f"{base}/meters/{two.id}/enter", data={"T1": "abc", "T2": "1", "seen": ""}).status_code == 400

    login(world.admin)
    later_rows, cursor = _download(client, cursor)
    assert _read_in_pages(cursor) == ([], cursor) and _download(client, cursor)[0] == []

    stored = _stored_since(first_id)
    exported_ids = [int(row["reading_id"]) for row in first_rows] + [int(row["reading_id"]) for row in later_rows]
    assert sorted(exported_ids) == [r.id for r in stored] and len(stored) == 4  # each once, none skipped
    replaces = {int(row["reading_id"]): row["replaces"] for row in later_rows}
    assert [str(r) if r else None for r in (first_rows[0]["replaces"], first_rows[1]["replaces"])] == \
        [None, str(first_rows[0]["reading_id"])]
    assert replaces == {entered.id: str(world.sent.id), stored[-1].id: str(entered.id)}
    assert stored[-1].change_reason == REASON and later_rows[-1]["source"] == "staff"

    live_ids = {r.id for r in stored if r.superseded_at is None}
    run = import_file("readings", "accepted.csv", _billing_file(first_rows + later_rows, live_ids))
    assert (run.errors, run.updated, run.created) == (0, 2, 0)
    accepted = {r.id: r.accepted for r in _stored_since(first_id)}
    assert accepted == {r.id: r.id in live_ids for r in stored}
    login(world.staff)
    page = client.get(f"{base}/meters").get_data(as_text=True)
    for reading_id in live_ids:
        row = page[page.index(f'data-test="reading" data-id="{reading_id}"'):]
        assert 'data-test="accepted"' in row[:row.index("</tr>")]
