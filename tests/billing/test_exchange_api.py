"""The exchange API /api/v1/billing/ (D1): a billing system with its token pushes a file, follows
its progress, takes the error file, and reads the export stream page by page."""
import csv
import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditRecord, ExportItem, ImportRun, Service
from tests.factories import make_staff
from workflows.billing import exports, tokens

API = "/api/v1/billing/"
SERVICES = "code;name;unit\nEL;Электроснабжение;кВт·ч\n;Без кода;шт\n"


@pytest.fixture
def bearer(ctx):
    _token, secret = tokens.create("Биллинг")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_push_multipart_follow_progress_and_take_the_error_file(client, bearer):
    response = client.post(API + "imports/services", headers=bearer, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(SERVICES.encode()), "services.csv")})
    assert response.status_code == 202
    body = response.get_json()
    assert body["url"] == f"/api/v1/billing/imports/{body['id']}" and body["state"] in ("queued", "done")
    progress = client.get(body["url"], headers=bearer).get_json()
    assert (progress["state"], progress["processed"], progress["created"], progress["errors"]) == ("done", 2, 1, 1)
    errors = client.get(body["url"] + "/errors", headers=bearer)
    rows = list(csv.reader(io.StringIO(errors.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert errors.status_code == 200 and rows[1][:2] == ["3", "code"]
    db.session.expire_all()
    run = db.session.scalars(select(ImportRun)).one()
    assert run.token_id is not None and run.started_by_id is None
    assert db.session.scalars(select(Service.code)).all() == ["EL"]
    used = db.session.scalars(select(AuditRecord.summary).where(AuditRecord.action == "integration_token.used")).all()
    assert used == ["POST /api/v1/billing/imports/services", f"GET /api/v1/billing/imports/{run.id}/errors"]


def test_push_raw_body_twice_changes_nothing_the_second_time(client, bearer):
    for created, unchanged in ((2, 0), (0, 2)):
        response = client.post(API + "imports/services?filename=s.csv", headers=bearer,
                               data="code;name\nEL;Электроснабжение\nGAS;Газ\n".encode(), content_type="text/csv")
        assert response.status_code == 202
        progress = client.get(response.get_json()["url"], headers=bearer).get_json()
        assert (progress["created"], progress["unchanged"]) == (created, unchanged)


def test_refusals_are_json_with_a_russian_detail(client, bearer):
    unknown = client.post(API + "imports/nonsense", headers=bearer, data=b"x", content_type="text/csv")
    assert unknown.status_code == 404 and unknown.get_json() == {
        "title": "Не найдено", "detail": "Неизвестный вид данных для загрузки.", "status": 404}
    assert client.get(API + "exports/nonsense", headers=bearer).get_json()["detail"] == "Неизвестный вид выгрузки."
    assert client.get(API + "imports/999", headers=bearer).get_json()["detail"] == "Загрузка не найдена."
    pdf = client.post(API + "imports/services?filename=s.pdf", headers=bearer, data=b"x", content_type="text/csv")
    assert pdf.status_code == 400 and pdf.get_json()["detail"] == "Загрузить можно только файл CSV или JSON"
    bad = client.get(API + "exports/readings?after=-1", headers=bearer)
    assert bad.status_code == 400 and "Курсор" in bad.get_json()["detail"]
    db.session.expire_all()
    assert db.session.scalars(select(ImportRun)).all() == []
    assert db.session.scalars(select(AuditRecord).where(AuditRecord.action == "integration_token.used")).all() == []


@pytest.mark.parametrize("method, path", [
    ("post", "imports/services"), ("get", "imports/{run}"), ("get", "imports/{run}/errors"),
    ("get", "exports/data_changes"), ("get", "exports/nonsense"), ("post", "imports/nonsense"),
])
@pytest.mark.parametrize("who", ["nobody", "wrong", "revoked", "session"])
def test_without_a_live_token_every_route_is_401(client, login, bearer, method, path, who):
    run = ImportRun(kind="services", file_format="csv", file_id=_file().id, state="done")
    db.session.add(run)
    exports.record("data_changes", {"number": "N-1"})
    db.session.commit()
    headers = {"nobody": {}, "wrong": {"Authorization": "Bearer nope"}, "revoked": bearer, "session": {}}[who]
    if who == "revoked":
        tokens.revoke(db.session.scalars(select(tokens.IntegrationToken)).one().id)
        db.session.commit()
    if who == "session":  # a signed-in admin is not a billing system
        login(make_staff("Admin"))
    url = API + path.format(run=run.id)
    response = client.post(url, headers=headers, data=SERVICES.encode(), content_type="text/csv") \
        if method == "post" else client.get(url, headers=headers)
    assert response.status_code == 401 and response.get_json()["status"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    db.session.expire_all()
    assert db.session.scalar(select(ExportItem.seq)) is None and len(db.session.scalars(select(ImportRun)).all()) == 1


def _file():
    from app.core.files import store_bytes

    return store_bytes(b"code;name\n", "s.csv")


def test_export_pages_by_cursor_in_json_and_csv(client, bearer):
    for n in range(3):
        exports.record("data_changes", {"number": f"N-{n}"})
    db.session.commit()
    first = client.get(API + "exports/data_changes?after=0&limit=2", headers=bearer).get_json()
    assert [i["number"] for i in first["items"]] == ["N-0", "N-1"] and first["next_cursor"] == 2
    exports.record("data_changes", {"number": "N-3"})
    db.session.commit()
    second = client.get(API + f"exports/data_changes?after={first['next_cursor']}&limit=5&format=csv", headers=bearer)
    assert second.headers["X-Next-Cursor"] == "4" and second.mimetype == "text/csv"
    assert [row[2] for row in csv.reader(io.StringIO(second.get_data(as_text=True).lstrip("\ufeff")),
                                         delimiter=";")][1:] == ["N-2", "N-3"]
    last = client.get(API + "exports/data_changes?after=4", headers=bearer).get_json()
    assert last == {"items": [], "next_cursor": 4}


def test_no_csrf_token_is_needed(app, client, bearer):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(API + "imports/services?filename=s.csv", headers=bearer, data=SERVICES.encode(),
                               content_type="text/csv")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 202


def test_rate_limited_like_the_other_endpoints(app, client, bearer):
    from app.extensions import limiter

    limiter.reset()
    app.config["BILLING_API_RATE_LIMIT"] = "2 per minute"
    try:
        statuses = [client.get(API + "exports/readings", headers=bearer) for _ in range(3)]
    finally:
        app.config.pop("BILLING_API_RATE_LIMIT")
        limiter.reset()
    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert statuses[2].get_json() == {"title": "Слишком много запросов",
                                      "detail": "Превышен предел запросов, повторите позже.", "status": 429}


def test_a_push_may_be_larger_than_an_attachment_up_to_the_import_limit(app, client, bearer):
    body = ("code;name\n" + "".join(f"S{n};Услуга {n}\n" for n in range(3))).encode()
    saved = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"], app.config["BILLING_IMPORT_MAX_MB"] = 10, 1
    try:
        accepted = client.post(API + "imports/services?filename=s.csv", headers=bearer, data=body,
                               content_type="text/csv")
        app.config["BILLING_IMPORT_MAX_MB"] = 0
        refused = client.post(API + "imports/services?filename=s.csv", headers=bearer, data=body,
                              content_type="text/csv")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = saved
        app.config.pop("BILLING_IMPORT_MAX_MB")
    assert accepted.status_code == 202
    assert refused.status_code == 400 and refused.get_json()["detail"] == "Файл слишком большой: не более 0 МБ"
