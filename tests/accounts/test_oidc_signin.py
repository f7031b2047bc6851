"""Sign-in through an OpenID Connect provider against a local provider started by the test
(tests/accounts/oidc_provider.py): code flow with PKCE, state and nonce, signed id_token;
an unknown identity is linked only after the password proves the account; unlinking."""
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from app.core.sealing import seal
from app.core.settings import set_setting
from app.extensions import db
from app.models import OidcIdentity, OidcProvider
from app.security.roles import STAFF
from tests.accounts.oidc_provider import CLIENT_ID, CLIENT_SECRET, local_provider, oidc_server  # noqa: F401
from tests.factories import PASSWORD, make_consumer, make_staff

SIGNED_IN_PAGE = "/my/security/"


@pytest.fixture
def provider(ctx, oidc_server):
    row = OidcProvider(name="Тестовый ID", discovery_url=oidc_server.url + "/.well-known/openid-configuration",
                       client_id=CLIENT_ID, client_secret=seal(CLIENT_SECRET), scopes="openid", enabled=True)
    db.session.add(row)
    db.session.commit()
    return row


def at_provider(client, provider_id, **callback_changes):
    """Start the sign-in, let the provider answer, and bring its redirect back to the portal."""
    started = client.get(f"/login/oidc/{provider_id}/")
    assert started.status_code == 302
    back = requests.get(started.headers["Location"], allow_redirects=False, timeout=10).headers["Location"]
    query = {key: values[0] for key, values in parse_qs(urlsplit(back).query).items()}
    query.update(callback_changes)
    return client.get(urlsplit(back).path, query_string=query)


def signed_in(client) -> bool:
    return client.get(SIGNED_IN_PAGE).status_code == 200


def identities() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(OidcIdentity))


def link_with_password(client, user, password=PASSWORD):
    return client.post("/login/oidc/link", data={"username": user.email, "password": password})


def test_the_login_page_offers_enabled_providers_only(client, provider):
    page = client.get("/login/").get_data(as_text=True)
    assert "Войти через Тестовый ID" in page
    provider.enabled = False
    db.session.commit()
    assert "Войти через Тестовый ID" not in client.get("/login/").get_data(as_text=True)


def test_the_request_asks_for_pkce_state_nonce_and_returns_to_public_url_not_host(client, provider, app):
    started = client.get(f"/login/oidc/{provider.id}/", headers={"Host": "evil.example"})
    params = parse_qs(urlsplit(started.headers["Location"]).query)
    assert params["redirect_uri"] == [app.config["PUBLIC_URL"].rstrip("/") + "/login/oidc/callback"]
    assert params["code_challenge_method"] == ["S256"] and params["code_challenge"][0]
    assert params["state"][0] and params["nonce"][0] and params["client_id"] == [CLIENT_ID]


def test_unknown_identity_links_only_after_the_password_proves_the_account(client, provider, oidc_server, app):
    user = make_consumer()
    answer = at_provider(client, provider.id)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/login/oidc/link")
    assert not signed_in(client) and identities() == 0
    page = client.get("/login/oidc/link").get_data(as_text=True)
    assert "еще не связан" in page and "Зарегистрируйтесь!" in page
    wrong = link_with_password(client, user, "not-the-password")
    assert "Неверный логин или пароль" in wrong.get_data(as_text=True)
    assert not signed_in(client) and identities() == 0
    assert link_with_password(client, user).status_code == 302
    assert signed_in(client)
    identity = db.session.scalars(select(OidcIdentity)).one()
    assert (identity.user_id, identity.subject) == (user.id, oidc_server.subject)
    # next time the provider alone signs the user in
    browser = app.test_client()
    assert not signed_in(browser)
    again = at_provider(browser, provider.id)
    assert again.status_code == 302 and "/login/oidc/link" not in again.headers["Location"]
    assert signed_in(browser)


def test_a_linked_user_with_two_factor_login_is_asked_for_the_code(client, provider, oidc_server):
    user = make_consumer()
    user.totp_enabled, user.totp_secret = True, "JBSWY3DPEHPK3PXP"
    db.session.add(OidcIdentity(provider_id=provider.id, subject=oidc_server.subject, user_id=user.id))
    db.session.commit()
    answer = at_provider(client, provider.id)
    assert answer.headers["Location"].endswith("/login/totp/")
    assert not signed_in(client)


