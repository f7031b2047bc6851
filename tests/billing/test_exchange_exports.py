"""The export stream to the billing system (D1): stamping, cursor reads that never skip or repeat
a row, CSV/JSON, and the admin page «Выгрузка в биллинг»."""
import csv
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from app.core.settings import get_setting
from app.extensions import db
from app.models import AuditRecord, ExportItem
from app.security.roles import ADMIN, CONSUMER, ORG_ADMIN, STAFF
from tests.factories import make_consumer, make_staff
from workflows.billing import exports

BASE = "/billing/exports/"


@pytest.fixture
def users(ctx):
    return {ADMIN: make_staff(ADMIN), ORG_ADMIN: make_staff(ORG_ADMIN), STAFF: make_staff(STAFF),
            CONSUMER: make_consumer(), None: None}


def _items(kind: str, n: int, start: int = 0) -> list[int]:
    ids = [exports.record(kind, {"number": f"N-{start + i}", "amount": Decimal("1234.50")}).id for i in range(n)]
    db.session.commit()
    return ids


def _read_all(kind: str, after: int, limit: int) -> tuple[list[str], int]:
    """Pages of `limit` until nothing is left, each read in its own transaction."""
    numbers = []
    while True:
        items, after_next = exports.read(kind, after, limit)
        numbers += [item.payload["number"] for item in items]
        db.session.commit()
        if after_next == after:
            return numbers, after
        after = after_next


def test_pages_never_skip_or_repeat_and_new_rows_follow(ctx):
    _items("data_changes", 5)
    _items("readings", 2)  # another kind: its own stream
    numbers, cursor = _read_all("data_changes", 0, 2)
    assert numbers == [f"N-{i}" for i in range(5)] and cursor == 5
    _items("data_changes", 3, start=5)
    again, cursor = _read_all("data_changes", cursor, 2)
    assert again == ["N-5", "N-6", "N-7"] and cursor == 8
    assert exports.read("data_changes", 8, 10) == ([], 8)
    assert _read_all("readings", 0, 10)[0] == ["N-0", "N-1"]


def test_an_item_committed_late_after_a_higher_id_appears_exactly_once(ctx):
    """The late transaction is played by an item whose id is below ones already stamped."""
    ids = _items("appeals", 2, start=10)
    numbers, cursor = _read_all("appeals", 0, 10)
    assert numbers == ["N-10", "N-11"]
    late = ExportItem(id=ids[0] - 1 if ids[0] > 1 else 0, kind="appeals", payload={"number": "late"})
    db.session.add(late)
    db.session.commit()
    assert exports.waiting("appeals", cursor) == 1
    numbers, cursor = _read_all("appeals", cursor, 10)
    assert numbers == ["late"] and cursor == 3
    assert _read_all("appeals", 0, 1)[0] == ["N-10", "N-11", "late"]


