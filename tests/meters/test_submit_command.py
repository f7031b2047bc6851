"""submit_readings for one account: stored, replaced, refused, asked — and exported once each."""
import base64
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from werkzeug.datastructures import FileStorage
from sqlalchemy import func, select

from app.core.errors import Conflict, Invalid
from app.extensions import db
from app.models import AuditRecord, ExportItem, MeterReading, StoredFile
from app.models.billing.accounts import ReadingSource
from app.security.roles import STAFF
from tests.billing import builders as b
from tests.factories import make_consumer, make_staff
from workflows.meters import rules
from workflows.meters.readings import ReadingInput, readings_form, submit_readings

#: inside the default branch's window (15–25), Moscow noon
INSIDE = datetime(2026, 3, 20, 9, 0)


def _reading(meter, period, t1, *, source=ReadingSource.BILLING, t2=None, **fields):
    row = MeterReading(meter_id=meter.id, period=period, taken_on=period.replace(day=20), source=source,
                       t1=Decimal(t1), t2=Decimal(t2) if t2 else None, **fields)
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def setup(ctx):
    class S:
        user = make_consumer()
        account = b.account()
    S.meter = b.meter(S.account)
    b.link(S.user, S.account)
    for month, value in ((10, "1000"), (11, "1100"), (12, "1200")):
        _reading(S.meter, date(2025, month, 1), value)
    _reading(S.meter, date(2026, 1, 1), "1300")
    _reading(S.meter, date(2026, 2, 1), "1400")
    b.commit()
    return S


def _live(meter):
    return db.session.scalars(select(MeterReading).where(MeterReading.meter_id == meter.id,
                                                         MeterReading.superseded_at.is_(None),
                                                         MeterReading.source == "consumer")).all()


def _exported():
    return [item.payload for item in db.session.scalars(select(ExportItem).where(ExportItem.kind == "readings"))]


def test_a_reading_is_stored_exported_and_audited_once(setup):
    out = submit_readings(setup.user, setup.account, [ReadingInput(setup.meter.id, {"T1": "1 480,0"})], now=INSIDE)
    assert out.ok() and len(out.stored) == 1
    reading = out.stored[0]
    assert (reading.t1, reading.period, reading.taken_on, reading.source) == (
        Decimal("1480"), date(2026, 3, 1), date(2026, 3, 20), "consumer")
    payloads = _exported()
    assert len(payloads) == 1
    assert payloads[0]["reading_id"] == reading.id and payloads[0]["replaces"] is None
    assert payloads[0]["meter_external_id"] == setup.meter.external_id
    assert payloads[0]["account_number"] == setup.account.number and payloads[0]["t1"] == "1480"
    assert db.session.scalar(select(func.count()).select_from(AuditRecord)
                             .where(AuditRecord.action == "meter_reading.submit")) == 1


def test_a_replacement_supersedes_and_exports_the_new_one_only(setup):
    first = submit_readings(setup.user, setup.account, [ReadingInput(setup.meter.id, {"T1": "1480"})],
                            now=INSIDE).stored[0]
    form = readings_form(setup.account, now=INSIDE)
    assert form.meters[0].live.id == first.id
    out = submit_readings(setup.user, setup.account,
                          [ReadingInput(setup.meter.id, {"T1": "1490"}, seen_live_id=first.id)], now=INSIDE)
    second = out.stored[0]
    db.session.expire_all()
    assert [r.id for r in _live(setup.meter)] == [second.id]
    old = db.session.get(MeterReading, first.id)
    assert old.superseded_at is not None and old.superseded_by_id == second.id
    assert second.change_reason == rules.REPLACED_BY_CONSUMER
    assert [p["replaces"] for p in _exported()] == [None, first.id]


def test_a_page_rendered_before_someone_else_replaced_it_is_refused(setup):
    submit_readings(setup.user, setup.account, [ReadingInput(setup.meter.id, {"T1": "1480"})], now=INSIDE)
    with pytest.raises(Conflict):
        submit_readings(setup.user, setup.account,
                        [ReadingInput(setup.meter.id, {"T1": "1490"}, seen_live_id=None)], now=INSIDE)


