"""Tokens of the consumer API: issued by password (and TOTP where enabled), refresh rotation, a
reused refresh token revoking its session, logout, a password change and the site's «Выход»
revoking every token, an expired or forged access token refused."""
from datetime import datetime, timedelta, timezone

import pyotp
import time_machine

from app.extensions import db
from app.models import ApiSession, KabinetUser
from tests.api.conftest import bearer, sign_in
from tests.factories import PASSWORD
from workflows.accounts import login as login_flow
from workflows.accounts.passwords import change_password


def _me(client, access):
    return client.get("/api/v1/me", headers=bearer(access))


def _refresh(client, refresh):
    return client.post("/api/v1/auth/refresh", json={"refresh_token": refresh})


def test_password_sign_in_gives_a_working_pair(client, people):
    pair = sign_in(client, people.owner)
    assert pair["token_type"] == "Bearer" and pair["expires_in"] == 15 * 60
    response = _me(client, pair["access_token"])
    assert response.status_code == 200 and response.get_json()["id"] == people.owner.id


def test_wrong_password_is_refused_and_counted(client, people):
    response = client.post("/api/v1/auth/token", json={"grant_type": "password", "login": people.owner.email,
                                                       "password": "wrong"})
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == "Неверный логин или пароль"
    db.session.expire_all()
    assert db.session.get(KabinetUser, people.owner.id).fail_login_count == 1
    assert db.session.query(ApiSession).count() == 0


def test_refresh_rotates_and_a_reused_one_revokes_the_session(client, people):
    first = sign_in(client, people.owner)
    second = _refresh(client, first["refresh_token"])
    assert second.status_code == 200
    second = second.get_json()
    assert second["refresh_token"] != first["refresh_token"]
    assert _me(client, second["access_token"]).status_code == 200
    reused = _refresh(client, first["refresh_token"])
    assert reused.status_code == 401
    assert reused.get_json()["detail"] == "Токен обновления недействителен. Войдите заново."
    # the thief's copy and the rightful pair both stop working
    assert _me(client, second["access_token"]).status_code == 401
    assert _refresh(client, second["refresh_token"]).status_code == 401
    assert db.session.query(ApiSession).one().revoked_reason == "reuse"


def test_logout_revokes_this_sign_in_only(client, people):
    phone, tablet = sign_in(client, people.owner), sign_in(client, people.owner)
    assert client.post("/api/v1/auth/logout", headers=bearer(phone["access_token"])).status_code == 204
    assert _me(client, phone["access_token"]).status_code == 401
    assert _refresh(client, phone["refresh_token"]).status_code == 401
    assert _me(client, tablet["access_token"]).status_code == 200


def test_password_change_revokes_every_token(client, people):
    pair = sign_in(client, people.owner)
    with client.application.test_request_context():
        change_password(db.session.get(KabinetUser, people.owner.id), PASSWORD, "Another-456!")
        db.session.commit()
    assert _me(client, pair["access_token"]).status_code == 401
    assert _refresh(client, pair["refresh_token"]).status_code == 401


def test_site_logout_revokes_every_token(client, people):
    pair = sign_in(client, people.owner)
    with client.application.test_request_context():
        login_flow.sign_out(db.session.get(KabinetUser, people.owner.id))
        db.session.commit()
    assert _me(client, pair["access_token"]).status_code == 401
    assert _refresh(client, pair["refresh_token"]).status_code == 401


def test_expired_access_token_is_refused_and_refresh_still_works(client, people):
    pair = sign_in(client, people.owner)
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=16)):
        response = _me(client, pair["access_token"])
        assert response.status_code == 401
        assert response.get_json()["detail"] == "Срок действия токена доступа истек. Обновите его."
        assert _refresh(client, pair["refresh_token"]).status_code == 200


def test_forged_and_missing_tokens_are_refused(client, people):
    pair = sign_in(client, people.owner)
    for headers in ({}, bearer(pair["access_token"][:-2] + "xx"), bearer(pair["refresh_token"]),
                    {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")


def test_totp_account_needs_its_code(client, people):
    with client.application.test_request_context():
        user = db.session.get(KabinetUser, people.owner.id)
        user.totp_secret, user.totp_enabled = pyotp.random_base32(), True
        db.session.commit()
        secret = user.totp_secret
    body = {"grant_type": "password", "login": people.owner.email, "password": PASSWORD}
    asked = client.post("/api/v1/auth/token", json=body)
    assert asked.status_code == 401 and "totp" in asked.get_json()["errors"]
    wrong = client.post("/api/v1/auth/token", json={**body, "totp": "000000"})
    assert wrong.status_code == 400 and wrong.get_json()["errors"]["totp"].startswith("Неверный код")
    right = client.post("/api/v1/auth/token", json={**body, "totp": pyotp.TOTP(secret).now()})
    assert right.status_code == 200 and _me(client, right.get_json()["access_token"]).status_code == 200


def test_session_cookie_is_not_api_auth(client, login, people):
    login(people.owner)
    response = client.get("/api/v1/me")
    assert response.status_code == 401


def test_one_time_code_sign_in(client, people):
    from tests.accounts.conftest import last_code

    phone = people.owner.phone
    sent = client.post("/api/v1/auth/code", json={"destination": phone})
    assert sent.status_code == 202
    assert sent.get_json()["detail"] == str(login_flow.MSG_CODE_SENT)
    wrong = client.post("/api/v1/auth/token", json={"grant_type": "code", "destination": phone, "code": "000000"})
    assert wrong.status_code == 400 and "code" in wrong.get_json()["errors"]
    right = client.post("/api/v1/auth/token", json={"grant_type": "code", "destination": phone,
                                                    "code": last_code(phone)})
    assert right.status_code == 200 and _me(client, right.get_json()["access_token"]).status_code == 200
    bad = client.post("/api/v1/auth/code", json={"destination": "не адрес"})
    assert bad.status_code == 400 and bad.get_json()["errors"] == {"destination": "Укажите email или номер телефона."}