def test_a_transaction_still_open_while_exporting_is_exported_later(app, ctx):
    """Two real transactions (PostgreSQL): the earlier id commits after a later one was exported."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: the late commit is the test above")
    with db.engine.connect() as other:
        other.execute(text("INSERT INTO billing_export_item (kind, payload, created_at) "
                           "VALUES ('payments', '{\"number\": \"slow\"}', now())"))
        _items("payments", 1, start=20)
        numbers, cursor = _read_all("payments", 0, 10)
        assert numbers == ["N-20"]
        other.commit()
    numbers, cursor = _read_all("payments", cursor, 10)
    assert numbers == ["slow"] and cursor == 2


def test_record_keeps_machine_values(ctx):
    item = exports.record("data_changes", {"date": date(2026, 3, 1), "area": Decimal("54.30"),
                                           "changes": [{"field": "rooms", "old": 2, "new": 3}]})
    assert item.payload == {"date": "2026-03-01", "area": "54.30", "changes": [{"field": "rooms", "old": 2, "new": 3}]}
    with pytest.raises(ValueError):
        exports.record("nonsense", {})


def test_csv_and_json_formats(ctx):
    exports.record("data_changes", {"number": "=cmd", "amount": "-12.50", "flag": True, "changes": [{"a": 1}]})
    db.session.commit()
    result = exports.download("data_changes", 0, 10, "csv", token=object())
    assert result.body.startswith("\ufeff") and result.next_cursor == 1 and result.count == 1
    rows = list(csv.reader(io.StringIO(result.body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["seq", "created_at", "number", "amount", "flag", "changes"]
    assert rows[1][0] == "1" and rows[1][2:] == ["'=cmd", "-12.50", "1", '[{"a": 1}]']
    data = json.loads(exports.download("data_changes", 0, 10, "json", token=object()).body)
    assert data["next_cursor"] == 1 and data["items"][0]["number"] == "=cmd" and data["items"][0]["seq"] == 1


@pytest.mark.parametrize("after, limit, message", [
    ("-1", "10", "Курсор должен быть целым числом не меньше 0."),
    ("x", "10", "Курсор должен быть целым числом не меньше 0."),
    ("0", "0", "Количество строк должно быть целым числом от 1 до 10000."),
    ("0", "abc", "Количество строк должно быть целым числом от 1 до 10000."),
])
def test_bad_cursor_or_limit(ctx, after, limit, message):
    from app.core.errors import Invalid

    with pytest.raises(Invalid, match=message):
        exports.parse_cursor(after, limit)


@pytest.mark.parametrize("role", [ORG_ADMIN, ADMIN])
def test_admin_downloads_and_the_page_remembers_the_cursor(client, login, users, role):
    _items("data_changes", 3)
    login(users[role])
    page = client.get(BASE).get_data(as_text=True)
    assert "Выгрузка в биллинг" in page and "Заявления на изменение данных" in page
    response = client.post(BASE + "data_changes/download", data={
        "data_changes-after": "0", "data_changes-limit": "2", "data_changes-file_format": "csv"})
    assert response.status_code == 200 and response.headers["X-Next-Cursor"] == "2"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True).count("N-") == 2
    assert get_setting(exports.CURSOR_SETTING.format(kind="data_changes")) == 2
    page = client.get(BASE).get_data(as_text=True)
    assert re.search(r'name="data_changes-after"[^>]*value="2"', page)
    response = client.post(BASE + "data_changes/download", data={
        "data_changes-after": "2", "data_changes-limit": "10", "data_changes-file_format": "json"})
    assert [item["number"] for item in response.get_json()["items"]] == ["N-2"]
    assert len(db.session.scalars(select(AuditRecord).where(AuditRecord.action == "billing_export.download")).all()) == 2


def test_invalid_download_form_says_why_under_the_field_and_keeps_what_was_typed(client, login, users):
    _items("data_changes", 1)
    login(users[ORG_ADMIN])
    response = client.post(BASE + "data_changes/download", data={
        "data_changes-after": "-5", "data_changes-limit": "99999", "data_changes-file_format": "csv"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Курсор — целое число не меньше 0" in page and "От 1 до 10000 строк" in page
    assert re.search(r'name="data_changes-after"[^>]*value="-5"', page)
    assert re.search(r'name="data_changes-limit"[^>]*value="99999"', page)
    db.session.expire_all()
    assert db.session.scalar(select(ExportItem.seq)) is None  # nothing stamped, nothing remembered
    assert get_setting(exports.CURSOR_SETTING.format(kind="data_changes"), None) is None
    assert client.post(BASE + "nonsense/download", data={}).status_code == 404


@pytest.mark.parametrize("role", [STAFF, CONSUMER, None])
def test_others_cannot_see_or_download(client, login, users, role):
    _items("data_changes", 1)
    if role:
        login(users[role])
    for response in (client.get(BASE), client.post(BASE + "data_changes/download", data={
            "data_changes-after": "0", "data_changes-limit": "10", "data_changes-file_format": "csv"})):
        if role is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            assert response.status_code == 403
    db.session.expire_all()
    assert db.session.scalar(select(ExportItem.seq)) is None
