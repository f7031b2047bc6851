"""Staff and readings over HTTP: the meters page (every source, accepted, replaced with who and why,
the consumer's photo, the open fault report linking to its statement, answered in the queue);
«Внести показания» by the readings rules on any day of the month; «Исправить» with a reason —
every refusal under its field with nothing stored and what was typed kept."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.core.errors import Conflict
from app.extensions import db
from app.models import Application, AuditRecord, ExportItem, MeterReading
from tests.billing import builders as b
from tests.meters.test_staff_access import INSIDE, REASON, build_world, reading
from workflows.meters import rules
from workflows.meters import staff as commands
from workflows.meters.faults import seed_meter_fault_type

#: 5 March 2026 in Moscow: the consumers' window (15–25) is closed
OUTSIDE = datetime(2026, 3, 5, 9, 0, tzinfo=timezone.utc)


OTHER_METER = [0]


@pytest.fixture
def world(ctx):
    with time_machine.travel(INSIDE, tick=False):
        w = build_world()
        OTHER_METER[0] = w.other_meter.id
        yield w


def portal_readings():
    """The readings made in the portal on the world's account (the other account's one aside)."""
    db.session.expire_all()
    return db.session.scalars(select(MeterReading).where(MeterReading.source.in_(("consumer", "staff")),
                                                         MeterReading.meter_id != OTHER_METER[0])
                              .order_by(MeterReading.id)).all()


def exported():
    db.session.expire_all()
    return [item.payload for item in db.session.scalars(select(ExportItem).order_by(ExportItem.id))]


def test_the_page_shows_every_source_accepted_photo_and_the_entry_links(client, login, world):
    login(world.staff)
    page = client.get(f"{world.base}/meters").get_data(as_text=True)
    assert "Приборы учета" in page and "5000000001" in page
    assert page.count('data-test="meter"') == 2 and page.count('data-test="reading"') == 7
    assert "Биллинг" in page and "Личный кабинет" in page and page.count('data-test="accepted"') == 6
    assert f'href="{world.base}/readings/{world.sent.id}/photo"' in page
    assert f'href="{world.base}/readings/{world.sent.id}/correct"' in page
    assert f'/readings/{world.billing.id}/correct"' not in page  # the billing's own: corrected there
    assert f'href="{world.base}/meters/{world.meter.id}/enter"' in page and "Внести показания" in page
    assert world.owner.display_name in page, page[page.index('data-test="by"'):][:300]


def test_staff_enter_a_reading_outside_the_window_by_the_same_rules(client, login, ctx):
    with time_machine.travel(OUTSIDE, tick=False):
        w = build_world()
        OTHER_METER[0] = w.other_meter.id
        login(w.staff)
        url = f"{w.base}/meters/{w.two.id}/enter"
        page = client.get(url).get_data(as_text=True)
        assert "Т1 (День)" in page and "Т2 (Ночь)" in page and "Предыдущее показание" in page
        response = client.post(url, data={"T1": "610", "T2": "345", "seen": ""})
        assert response.status_code == 302 and response.location.endswith(f"{w.base}/meters")
        stored = portal_readings()[-1]
        assert (stored.source, stored.submitted_by_id, stored.t1, stored.t2) == ("staff", w.staff.id, 610, 345)
        assert stored.period == date(2026, 3, 1) and stored.taken_on == date(2026, 3, 5)
        payload = exported()[-1]
        assert (payload["reading_id"], payload["source"], payload["replaces"]) == (stored.id, "staff", None)
        page = client.get(response.location).get_data(as_text=True)
        assert "Показания приняты" in page and "Сотрудник" in page and w.staff.display_name in page


def test_an_entry_replaces_this_months_reading_and_history_says_who(client, login, world):
    login(world.staff)
    url = f"{world.base}/meters/{world.meter.id}/enter"
    assert "Новые показания заменят их" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"T1": "1495", "seen": str(world.sent.id)}).status_code == 302
    old, new = portal_readings()[:2]
    assert old.superseded_by_id == new.id and old.superseded_at is not None and new.t1 == Decimal("1495")
    assert exported()[-1]["replaces"] == old.id
    page = client.get(f"{world.base}/meters").get_data(as_text=True)
    assert 'data-replaced="yes"' in page and f"Заменено" in page and world.staff.display_name in page
    stale = client.post(url, data={"T1": "1500", "seen": str(world.sent.id)})  # a form shown before
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "Показания уже изменены" in page and 'value="1500"' in page
    assert f'name="seen" type="hidden" value="{new.id}"' in page and len(portal_readings()) == 2
    assert client.post(url, data={"T1": "1500", "seen": str(new.id)}).status_code == 302  # sent again, knowingly


@pytest.mark.parametrize("typed, message", [
    ("", rules.EMPTY),
    ("abc", rules.NOT_A_NUMBER),
    ("-1500", rules.NEGATIVE),
    ("1234567", rules.TOO_MANY_DIGITS.format(digits=6)),
    ("1500,5", rules.NO_FRACTION),
    ("500", rules.LOWER),
])
def test_an_invalid_entry_is_refused_under_its_field_and_nothing_is_stored(client, login, world, typed, message):
    login(world.org_admin)
    before, items = portal_readings(), exported()
    response = client.post(f"{world.base}/meters/{world.two.id}/enter", data={"T1": typed, "T2": "350", "seen": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page and 'data-test="error-T1"' in page
    assert 'value="350"' in page and (not typed or f'value="{typed}"' in page)
    assert portal_readings() == before and exported() == items


def test_a_wrap_is_asked_then_stored_when_confirmed(client, login, world):
    small = b.meter(world.account)
    small.digits = 4
    for month, value in ((1, 9900), (2, 9950)):
        reading(small, date(2026, month, 1), value)
    db.session.commit()
    login(world.staff)
    url = f"{world.base}/meters/{small.id}/enter"
    asked = client.post(url, data={"T1": "20", "seen": ""})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 400 and rules.WRAP_QUESTION in page and 'data-test="confirm"' in page
    assert rules.WRAP_CONFIRM in page and 'value="20"' in page and len(portal_readings()) == 1
    done = client.post(url, data={"T1": "20", "seen": "", "confirm": "y"})
    assert done.status_code == 302 and portal_readings()[-1].rollover is True


def test_a_correction_supersedes_keeps_the_reason_exports_and_audits(client, login, world):
    login(world.staff)
    url = f"{world.base}/readings/{world.sent.id}/correct"
    form = client.get(url).get_data(as_text=True)
    assert "Исправить показание" in form and 'value="1' in form and "Причина исправления" in form
    response = client.post(url, data={"T1": "1 475", "reason": f"  {REASON} "})
    assert response.status_code == 302
    old, new = portal_readings()
    assert (new.t1, new.source, new.change_reason, new.period) == (Decimal("1475"), "staff", REASON, old.period)
    assert old.superseded_by_id == new.id and old.superseded_at is not None and old.t1 == Decimal("1480")
    payload = exported()[-1]
    assert (payload["reading_id"], payload["replaces"], Decimal(payload["t1"])) == (new.id, old.id, 1475)
    record = db.session.scalar(select(AuditRecord).where(AuditRecord.action == "meter_reading.correct"))
    assert record.actor_id == world.staff.id and record.after["reason"] == REASON and record.before["T1"] == "1480.000"
    page = client.get(f"{world.base}/meters").get_data(as_text=True)
    assert "Показание исправлено" in page and REASON in page and 'data-test="replaced-reason"' in page
    again = client.post(url, data={"T1": "1476", "reason": REASON})  # the old one is history now
    assert again.status_code == 400 and commands.NOT_CORRECTABLE in again.get_data(as_text=True)
    assert len(portal_readings()) == 2 and len(exported()) == 1


@pytest.mark.parametrize("data, field, message", [
    ({"T1": "1475", "reason": ""}, "reason", commands.REASON_REQUIRED),
    ({"T1": "1475", "reason": "  \n "}, "reason", commands.REASON_REQUIRED),
    ({"T1": "1475", "reason": "о" * 1001}, "reason", "Не более 1000 символов"),
    ({"T1": "14x5", "reason": REASON}, "T1", rules.NOT_A_NUMBER),
    ({"T1": "1480", "reason": REASON}, "T1", commands.UNCHANGED),
    ({"T1": "1350", "reason": REASON}, "T1", rules.LOWER),
])
def test_a_refused_correction_says_why_under_the_field_and_changes_nothing(client, login, world, data, field,
                                                                           message):
    login(world.staff)
    before, items = portal_readings(), exported()
    response = client.post(f"{world.base}/readings/{world.sent.id}/correct", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page and f'data-test="error-{field}"' in page
    assert f'value="{data["T1"]}"' in page
    assert portal_readings() == before and exported() == items and all(r.superseded_at is None for r in before)
    assert db.session.scalar(select(func.count()).select_from(AuditRecord).where(
        AuditRecord.action == "meter_reading.correct")) == 0


def test_a_correction_above_a_later_reading_is_refused(client, login, world):
    january = reading(world.meter, date(2026, 1, 1), 1250, source="staff")
    db.session.commit()
    login(world.staff)
    page = client.post(f"{world.base}/readings/{january.id}/correct",
                       data={"T1": "1490", "reason": REASON}).get_data(as_text=True)
    assert "Показание больше переданного позже (за 02.2026: 1" in page
    assert len(portal_readings()) == 2


def test_the_billings_reading_is_not_corrected_here(client, login, world):
    login(world.staff)
    response = client.get(f"{world.base}/readings/{world.billing.id}/correct")
    assert response.status_code == 400 and "показания биллинга исправляются в биллинге" in response.get_data(as_text=True)
    assert client.post(f"{world.base}/readings/{world.billing.id}/correct",
                       data={"T1": "1450", "reason": REASON}).status_code == 400
    assert len(portal_readings()) == 1 and exported() == []


#: «Мои данные» filled in, as every statement needs
PROFILE = dict(birth_date=date(1980, 5, 1), passport_series="4510", passport_number="123456",
               passport_issued_by="ОВД Тверского района", passport_issued_on=date(2005, 6, 1),
               registration_address="г. Самара, ул. Ленина, 1", postal_address="г. Самара, ул. Ленина, 1")


def test_an_open_fault_links_to_its_statement_answered_in_the_queue(client, login, world):
    seed_meter_fault_type()
    for name, value in PROFILE.items():
        setattr(world.owner.consumer, name, value)
    db.session.commit()
    login(world.owner)
    filed = client.post(f"/personal-accounts/{world.account.id}/meters/{world.meter.id}/fault",
                        data={"description": "Не горит табло"})
    assert filed.status_code == 302, filed.get_data(as_text=True)[-3000:]
    application = db.session.scalar(select(Application).order_by(Application.id.desc()))
    login(world.staff)
    page = client.get(f"{world.base}/meters").get_data(as_text=True)
    assert 'data-test="fault"' in page and f'href="/staff/applications/{application.id}"' in page
    assert application.number in page
    item = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert "Не горит табло" in item
    from tests.applications.conftest import transition
    done = transition("accepted", "done", "meter_fault")
    saved = client.post(f"/staff/applications/{application.id}/save",
                        data={"version": application.version, "transition_id": done.id})
    assert saved.status_code == 302
    assert 'data-test="fault"' not in client.get(f"{world.base}/meters").get_data(as_text=True)


def test_automatic_expired_and_removed_meters_take_no_entry(client, login, world):
    auto = b.meter(world.account, auto_read=True)
    expired = b.meter(world.account)
    expired.verification_due = date(2026, 1, 31)
    removed = b.meter(world.account, removed_on=date(2026, 2, 1))
    db.session.commit()
    login(world.staff)
    page = client.get(f"{world.base}/meters").get_data(as_text=True)
    assert rules.AUTO_READ in page and "Истек срок поверки прибора учета 31.01.2026" in page
    assert "Прибор учета снят 01.02.2026" in page and 'data-test="removed"' in page
    for meter in (auto, expired, removed):
        assert f"/meters/{meter.id}/enter" not in page
    for meter, message in ((auto, rules.AUTO_READ), (expired, "Истек срок поверки прибора учета 31.01.2026")):
        response = client.post(f"{world.base}/meters/{meter.id}/enter", data={"T1": "100", "seen": ""})
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert client.get(f"{world.base}/meters/{removed.id}/enter").status_code == 400
    assert len(portal_readings()) == 1 and exported() == []


def test_a_correction_racing_another_replacement_stores_nothing(world, app):
    """The page read the reading as live; someone replaced it and committed before this correction
    wrote: its supersede finds nothing live — Conflict, nothing of it stored or exported."""
    with app.test_request_context():
        stale = db.session.get(MeterReading, world.sent.id)
        assert stale.superseded_at is None
        with Session(db.engine) as other:
            other.execute(update(MeterReading).where(MeterReading.id == stale.id)
                          .values(superseded_at=datetime(2026, 3, 20, 9, 0)))
            other.commit()
        with pytest.raises(Conflict):
            commands.correct_reading(world.staff, world.account.id, world.sent.id, {"T1": "1476"}, REASON)
        db.session.rollback()
    assert [r.id for r in portal_readings()] == [world.sent.id] and exported() == []