@pytest.mark.parametrize("tamper", [
    pytest.param(lambda server: {"nonce": "another-nonce"}, id="wrong nonce"),
    pytest.param(lambda server: {"exp": 1_000_000_000, "iat": 999_999_000}, id="expired"),
    pytest.param(lambda server: {"key": server.forger}, id="bad signature"),
    pytest.param(lambda server: {"aud": "someone-else"}, id="another audience"),
    pytest.param(lambda server: {"iss": "http://127.0.0.1:1"}, id="another issuer"),
])
def test_a_bad_id_token_is_refused(client, provider, oidc_server, tamper):
    user = make_consumer()
    db.session.add(OidcIdentity(provider_id=provider.id, subject=oidc_server.subject, user_id=user.id))
    db.session.commit()
    oidc_server.tamper = tamper(oidc_server)
    answer = at_provider(client, provider.id)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/login/")
    assert "Не удалось войти через внешний сервис" in client.get("/login/").get_data(as_text=True)
    assert not signed_in(client)


def test_state_mismatch_and_replay_are_refused(client, provider, oidc_server, app):
    user = make_consumer()
    db.session.add(OidcIdentity(provider_id=provider.id, subject=oidc_server.subject, user_id=user.id))
    db.session.commit()
    assert at_provider(client, provider.id, state="forged-state").headers["Location"].endswith("/login/")
    assert not signed_in(client)
    started = client.get(f"/login/oidc/{provider.id}/")
    back = requests.get(started.headers["Location"], allow_redirects=False, timeout=10).headers["Location"]
    callback = urlsplit(back).path + "?" + urlsplit(back).query
    assert client.get(callback).status_code == 302 and signed_in(client)
    replayed = app.test_client()  # another browser with the same callback: no flow of its own
    assert replayed.get(callback).headers["Location"].endswith("/login/")
    assert not signed_in(replayed)


def test_the_linking_pages_need_a_sign_in_at_the_provider_first(client):
    for url in ("/login/oidc/link", "/login/oidc/link/code/enter"):
        assert client.get(url).location.endswith("/login/")
    assert client.post("/login/oidc/link", data={"username": "x@example.ru", "password": "x"}).location.endswith(
        "/login/")


def test_a_disabled_provider_is_refused(client, provider, oidc_server):
    user = make_consumer()
    db.session.add(OidcIdentity(provider_id=provider.id, subject=oidc_server.subject, user_id=user.id))
    started = client.get(f"/login/oidc/{provider.id}/")
    provider.enabled = False
    db.session.commit()
    back = requests.get(started.headers["Location"], allow_redirects=False, timeout=10).headers["Location"]
    assert client.get(urlsplit(back).path + "?" + urlsplit(back).query).headers["Location"].endswith("/login/")
    assert not signed_in(client)
    assert client.get(f"/login/oidc/{provider.id}/").status_code == 404
    assert client.get("/login/oidc/999999/").status_code == 404


def test_unlink_from_the_security_page(client, login, provider, oidc_server):
    owner, other = make_consumer(), make_consumer()
    identity = OidcIdentity(provider_id=provider.id, subject=oidc_server.subject, user_id=owner.id)
    db.session.add(identity)
    db.session.commit()
    url = f"/my/security/sign-in-services/{identity.id}/unlink"
    assert client.post(url).status_code == 302 and identities() == 1  # anonymous: to the login page
    login(other)
    assert client.get("/my/security/sign-in-services/").status_code == 200
    assert client.post(url).status_code == 404 and identities() == 1
    login(owner)
    assert "Привязанные сервисы" in client.get("/my/security/").get_data(as_text=True)
    assert "Тестовый ID" in client.get("/my/security/sign-in-services/").get_data(as_text=True)
    assert client.post(url).status_code == 302 and identities() == 0


def test_a_one_time_code_proves_the_account_too(client, provider, code_for):
    user = make_consumer()
    at_provider(client, provider.id)
    assert client.post("/login/oidc/link/code", data={"destination": user.phone}).status_code == 302
    page = client.post("/login/oidc/link/code/enter", data={"code": "000000"})
    assert page.status_code == 200 and not signed_in(client) and identities() == 0
    assert client.post("/login/oidc/link/code/enter", data={"code": code_for(user.phone)}).status_code == 302
    assert signed_in(client)
    assert db.session.scalars(select(OidcIdentity)).one().user_id == user.id


def test_a_staff_member_who_must_enrol_in_two_factor_login_is_sent_to_enrol(client, provider, oidc_server):
    set_setting("totp_required_for_staff", True)
    staff = make_staff(STAFF)
    db.session.add(OidcIdentity(provider_id=provider.id, subject=oidc_server.subject, user_id=staff.id))
    db.session.commit()
    assert at_provider(client, provider.id).location.endswith("/my/security/totp/")
    assert client.get("/staff/queue/").location.endswith("/my/security/totp/")
