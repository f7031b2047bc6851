"""«Токены интеграции» (D1): created and shown once, only the SHA-256 kept, revoked → refused."""
import hashlib
import re

import pytest
from sqlalchemy import select

from app.core.errors import Invalid
from app.extensions import db
from app.models import AuditRecord, IntegrationToken
from app.security.roles import ADMIN, CONSUMER, ORG_ADMIN, STAFF
from tests.factories import make_consumer, make_staff
from workflows.billing import tokens

BASE = "/billing/tokens/"
EXPORT = "/api/v1/billing/exports/data_changes"


@pytest.fixture
def users(ctx):
    return {ADMIN: make_staff(ADMIN), ORG_ADMIN: make_staff(ORG_ADMIN), STAFF: make_staff(STAFF),
            CONSUMER: make_consumer(), None: None}


def _tokens() -> list[IntegrationToken]:
    db.session.expire_all()
    return list(db.session.scalars(select(IntegrationToken).order_by(IntegrationToken.id)))


@pytest.mark.parametrize("role", [ORG_ADMIN, ADMIN])
def test_created_token_is_shown_once_and_kept_as_a_hash(client, login, users, role):
    login(users[role])
    response = client.post(BASE + "create", data={"name": "Биллинг «Стек»"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    secret = re.search(r'data-test="token-secret">([^<]+)<', page).group(1)
    assert len(secret) >= 40
    [row] = _tokens()
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest() and secret not in (row.name, row.token_hash)
    assert row.prefix == secret[:8] and row.created_by_id == users[role].id
    listing = client.get(BASE).get_data(as_text=True)
    assert secret not in listing and row.prefix in listing and "не использовался" in listing
    assert client.get(EXPORT, headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert "не использовался" not in client.get(BASE).get_data(as_text=True)
    assert db.session.scalars(select(AuditRecord.action).where(AuditRecord.action.like("integration_token.%"))
                              ).all() == ["integration_token.create", "integration_token.used"]


def test_revoked_token_is_refused(client, login, users):
    login(users[ORG_ADMIN])
    token, secret = tokens.create("Биллинг", actor=users[ORG_ADMIN])
    db.session.commit()
    header = {"Authorization": f"Bearer {secret}"}
    assert client.get(EXPORT, headers=header).status_code == 200
    response = client.post(f"{BASE}{token.id}/revoke")
    assert response.status_code == 302
    assert "отозван" in client.get(BASE).get_data(as_text=True)
    refused = client.get(EXPORT, headers=header)
    assert refused.status_code == 401 and refused.get_json()["status"] == 401
    assert _tokens()[0].revoked_at is not None


def test_name_is_required_and_said_under_the_field(client, login, users):
    login(users[ORG_ADMIN])
    response = client.post(BASE + "create", data={"name": "  "})
    assert response.status_code == 400 and "Укажите название токена" in response.get_data(as_text=True)
    response = client.post(BASE + "create", data={"name": "x" * 201})
    assert response.status_code == 400 and "Не длиннее 200 символов" in response.get_data(as_text=True)
    assert 'value="' + "x" * 201 in response.get_data(as_text=True)
    assert _tokens() == []
    with pytest.raises(Invalid):
        tokens.create(" ")


@pytest.mark.parametrize("header", [None, "", "Bearer", "Basic abc", "Bearer wrong-token", "bearer  "])
def test_authenticate_refuses_what_is_not_a_live_token(ctx, header):
    tokens.create("Биллинг")
    with pytest.raises(tokens.Unauthenticated):
        tokens.authenticate(header)


@pytest.mark.parametrize("role", [STAFF, CONSUMER, None])
def test_others_cannot_see_create_or_revoke(client, login, users, role):
    token, _secret = tokens.create("Биллинг", actor=users[ADMIN])
    db.session.commit()
    if role:
        login(users[role])
    for response in (client.get(BASE), client.post(BASE + "create", data={"name": "Чужой"}),
                     client.post(f"{BASE}{token.id}/revoke")):
        if role is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            assert response.status_code == 403
    assert [(t.name, t.revoked_at) for t in _tokens()] == [("Биллинг", None)]


def test_menu_entries_for_admins_only(client, login, users):
    login(users[ORG_ADMIN])
    page = client.get(BASE).get_data(as_text=True)
    for entry in ("Токены интеграции", "Выгрузка в биллинг", "Загрузка из биллинга"):
        assert entry in page
    with client.session_transaction() as session:
        session.clear()
    login(users[STAFF])
    page = client.get("/staff/queue/").get_data(as_text=True)
    assert "Токены интеграции" not in page and "Загрузка из биллинга" not in page


def test_every_form_of_the_exchange_screens_needs_the_csrf_token(app, client, login, users):
    token, _secret = tokens.create("Биллинг", actor=users[ADMIN])
    db.session.commit()
    login(users[ORG_ADMIN])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        responses = [client.post(BASE + "create", data={"name": "Без токена формы"}),
                     client.post(f"{BASE}{token.id}/revoke"),
                     client.post("/billing/exports/data_changes/download", data={
                         "data_changes-after": "0", "data_changes-limit": "10", "data_changes-file_format": "csv"}),
                     client.post("/billing/imports/start", data={"kind": "services"})]
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert [r.status_code for r in responses] == [400, 400, 400, 400]
    assert [(t.name, t.revoked_at) for t in _tokens()] == [("Биллинг", None)]
