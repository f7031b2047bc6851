"""«Запись на прием» through the pages: the GET steps, «Записаться», the confirmation through the
outbox, every refused value named under its field with nothing booked, the limits, and
«Отменить запись» freeing the place."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Appointment, AppointmentStatus, Notification, OutboxMessage
from tests.appointments import builders as b
from tests.factories import make_consumer
from workflows.appointments import rules

URL = "/my/appointments/new"


@pytest.fixture
def world(ctx):
    class W:
        consumer = make_consumer(commit=False)
        office = b.office()
        topic, callback_topic = b.topics()
        day = b.tomorrow()
    db.session.commit()
    return W


def _fields(w, **changes):
    return {"topic": str(w.topic.id), "office": str(w.office.id), "day": b.ru(w.day), "time": "09:00", **changes}


def test_the_steps_offer_days_then_free_times(client, login, world):
    login(world.consumer)
    first = client.get(URL).get_data(as_text=True)
    assert world.office.name in first and world.topic.name in first and 'name="time"' not in first
    days = client.get(URL, query_string={"topic": world.topic.id, "office": world.office.id}).get_data(as_text=True)
    assert b.ru(world.day) in days and "Часы приема" in days
    times = client.get(URL, query_string=_fields(world)).get_data(as_text=True)
    assert 'value="09:00"' in times and 'value="13:00"' not in times and 'value="14:00"' in times


def test_booking_confirms_and_notifies(client, login, world, sent):
    login(world.consumer)
    answer = client.post(URL, data=_fields(world), follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert f"Вы записаны на прием {b.ru(world.day)} в 09:00, {world.office.name}" in page
    assert f"{b.ru(world.day)} в 09:00" in client.get("/my/appointments/").get_data(as_text=True)
    assert b.booked(world.office, world.day, "09:00") == 1
    notice = db.session.scalar(select(Notification).where(Notification.user_id == world.consumer.id))
    assert notice.title == f"Вы записаны на прием {b.ru(world.day)} в 09:00"
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "appointment_booked",
                                                         OutboxMessage.channel == "email"))
    assert mail is not None and world.office.address in mail.body


@pytest.mark.parametrize("field, value, message", [
    ("topic", "", rules.REQUIRED),
    ("topic", "999999", rules.CHOOSE_TOPIC),
    ("office", "", rules.REQUIRED),
    ("office", "abc", rules.CHOOSE_OFFICE),
    ("day", "", rules.REQUIRED),
    ("day", "31.02.2026", rules.CHOOSE_DAY),
    ("day", "01.01.2020", rules.CHOOSE_DAY),
    ("time", "", rules.REQUIRED),
    ("time", "13:00", rules.CHOOSE_TIME),
    ("time", "09:10", rules.CHOOSE_TIME),
    ("time", "<script>", rules.CHOOSE_TIME),
])
def test_every_wrong_field_is_named_and_nothing_is_booked(client, login, world, field, value, message):
    login(world.consumer)
    answer = client.post(URL, data=_fields(world, **{field: value}))
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert f'data-test="error-{field}">{message}' in page
    assert b.count(Appointment) == 0 and b.booked(world.office, world.day, "09:00") == 0


def test_a_day_the_calendar_closes_is_not_offered(client, login, world):
    b.day_off(world.day)
    db.session.commit()
    login(world.consumer)
    page = client.get(URL, query_string={"topic": world.topic.id, "office": world.office.id}).get_data(as_text=True)
    assert f'value="{b.ru(world.day)}"' not in page
    answer = client.post(URL, data=_fields(world))
    assert f'data-test="error-day">{rules.CHOOSE_DAY}' in answer.get_data(as_text=True)
    assert b.count(Appointment) == 0


def test_a_full_slot_is_refused_and_the_others_stay_free(client, login, world):
    other = make_consumer()
    login(other)
    assert client.post(URL, data=_fields(world)).status_code == 302
    login(world.consumer)
    answer = client.post(URL, data=_fields(world))
    assert f'data-test="error-time">{rules.CHOOSE_TIME}' in answer.get_data(as_text=True)
    assert b.count(Appointment) == 1 and b.booked(world.office, world.day, "09:00") == 1


def test_not_twice_the_same_time_and_at_most_three_ahead(client, login, world):
    world2 = b.office(capacity=5)
    db.session.commit()
    login(world.consumer)
    assert client.post(URL, data=_fields(world)).status_code == 302
    same = client.post(URL, data=_fields(world, office=str(world2.id)))
    assert rules.SAME_TIME in same.get_data(as_text=True)
    for at in ("10:00", "11:00"):
        assert client.post(URL, data=_fields(world, time=at)).status_code == 302
    fourth = client.post(URL, data=_fields(world, time="12:00"), follow_redirects=True)
    assert rules.TOO_MANY.format(n=3) in fourth.get_data(as_text=True)
    assert b.count(Appointment) == 3 and b.booked(world.office, world.day, "12:00") == 0


def test_cancel_asks_first_then_frees_the_place(client, login, world):
    login(world.consumer)
    client.post(URL, data=_fields(world))
    appointment = db.session.scalar(select(Appointment))
    confirm = client.get(f"/my/appointments/{appointment.id}/cancel").get_data(as_text=True)
    assert "Отменить запись на прием" in confirm and b.booked(world.office, world.day, "09:00") == 1
    answer = client.post(f"/my/appointments/{appointment.id}/cancel", follow_redirects=True)
    assert rules.CANCELLED in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).status == AppointmentStatus.CANCELLED
    assert b.booked(world.office, world.day, "09:00") == 0
    again = client.post(f"/my/appointments/{appointment.id}/cancel", follow_redirects=True)
    assert b.booked(world.office, world.day, "09:00") == 0 and rules.NOT_CANCELLABLE in again.get_data(as_text=True)
    other = make_consumer()
    login(other)
    assert client.post(URL, data=_fields(world)).status_code == 302  # the place is someone else's now


def test_a_past_appointment_cannot_be_cancelled(client, login, world):
    login(world.consumer)
    client.post(URL, data=_fields(world))
    appointment = db.session.scalar(select(Appointment))
    appointment.starts_at -= timedelta(days=2)
    db.session.commit()
    answer = client.post(f"/my/appointments/{appointment.id}/cancel", follow_redirects=True)
    assert rules.NOT_CANCELLABLE in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).status == AppointmentStatus.PLANNED


def test_no_office_with_a_schedule_says_so(client, login, ctx):
    user = make_consumer()
    login(user)
    assert rules.NO_SCHEDULES in client.get(URL).get_data(as_text=True)