def test_lower_than_previous_is_refused_and_nothing_stored(setup):
    out = submit_readings(setup.user, setup.account, [ReadingInput(setup.meter.id, {"T1": "1399"})], now=INSIDE)
    assert out.errors == {(setup.meter.id, "T1"): rules.LOWER} and not out.stored
    assert _live(setup.meter) == [] and _exported() == []


def test_outside_the_window_says_the_branch_days(setup):
    with pytest.raises(Invalid) as refused:
        submit_readings(setup.user, setup.account, [ReadingInput(setup.meter.id, {"T1": "1480"})],
                        now=datetime(2026, 3, 26, 9, 0))
    assert "в период с 15 по 25 число" in refused.value.message


def test_staff_are_not_bound_by_the_window(setup):
    outside = datetime(2026, 3, 28, 9, 0)
    staff = make_staff(STAFF)
    out = submit_readings(staff, setup.account, [ReadingInput(setup.meter.id, {"T1": "1450"})],
                          source=ReadingSource.STAFF, reason="По телефону", now=outside)
    assert out.ok() and (out.stored[0].source, out.stored[0].period) == ("staff", date(2026, 3, 1))
    assert readings_form(setup.account, now=outside, source=ReadingSource.STAFF).meters[0].can_submit
    assert not readings_form(setup.account, now=outside).meters[0].can_submit


#: a 1×1 PNG
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def _photo(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=BytesIO(data), filename=name, content_type="image/png")


def test_a_photo_is_kept_as_evidence(setup):
    out = submit_readings(setup.user, setup.account,
                          [ReadingInput(setup.meter.id, {"T1": "1480"}, photo=_photo(PNG, "meter.png"))], now=INSIDE)
    photo = db.session.get(StoredFile, out.stored[0].photo_id)
    assert photo.content_type == "image/png" and photo.original_name == "meter.png"


@pytest.mark.parametrize("data, name, message", [
    (b"%PDF-1.4 not a photo", "meter.pdf", rules.PHOTO_TYPE),
    (b"not really a picture", "meter.png", "Содержимое файла не соответствует его типу"),
])
def test_a_photo_that_is_not_one_stores_nothing(setup, data, name, message):
    out = submit_readings(setup.user, setup.account,
                          [ReadingInput(setup.meter.id, {"T1": "1480"}, photo=_photo(data, name))], now=INSIDE)
    assert out.errors == {(setup.meter.id, "photo"): message} and not out.stored
    assert _live(setup.meter) == [] and _exported() == []
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0


def test_an_unchanged_reading_is_not_sent_again(setup):
    first = submit_readings(setup.user, setup.account, [ReadingInput(setup.meter.id, {"T1": "1480"})], now=INSIDE)
    again = submit_readings(setup.user, setup.account,
                            [ReadingInput(setup.meter.id, {"T1": "1480,0"}, seen_live_id=first.stored[0].id)],
                            now=INSIDE)
    assert again.ok() and again.stored == [] and len(_exported()) == 1


def test_nothing_typed_is_refused(setup):
    with pytest.raises(Invalid) as refused:
        submit_readings(setup.user, setup.account, [ReadingInput(setup.meter.id, {"T1": " "})], now=INSIDE)
    assert refused.value.message == rules.NOTHING_TYPED


def test_photos_of_a_refused_submission_leave_no_file(setup):
    from app.core.files import upload_dir

    second = b.meter(setup.account)
    b.commit()
    before = {p for p in upload_dir().rglob("*") if p.is_file()}
    out = submit_readings(setup.user, setup.account, [
        ReadingInput(setup.meter.id, {"T1": "1480"}, photo=_photo(PNG, "first.png")),
        ReadingInput(second.id, {"T1": "10"}, photo=_photo(b"not really a picture", "second.png"))], now=INSIDE)
    assert out.errors and not out.stored and _live(setup.meter) == []
    assert {p for p in upload_dir().rglob("*") if p.is_file()} == before
