"""The staff's day schedule (office and date chosen, each appointment with consumer, phone and
topic) with «Состоялся» / «Не явился»; «Расписание офисов» checked field by field."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditRecord, OfficeHours, OfficeSchedule
from app.models.base import utcnow
from app.security.roles import ORG_ADMIN, STAFF
from tests.appointments import builders as b
from tests.factories import make_consumer, make_staff
from workflows.appointments import booking, rules


@pytest.fixture
def world(ctx):
    class W:
        consumer = make_consumer(commit=False)
        office = b.office()
        other_office = b.office()
        topic = b.topics()[0]
        staff = make_staff(STAFF, commit=False)
        day = b.tomorrow()
    W.appointment = booking.book(W.consumer, {"topic": str(W.topic.id), "office": str(W.office.id),
                                              "day": b.ru(W.day), "time": "09:30"})
    db.session.commit()
    return W


def test_the_days_schedule_shows_who_when_and_why(client, login, world):
    login(world.staff)
    page = client.get("/staff/appointments/", query_string={"office": world.office.id, "day": b.ru(world.day)})
    text = page.get_data(as_text=True)
    assert "09:30" in text and world.consumer.consumer.display_name in text and world.consumer.phone in text
    assert world.topic.name in text and 'data-test="attended"' not in text  # tomorrow: not yet
    other = client.get("/staff/appointments/", query_string={"office": world.other_office.id, "day": b.ru(world.day)})
    assert 'data-test="empty"' in other.get_data(as_text=True)
    wrong = client.get("/staff/appointments/", query_string={"day": "32.13.2026"})
    assert wrong.status_code == 400 and rules.DATE_FORMAT in wrong.get_data(as_text=True)


def test_marking_tomorrow_is_refused_today_allowed_once(client, login, world):
    login(world.staff)
    refused = client.post(f"/staff/appointments/{world.appointment.id}/no_show", follow_redirects=True)
    assert rules.NOT_MARKABLE in refused.get_data(as_text=True)
    world.appointment.starts_at = utcnow() - timedelta(minutes=30)
    db.session.commit()
    assert client.post(f"/staff/appointments/{world.appointment.id}/no_show").status_code == 302
    db.session.expire_all()
    assert world.appointment.status == "no_show" and world.appointment.marked_by_id == world.staff.id
    assert db.session.scalar(select(AuditRecord).where(AuditRecord.action == "appointment.no_show")) is not None
    again = client.post(f"/staff/appointments/{world.appointment.id}/attended", follow_redirects=True)
    assert rules.NOT_MARKABLE in again.get_data(as_text=True)
    db.session.expire_all()
    assert world.appointment.status == "no_show"


VALID = {"slot_minutes": "20", "capacity": "2", "days_ahead": "10", "d0_opens": "08:00", "d0_closes": "17:00",
         "d0_break_from": "12:00", "d0_break_to": "12:40", "d5_opens": "10:00", "d5_closes": "14:00"}


def test_the_admin_saves_a_schedule(client, login, world):
    login(make_staff(ORG_ADMIN))
    form = client.get(f"/admin/office-schedules/{world.office.id}").get_data(as_text=True)
    assert 'value="09:00"' in form and 'value="30"' in form
    answer = client.post(f"/admin/office-schedules/{world.office.id}", data=VALID, follow_redirects=True)
    assert rules.SCHEDULE_SAVED in answer.get_data(as_text=True)
    db.session.expire_all()
    saved = db.session.get(OfficeSchedule, world.office.id)
    assert (saved.slot_minutes, saved.capacity, saved.days_ahead) == (20, 2, 10)
    assert [(h.weekday, f"{h.opens:%H:%M}", f"{h.break_to:%H:%M}" if h.break_to else None) for h in saved.hours] == [
        (0, "08:00", "12:40"), (5, "10:00", None)]
    assert b.booked(world.office, world.day, "09:30") == 1  # the booking stays


@pytest.mark.parametrize("field, value, message", [
    ("slot_minutes", "", rules.REQUIRED),
    ("slot_minutes", "4", rules.NUMBER_RANGE.format(low=5, high=240)),
    ("capacity", "0", rules.NUMBER_RANGE.format(low=1, high=100)),
    ("capacity", "два", rules.NUMBER_RANGE.format(low=1, high=100)),
    ("days_ahead", "91", rules.NUMBER_RANGE.format(low=1, high=90)),
    ("d0_opens", "8 утра", rules.TIME_FORMAT),
    ("d0_opens", "", rules.BOTH_OR_NONE),
    ("d0_closes", "07:00", rules.OPENS_BEFORE_CLOSES),
    ("d0_break_from", "", rules.BREAK_BOTH),
    ("d0_break_from", "18:00", rules.BREAK_INSIDE),
    ("d0_break_to", "25:00", rules.TIME_FORMAT),
])
def test_every_wrong_schedule_field_is_named_and_nothing_changes(client, login, world, field, value, message):
    login(make_staff(ORG_ADMIN))
    answer = client.post(f"/admin/office-schedules/{world.office.id}", data={**VALID, field: value})
    assert answer.status_code == 400
    assert f'data-test="error-{field}">{message}' in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(OfficeSchedule, world.office.id).slot_minutes == 30
    assert db.session.scalar(select(OfficeHours.opens).where(OfficeHours.office_id == world.office.id,
                                                            OfficeHours.weekday == 0)).hour == 9


def test_a_schedule_without_any_day_is_refused(client, login, world):
    login(make_staff(ORG_ADMIN))
    answer = client.post(f"/admin/office-schedules/{world.office.id}",
                         data={"slot_minutes": "30", "capacity": "1", "days_ahead": "14"})
    assert f'data-test="error-d0_opens">{rules.NO_DAYS}' in answer.get_data(as_text=True)


@pytest.mark.parametrize("role", [STAFF, ORG_ADMIN])
def test_visits_and_calls_share_one_staff_dropdown(client, login, ctx, role):
    login(make_staff(role))
    html = client.get("/staff/queue/").get_data(as_text=True)
    menu = html.split("Прием потребителей", 1)[1].split("</ul>", 1)[0]
    assert 'href="/staff/appointments/"' in menu and 'href="/staff/callbacks/"' in menu
