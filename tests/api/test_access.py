"""Every consumer endpoint × {owner, another consumer, anonymous, staff, an integration token of
the billing exchange, a session cookie}: no unauthorized 2xx, and nothing changed by anyone who may
not. Another consumer's objects are «not found»; staff are «forbidden»."""
import pytest

from app.extensions import db
from app.models import Notification
from tests.api.conftest import bearer, sign_in

ROUTES = [
    ("GET", "/api/v1/me", None),
    ("PATCH", "/api/v1/me", {"middle_name": "Иванович"}),
    ("GET", "/api/v1/personal-accounts", None),
    ("GET", "/api/v1/personal-accounts/{account}/charges", None),
    ("GET", "/api/v1/notifications", None),
    ("POST", "/api/v1/notifications/{notice}/read", None),
]
#: who → the status every route answers (the owner: 200)
EXPECTED = {"owner": 200, "anonymous": 401, "integration": 401, "cookie": 401, "staff": 403}
#: the routes of one object: another consumer does not find it
OBJECT_ROUTES = {"/api/v1/personal-accounts/{account}/charges", "/api/v1/notifications/{notice}/read"}


def _headers(client, people, who, login):
    if who == "anonymous":
        return {}
    if who == "integration":
        return bearer(people.integration_token)
    if who == "cookie":
        login(people.owner)
        return {}
    user = {"owner": people.owner, "other": people.other, "staff": people.staff}[who]
    return bearer(sign_in(client, user)["access_token"])


@pytest.mark.parametrize("method,route,body", ROUTES, ids=[f"{m} {r}" for m, r, _ in ROUTES])
@pytest.mark.parametrize("who", ["owner", "other", "anonymous", "integration", "cookie", "staff"])
def test_route_by_role(client, login, people, who, method, route, body):
    url = route.format(account=people.account.id, notice=people.notices[0].id)
    response = client.open(url, method=method, json=body, headers=_headers(client, people, who, login))
    if who == "other":
        expected = 404 if route in OBJECT_ROUTES else 200
    else:
        expected = EXPECTED[who]
    assert response.status_code == expected, response.get_data(as_text=True)
    if expected != 200:
        assert response.mimetype == "application/problem+json"
    db.session.expire_all()
    assert (db.session.get(Notification, people.notices[0].id).read_at is not None) == (
        who == "owner" and route.endswith("/read"))
    changed = people.owner.consumer.middle_name == "Иванович"
    assert changed == (who == "owner" and method == "PATCH")


def test_another_consumer_sees_only_their_own(client, people):
    access = sign_in(client, people.other)["access_token"]
    accounts = client.get("/api/v1/personal-accounts", headers=bearer(access)).get_json()["items"]
    assert [a["id"] for a in accounts] == [people.other_account.id]
    notices = client.get("/api/v1/notifications", headers=bearer(access)).get_json()["items"]
    assert [n["title"] for n in notices] == ["Чужое уведомление"]


def test_tokens_do_not_cross_between_the_two_apis(client, people):
    """A consumer's access token opens nothing of the billing exchange, and an integration token
    nothing of the consumer API (above); both are refused as 401."""
    access = sign_in(client, people.owner)["access_token"]
    response = client.get("/api/v1/billing/exports/accounts", headers=bearer(access))
    assert response.status_code == 401


def test_sign_in_has_the_login_page_limits(client, app, people):
    body = {"grant_type": "password", "login": people.owner.email, "password": "wrong"}
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    answers = [client.post("/api/v1/auth/token", json=body).status_code for _ in range(limit + 1)]
    assert answers == [401] * limit + [429]
    refused = client.post("/api/v1/auth/token", json=body | {"password": "Secret-123!"})
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert refused.get_json()["detail"] == "Превышен предел запросов, повторите позже."
