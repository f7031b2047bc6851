"""Every route of «Запись на прием» and «Заказ обратного звонка» × {owner, another consumer,
anonymous, staff, org admin}: the owner may, everyone else gets no 2xx on an object route and
changes nothing; staff routes are the staff's, the schedule editor the org admin's."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.base import utcnow
from app.models import Appointment, AppointmentSlot, AppointmentStatus, CallbackRequest, CallbackStatus, OfficeSchedule
from app.security.roles import ORG_ADMIN, STAFF
from tests.appointments import builders as b
from tests.factories import make_consumer, make_staff
from workflows.appointments import booking

CONSUMER_OBJECT_ROUTES = [("GET", "/my/appointments/{a}/cancel"), ("POST", "/my/appointments/{a}/cancel")]
STAFF_OBJECT_ROUTES = [("POST", "/staff/appointments/{v}/attended"), ("POST", "/staff/callbacks/{c}/done")]
ADMIN_OBJECT_ROUTES = [("GET", "/admin/office-schedules/{o}"), ("POST", "/admin/office-schedules/{o}")]
CONSUMER_PAGES = ["/my/appointments/", "/my/appointments/new", "/my/callbacks/", "/my/callbacks/new"]
STAFF_PAGES = ["/staff/appointments/", "/staff/callbacks/"]
SCHEDULE = {"slot_minutes": "15", "capacity": "3", "days_ahead": "5", "d0_opens": "08:00", "d0_closes": "12:00"}


@pytest.fixture
def people(ctx):
    class P:
        owner = make_consumer(commit=False)
        other = make_consumer(commit=False)
        staff = make_staff(STAFF, commit=False)
        org_admin = make_staff(ORG_ADMIN, commit=False)
        office = b.office()
        topic, callback_topic = b.topics()
    day = b.tomorrow()
    P.appointment = booking.book(P.owner, {"topic": str(P.topic.id), "office": str(P.office.id),
                                           "day": b.ru(day), "time": "09:00"})
    # an hour ago (today, or yesterday just after midnight): staff may mark it, its owner no longer cancel it
    P.visited = booking.book(P.owner, {"topic": str(P.topic.id), "office": str(P.office.id),
                                       "day": b.ru(day), "time": "10:00"})
    P.visited.starts_at = utcnow() - timedelta(hours=1)
    P.callback = b.callback(P.owner, P.callback_topic)
    db.session.commit()
    return P


def _url(route, p):
    return route.format(a=p.appointment.id, v=p.visited.id, c=p.callback.id, o=p.office.id)


def _call(client, method, url):
    return client.get(url) if method == "GET" else client.post(url, data=SCHEDULE)


def _state(p):
    db.session.expire_all()
    schedule = db.session.get(OfficeSchedule, p.office.id)
    return (db.session.get(Appointment, p.appointment.id).status, db.session.get(Appointment, p.visited.id).status,
            db.session.get(CallbackRequest, p.callback.id).status,
            db.session.scalar(select(AppointmentSlot.booked).where(AppointmentSlot.id == p.appointment.slot_id)),
            schedule.slot_minutes)


PLANNED = AppointmentStatus.PLANNED
UNCHANGED = (PLANNED, PLANNED, CallbackStatus.NEW, 1, 30)


def _refused(response, who, route):
    assert response.status_code in (302, 403, 404), (who, route, response.status_code)
    if response.status_code == 302:
        assert "/login" in response.location, (who, route, response.location)


@pytest.mark.parametrize("who", ["other", "anonymous", "staff", "org_admin"])
def test_outsiders_cannot_touch_a_consumers_appointment(client, login, people, who):
    if who != "anonymous":
        login(getattr(people, who))
    for method, route in CONSUMER_OBJECT_ROUTES:
        response = _call(client, method, _url(route, people))
        _refused(response, who, route)
        if who == "other":
            assert response.status_code == 404
    assert _state(people) == UNCHANGED


@pytest.mark.parametrize("who", ["owner", "other", "anonymous"])
def test_consumers_and_anonymous_cannot_use_staff_or_admin_routes(client, login, people, who):
    if who != "anonymous":
        login(getattr(people, who))
    for method, route in STAFF_OBJECT_ROUTES + ADMIN_OBJECT_ROUTES:
        _refused(_call(client, method, _url(route, people)), who, route)
    for page in STAFF_PAGES + ["/admin/office-schedules/"]:
        _refused(client.get(page), who, page)
    assert _state(people) == UNCHANGED


def test_staff_mark_and_handle_but_may_not_edit_schedules(client, login, people):
    login(people.staff)
    menu = client.get("/staff/appointments/").get_data(as_text=True)
    assert 'href="/staff/appointments/"' in menu and 'href="/staff/callbacks/"' in menu
    assert 'href="/admin/office-schedules/"' not in menu
    for page in STAFF_PAGES:
        assert client.get(page).status_code == 200, page
    for method, route in ADMIN_OBJECT_ROUTES:
        _refused(_call(client, method, _url(route, people)), "staff", route)
    for method, route in STAFF_OBJECT_ROUTES:
        assert _call(client, method, _url(route, people)).status_code == 302, route
    assert _state(people) == (PLANNED, AppointmentStatus.ATTENDED, CallbackStatus.DONE, 1, 30)


def test_org_admin_edits_schedules(client, login, people):
    login(people.org_admin)
    listing = client.get("/admin/office-schedules/").get_data(as_text=True)
    assert people.office.name in listing and 'href="/admin/office-schedules/"' in listing  # «Администрирование»
    for method, route in ADMIN_OBJECT_ROUTES:
        assert _call(client, method, _url(route, people)).status_code == (200 if method == "GET" else 302), route
    assert _state(people)[4] == 15


def test_the_owner_may_and_sees_only_their_own(client, login, people):
    login(people.other)
    menu = client.get("/my/appointments/").get_data(as_text=True)
    assert 'href="/my/appointments/"' in menu and 'href="/my/callbacks/"' in menu
    for page in CONSUMER_PAGES:
        assert client.get(page).status_code == 200, page
    assert b.ru(b.tomorrow()) not in client.get("/my/appointments/").get_data(as_text=True)
    assert 'data-test="callback"' not in client.get("/my/callbacks/").get_data(as_text=True)
    login(people.owner)
    assert 'data-test="callback"' in client.get("/my/callbacks/").get_data(as_text=True)
    assert client.get(_url(CONSUMER_OBJECT_ROUTES[0][1], people)).status_code == 200
    assert client.post(_url(CONSUMER_OBJECT_ROUTES[1][1], people)).status_code == 302
    assert _state(people)[:4] == (AppointmentStatus.CANCELLED, PLANNED, CallbackStatus.NEW, 0)


def test_missing_objects_are_not_found(client, login, people):
    login(people.owner)
    assert client.get("/my/appointments/999999/cancel").status_code == 404
    login(people.staff)
    assert client.post("/staff/appointments/999999/attended").status_code == 404
    assert client.post("/staff/callbacks/999999/done").status_code == 404
    login(people.org_admin)
    assert client.get("/admin/office-schedules/999999").status_code == 404
