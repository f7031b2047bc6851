"""Issue 10, points 1 and 6: no password oracle behind FAB's REST login; logout (a POST with
CSRF) ends the session on the server, so a cookie copied before it no longer works."""
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditRecord, KabinetUser
from app.security.roles import ADMIN, ORG_ADMIN
from tests.factories import PASSWORD, make_consumer, make_staff


def sign_in(client, login, password=PASSWORD, **extra):
    return client.post("/login/", data={"username": login, "password": password, **extra})


def signed_in(client) -> bool:
    """The portal treats the client as signed in («Мои данные» opens instead of the login page)."""
    return client.get("/my/security/").status_code == 200


def thief_with(app, **cookies):
    """Another browser holding cookies copied from the user's."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief


@pytest.fixture
def user(ctx):
    return make_consumer()


# ---- 1. FAB's security REST API ---------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/security/login", "/api/v1/security/refresh"])
def test_fab_security_api_is_closed(client, user, path):
    response = client.post(path, json={"username": user.email, "password": PASSWORD, "provider": "db",
                                       "refresh": True})
    assert response.status_code == 404
    assert "token" not in response.text


def test_fab_api_login_is_no_password_oracle(client, user):
    answers = {client.post("/api/v1/security/login",
                           json={"username": user.email, "password": f"Wrong-{i}!", "provider": "db"},
                           environ_base={"REMOTE_ADDR": f"10.3.0.{i}"}).status_code for i in range(30)}
    right = client.post("/api/v1/security/login", json={"username": user.email, "password": PASSWORD,
                                                         "provider": "db"})
    assert answers == {404} and right.status_code == 404
    db.session.expire_all()
    assert not db.session.get(KabinetUser, user.id).fail_login_count  # no password was even checked
    assert not db.session.get(KabinetUser, user.id).login_count


# ---- 6. logout --------------------------------------------------------------------------------

def test_logout_is_a_post_and_a_get_signs_nobody_out(client, user):
    sign_in(client, user.email)
    page = client.get("/logout/")
    assert page.status_code == 200
    assert 'method="post"' in page.text and "Выйти" in page.text
    assert signed_in(client)
    response = client.post("/logout/")
    assert response.status_code == 302
    assert not signed_in(client)


def test_a_session_cookie_copied_before_logout_is_dead_after_it(app, client, user):
    sign_in(client, user.email, remember="y")
    stolen_session = client.get_cookie("session").value
    stolen_remember = client.get_cookie("remember_token").value
    assert signed_in(thief_with(app, session=stolen_session))
    assert signed_in(thief_with(app, remember_token=stolen_remember))

    client.post("/logout/")

    assert not signed_in(thief_with(app, session=stolen_session))
    assert not signed_in(thief_with(app, remember_token=stolen_remember))
    assert not signed_in(thief_with(app, session=stolen_session, remember_token=stolen_remember))
    assert db.session.scalar(select(func.count(AuditRecord.id)).where(AuditRecord.action == "account.logout")) == 1


def test_signing_in_again_after_logout_works(client, user):
    sign_in(client, user.email)
    client.post("/logout/")
    sign_in(client, user.email)
    assert signed_in(client)


def test_logout_needs_the_csrf_token_when_csrf_is_on(app, client, user):
    sign_in(client, user.email)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = client.post("/logout/")
        assert refused.status_code == 400
        assert signed_in(client)
        navbar = client.get("/my/security/").text
        form = re.search(r'<form[^>]*action="/logout/"[^>]*>.*?</form>', navbar, re.S)
        assert form, "the navbar «Выход» is a form posting to /logout/"
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.group(0)).group(1)
        assert client.post("/logout/", data={"csrf_token": token}).status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert not signed_in(client)


def test_navbar_has_no_logout_link(client, user):
    sign_in(client, user.email)
    page = client.get("/my/security/").text
    assert 'href="/logout/"' not in page
    assert re.search(r'<form[^>]*method="post"[^>]*action="/logout/"', page)


def test_password_change_ends_sessions_copied_before_it(app, client, user):
    sign_in(client, user.email, remember="y")
    stolen = {"session": client.get_cookie("session").value,
              "remember_token": client.get_cookie("remember_token").value}
    response = client.post("/my/password/", data={"current": PASSWORD, "password": "Newpass-1!",
                                                   "confirm": "Newpass-1!"})
    assert response.status_code == 302
    assert signed_in(client)  # the browser that changed it stays in
    assert not signed_in(thief_with(app, session=stolen["session"]))
    assert not signed_in(thief_with(app, remember_token=stolen["remember_token"]))


def test_blocking_ends_the_users_sessions(app, client, ctx, user):
    from workflows.admin.consumers import set_blocked

    sign_in(client, user.email)
    stolen = client.get_cookie("session").value
    admin = make_staff(ORG_ADMIN)
    set_blocked(db.session.get(KabinetUser, user.id), True, actor=admin)
    db.session.commit()
    assert not signed_in(thief_with(app, session=stolen))
    set_blocked(db.session.get(KabinetUser, user.id), False, actor=admin)
    db.session.commit()
    assert not signed_in(thief_with(app, session=stolen))  # unblocking does not revive old sessions


def test_fab_reset_password_pages_end_the_users_sessions(app, client, ctx, user):
    """FAB's own «Reset Password» (an admin for a user, or for oneself) changes the password
    like ours does: every session made before it ends, except the admin's own browser."""
    sign_in(client, user.email)
    stolen = client.get_cookie("session").value
    admin = make_staff(ADMIN)
    admin_browser = app.test_client()
    sign_in(admin_browser, admin.email)
    response = admin_browser.post(f"/resetpassword/form?pk={user.id}",
                                  data={"password": "Reset-by-admin-1!", "conf_password": "Reset-by-admin-1!"})
    assert response.status_code == 302
    assert not signed_in(thief_with(app, session=stolen))
    sign_in(client, user.email, "Reset-by-admin-1!")
    assert signed_in(client)

    admin_cookie = admin_browser.get_cookie("session").value
    response = admin_browser.post("/resetmypassword/form",
                                  data={"password": "Own-reset-1!", "conf_password": "Own-reset-1!"})
    assert response.status_code == 302
    assert signed_in(admin_browser)  # the browser that changed it stays in
    assert not signed_in(thief_with(app, session=admin_cookie))
