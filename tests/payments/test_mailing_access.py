"""«Рассылка квитанций» is the org admins' and the admins' screen: every route (the list, start,
a run's page, its progress JSON) answers them, and refuses staff, consumers and anonymous alike
(nothing started); the form needs its CSRF token; an unknown run is 404."""
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.payments import ReceiptRun, ReceiptRunState
from app.security.roles import ADMIN, CONSUMER, ORG_ADMIN, STAFF
from tests.factories import make_consumer, make_staff

BASE = "/payments/receipts/mailing/"


@pytest.fixture
def users(ctx):
    return {ADMIN: make_staff(ADMIN), ORG_ADMIN: make_staff(ORG_ADMIN), STAFF: make_staff(STAFF),
            CONSUMER: make_consumer(), None: None}


@pytest.fixture
def run(users):
    row = ReceiptRun(month=date(2026, 10, 1), state=ReceiptRunState.DONE, total=0)
    db.session.add(row)
    db.session.commit()
    return row


def _runs() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(ReceiptRun))


def _every_route(client, run_id):
    return [client.get(BASE), client.get(f"{BASE}{run_id}"), client.get(f"{BASE}{run_id}/progress"),
            client.post(BASE + "start", data={"month": "2026-11"})]


@pytest.mark.parametrize("role", [ORG_ADMIN, ADMIN])
def test_admins_reach_every_route_and_the_menu(client, login, users, run, role):
    login(users[role])
    index, page, progress, start = _every_route(client, run.id)
    assert (index.status_code, page.status_code, progress.status_code, start.status_code) == (200, 200, 200, 302)
    assert "Рассылка квитанций" in index.get_data(as_text=True) and progress.get_json()["state"] == "done"
    assert _runs() == 2


@pytest.mark.parametrize("role", [STAFF, CONSUMER, None])
def test_others_cannot_reach_any_route(client, login, users, run, role):
    if role:
        login(users[role])
    for response in _every_route(client, run.id):
        if role is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            assert response.status_code == 403
    assert _runs() == 1


def test_the_menu_entry_is_not_shown_to_staff(client, login, users):
    login(users[STAFF])
    assert "Рассылка квитанций" not in client.get("/staff/queue/").get_data(as_text=True)


def test_the_form_needs_its_csrf_token(app, client, login, users):
    login(users[ORG_ADMIN])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(BASE + "start", data={"month": "2026-11"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400 and _runs() == 0


def test_an_unknown_run_is_404(client, login, users):
    login(users[ADMIN])
    assert [client.get(f"{BASE}999{suffix}").status_code for suffix in ("", "/progress")] == [404, 404]
