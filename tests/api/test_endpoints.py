"""What the consumer API answers: problem details, cursor pages, «Мои данные» through the page's
form, the balance of the linked accounts, the OpenAPI document and its documentation page."""
from app.extensions import db
from app.models import KabinetUser, Notification
from tests.api.conftest import bearer, notice, sign_in
from tests.billing import builders as b


def _get(client, user, url, **kwargs):
    return client.get(url, headers=bearer(sign_in(client, user)["access_token"]), **kwargs)


def _all_pages(client, access, url, limit):
    items, cursor, pages = [], None, 0
    while True:
        query = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        body = client.get(url, query_string=query, headers=bearer(access)).get_json()
        items += body["items"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return items, pages


def test_problem_details_shape(client, people):
    response = client.post("/api/v1/auth/token", json={"grant_type": "magic", "login": 5})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json() == {
        "type": "about:blank", "title": "Неверные данные", "status": 422, "detail": "Проверьте данные запроса.",
        "errors": {"grant_type": "Неверное значение.", "login": "Ожидается строка."}}
    missing = _get(client, people.owner, "/api/v1/personal-accounts/999999/charges")
    assert missing.status_code == 404
    assert missing.get_json() == {"type": "about:blank", "title": "Не найдено", "status": 404, "detail": "Не найдено."}


def test_charges_page_by_cursor(client, people):
    access = sign_in(client, people.owner)["access_token"]
    url = f"/api/v1/personal-accounts/{people.account.id}/charges"
    items, pages = _all_pages(client, access, url, limit=2)
    assert pages == 3
    assert [item["id"] for item in items] == [c.id for c in people.charges]  # newest month first
    assert items[0]["amount"] == "100.50" and items[0]["kind_label"] == "Начисление"
    assert items[0]["volume"] == "12.5" and items[0]["month"] == people.charges[0].month.isoformat()


def test_a_changed_cursor_is_refused(client, people):
    access = sign_in(client, people.owner)["access_token"]
    response = client.get("/api/v1/notifications", query_string={"cursor": "W10.forged"}, headers=bearer(access))
    assert response.status_code == 400 and response.get_json()["errors"] == {"cursor": "Неверный курсор."}
    too_many = client.get("/api/v1/notifications", query_string={"limit": 1000}, headers=bearer(access))
    assert too_many.status_code == 422 and "limit" in too_many.get_json()["errors"]


def test_notifications_by_cursor_and_read(client, people):
    access = sign_in(client, people.owner)["access_token"]
    items, pages = _all_pages(client, access, "/api/v1/notifications", limit=2)
    assert pages == 2 and [n["title"] for n in items] == ["Уведомление 2", "Уведомление 1", "Уведомление 0"]
    read = client.post(f"/api/v1/notifications/{people.notices[1].id}/read", headers=bearer(access))
    assert read.status_code == 200 and read.get_json()["read"] is True
    unread = client.get("/api/v1/notifications", query_string={"state": "unread"}, headers=bearer(access))
    assert [n["title"] for n in unread.get_json()["items"]] == ["Уведомление 2", "Уведомление 0"]
    db.session.expire_all()
    assert db.session.get(Notification, people.notices[1].id).read_at is not None


def test_personal_accounts_with_balance(client, people):
    b.balance(people.account, people.charges[0].month, "1234.56")
    b.commit()
    body = _get(client, people.owner, "/api/v1/personal-accounts").get_json()
    assert body["items"] == [{"id": people.account.id, "number": people.account.number,
                              "address": people.account.address, "branch": people.account.branch.name,
                              "balance": "1234.56", "receipt_electronic": False}]


def test_me_and_patch_through_the_page_form(client, people):
    access = sign_in(client, people.owner)["access_token"]
    me = client.get("/api/v1/me", headers=bearer(access)).get_json()
    assert me["legal_form"] == "individual" and me["missing_fields"] == []
    assert me["profile"]["birth_date"] == "1980-05-01" and "snils" in me["read_only"]
    saved = client.patch("/api/v1/me", json={"middle_name": "Петрович", "birth_date": "1981-02-03"},
                         headers=bearer(access))
    assert saved.status_code == 200 and saved.get_json()["profile"]["birth_date"] == "1981-02-03"
    db.session.expire_all()
    assert db.session.get(KabinetUser, people.owner.id).consumer.middle_name == "Петрович"


def test_patch_refusals_name_their_field_and_change_nothing(client, people):
    access = sign_in(client, people.owner)["access_token"]
    for body, field in (({"passport_series": ""}, "passport_series"), ({"birth_date": "31.12.1980"}, "birth_date"),
                        ({"snils": "12345678901"}, "snils"), ({"kpp": "773601001"}, "kpp"),
                        ({"surname": "X"}, "surname")):
        response = client.patch("/api/v1/me", json=body | {"middle_name": "Новое"}, headers=bearer(access))
        assert response.status_code in (400, 422), body
        assert field in response.get_json()["errors"], response.get_json()
    db.session.expire_all()
    consumer = db.session.get(KabinetUser, people.owner.id).consumer
    assert consumer.middle_name == "Сергеевич" and consumer.passport_series == "4510"


def test_openapi_document_and_docs_page(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and spec["info"]["title"] == "API личного кабинета"
    assert {"/api/v1/me", "/api/v1/personal-accounts", "/api/v1/notifications"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    page = client.get("/api/v1/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    assert "<script>" not in html  # the CSP allows no inline script: every script has its src


def test_an_old_notice_page_keeps_its_order_when_new_ones_arrive(client, people):
    access = sign_in(client, people.owner)["access_token"]
    first = client.get("/api/v1/notifications", query_string={"limit": 2}, headers=bearer(access)).get_json()
    notice(people.owner, "Новое")
    b.commit()
    rest = client.get("/api/v1/notifications", query_string={"limit": 2, "cursor": first["next_cursor"]},
                      headers=bearer(access)).get_json()
    assert [n["title"] for n in rest["items"]] == ["Уведомление 0"] and rest["next_cursor"] is None
