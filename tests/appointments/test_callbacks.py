"""«Заказ обратного звонка»: the phone prefilled from the profile, «Ваша заявка принята», every
wrong field named with nothing stored; the staff's queue (new first, by status) and its audited
«Звонок выполнен» / «Не дозвонились»."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditRecord, CallbackRequest, CallbackStatus, Topic
from app.security.roles import STAFF
from tests.appointments import builders as b
from tests.factories import make_consumer, make_staff
from workflows.appointments import rules
from workflows.appointments.schedule import local_now

URL = "/my/callbacks/new"


def _next_working_day():
    day = local_now().date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@pytest.fixture
def world(ctx):
    class W:
        consumer = make_consumer(commit=False)
        topic = b.topics()[1]
        day = _next_working_day()
    db.session.commit()
    return W


def _fields(w, **changes):
    return {"topic": str(w.topic.id), "phone": "8 (912) 345-67-89", "day": b.ru(w.day), "interval": "12-15",
            "comment": "Вопрос по счету", **changes}


def test_the_form_prefills_the_phone_and_accepts(client, login, world):
    login(world.consumer)
    assert f'value="{world.consumer.phone}"' in client.get(URL).get_data(as_text=True)
    answer = client.post(URL, data=_fields(world), follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert rules.CALLBACK_ACCEPTED in page and "+79123456789" in page and "12:00–15:00" in page and "Новая" in page
    row = db.session.scalar(select(CallbackRequest))
    assert (row.phone, row.call_day, row.call_interval, row.status) == ("+79123456789", world.day, "12-15", "new")


def _weekend():
    day = local_now().date() + timedelta(days=1)
    while day.weekday() < 5:
        day += timedelta(days=1)
    return b.ru(day)


@pytest.mark.parametrize("field, value, message", [
    ("topic", "", rules.REQUIRED),
    ("topic", "999999", rules.CHOOSE_TOPIC),
    ("phone", "", rules.REQUIRED),
    ("phone", "12345", "Введите номер телефона в формате +7 (XXX) XXX-XX-XX"),
    ("day", "", rules.REQUIRED),
    ("day", "2026-03-01", rules.DATE_FORMAT),
    ("day", "01.01.2020", "Выберите дату с"),
    ("day", "weekend", rules.CALL_DAY_OFF),
    ("interval", "", rules.REQUIRED),
    ("interval", "07-08", rules.CHOOSE_INTERVAL),
    ("comment", "я" * 1001, rules.TOO_LONG.format(n=1000)),
])
def test_every_wrong_field_is_named_and_nothing_is_stored(client, login, world, field, value, message):
    login(world.consumer)
    value = _weekend() if value == "weekend" else value
    answer = client.post(URL, data=_fields(world, **{field: value}))
    assert answer.status_code == 400
    assert f'data-test="error-{field}">{message}' in answer.get_data(as_text=True)
    assert b.count(CallbackRequest) == 0


def test_an_appointment_topic_is_not_a_callback_topic(client, login, world):
    login(world.consumer)
    appointment_topic = db.session.scalar(select(Topic).where(Topic.kind == "appointment"))
    answer = client.post(URL, data=_fields(world, topic=str(appointment_topic.id)))
    assert rules.CHOOSE_TOPIC in answer.get_data(as_text=True) and b.count(CallbackRequest) == 0


def test_staff_queue_new_first_filters_and_audits(client, login, world):
    done = b.callback(world.consumer, world.topic, status=CallbackStatus.DONE)
    waiting = b.callback(world.consumer, world.topic)
    staff = make_staff(STAFF)
    login(staff)
    page = client.get("/staff/callbacks/").get_data(as_text=True)
    assert page.index(f'data-id="{waiting.id}"') < page.index(f'data-id="{done.id}"')
    assert f'data-id="{done.id}"' not in client.get("/staff/callbacks/?status=new").get_data(as_text=True)
    answer = client.post(f"/staff/callbacks/{waiting.id}/not_reached?status=new",
                         data={"comment": "Абонент недоступен"})
    assert answer.status_code == 302 and answer.location.endswith("/staff/callbacks/?status=new")
    db.session.expire_all()
    row = db.session.get(CallbackRequest, waiting.id)
    assert (row.status, row.staff_comment, row.handled_by_id) == ("not_reached", "Абонент недоступен", staff.id)
    audit = db.session.scalar(select(AuditRecord).where(AuditRecord.action == "callback_request.not_reached"))
    assert audit is not None and audit.actor_id == staff.id
    client.post(f"/staff/callbacks/{waiting.id}/done", data={"comment": ""})
    refused = client.post(f"/staff/callbacks/{waiting.id}/done", data={}, follow_redirects=True)
    assert rules.NOT_HANDLEABLE in refused.get_data(as_text=True)
    login(world.consumer)
    assert "Звонок выполнен" in client.get("/my/callbacks/").get_data(as_text=True)


def test_an_unknown_outcome_or_a_long_comment_changes_nothing(client, login, world):
    waiting = b.callback(world.consumer, world.topic)
    db.session.commit()
    login(make_staff(STAFF))
    client.post(f"/staff/callbacks/{waiting.id}/deleted", data={})
    client.post(f"/staff/callbacks/{waiting.id}/done", data={"comment": "я" * 1001})
    db.session.expire_all()
    assert db.session.get(CallbackRequest, waiting.id).status == CallbackStatus.NEW
