"""«Загрузка из биллинга» (D1): upload → run page → progress JSON → error file, the list of runs,
the page of a run still going (the figures its script moves), and who may see any of it."""
import csv
import io
import re

import pytest
from sqlalchemy import select

from app.core.files import store_bytes
from app.extensions import db
from app.models import ImportRun, Service
from app.models.billing import ImportState
from app.security.roles import ADMIN, CONSUMER, ORG_ADMIN, STAFF
from tests.factories import make_consumer, make_staff

BASE = "/billing/imports/"
SERVICES = "code;name;unit\nEL;Электроснабжение;кВт·ч\n;Без кода;шт\nHVS;Холодное водоснабжение;м³\n"


@pytest.fixture
def users(ctx):
    return {ADMIN: make_staff(ADMIN), ORG_ADMIN: make_staff(ORG_ADMIN), STAFF: make_staff(STAFF),
            CONSUMER: make_consumer(), None: None}


def _upload(client, data: str, name: str = "services.csv", kind: str = "services"):
    return client.post(BASE + "start", data={"kind": kind, "file": (io.BytesIO(data.encode()), name)},
                       content_type="multipart/form-data")


def _run(state=ImportState.RUNNING, total=10, processed=4, errors=1, started_by=None) -> ImportRun:
    stored = store_bytes(b"code;name\n", "services.csv")
    run = ImportRun(kind="services", file_format="csv", file_id=stored.id, state=state, total=total,
                    processed=processed, created=processed - errors, errors=errors,
                    started_by_id=getattr(started_by, "id", None))
    db.session.add(run)
    db.session.commit()
    return run


@pytest.mark.parametrize("role", [ORG_ADMIN, ADMIN])
def test_upload_run_page_progress_and_error_file(client, login, users, role):
    login(users[role])
    response = _upload(client, SERVICES)
    assert response.status_code == 302
    run_url = response.headers["Location"]
    run_id = int(re.search(r"/billing/imports/(\d+)$", run_url).group(1))
    page = client.get(run_url).get_data(as_text=True)
    assert "Услуги" in page and "services.csv" in page and "Завершена" in page
    assert re.search(r'data-test="import-processed">3<', page) and re.search(r'data-test="import-errors">1<', page)
    assert "Скачать файл ошибок" in page and "/static/js/run-progress.js" in page
    progress = client.get(f"{BASE}{run_id}/progress").get_json()
    assert progress["state"] == "done" and progress["finished"] is True and progress["percent"] == 100
    assert (progress["total"], progress["processed"], progress["created"], progress["errors"]) == (3, 3, 2, 1)
    errors = client.get(f"{BASE}{run_id}/errors")
    assert errors.status_code == 200 and "attachment" in errors.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(errors.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Строка", "Столбец", "Причина", "Данные"] and rows[1][0] == "3" and rows[1][1] == "code"
    db.session.expire_all()
    assert sorted(db.session.scalars(select(Service.code))) == ["EL", "HVS"]
    listing = client.get(BASE).get_data(as_text=True)
    assert "services.csv" in listing and users[role].display_name in listing


def test_a_run_still_going_shows_its_figures_and_the_json_moves(client, login, users):
    run = _run(started_by=users[ORG_ADMIN])
    login(users[ORG_ADMIN])
    page = client.get(f"{BASE}{run.id}").get_data(as_text=True)
    assert "Выполняется" in page and 'style="width: 40%"' in page and "Обновить страницу" in page
    assert 'data-finished="false"' in page and f'data-progress-url="/billing/imports/{run.id}/progress"' in page
    assert re.search(r'data-test="import-total">10<', page) and "<script>" not in page
    assert client.get(f"{BASE}{run.id}/progress").get_json()["percent"] == 40
    run.processed, run.errors = 9, 2
    db.session.commit()
    moved = client.get(f"{BASE}{run.id}/progress")
    assert moved.headers["Cache-Control"] == "no-store"
    assert (moved.get_json()["processed"], moved.get_json()["errors"], moved.get_json()["percent"]) == (9, 2, 90)
    run.state, run.processed = ImportState.DONE, 10
    db.session.commit()
    page = client.get(f"{BASE}{run.id}").get_data(as_text=True)
    assert 'data-finished="true"' in page and "Обновить страницу" not in page and "Завершена" in page


def test_a_failed_file_says_why(client, login, users):
    login(users[ORG_ADMIN])
    response = _upload(client, "name;unit\nЭлектроснабжение;кВт·ч\n")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Файл не принят" in page and "code" in page
    assert client.get(response.headers["Location"] + "/progress").get_json()["state"] == "failed"
    db.session.expire_all()
    assert db.session.scalars(select(Service)).all() == []


@pytest.mark.parametrize("data, name, kind, field, message", [
    (SERVICES, "services.csv", "", "kind", "Выберите, какие данные в файле"),
    (SERVICES, "services.csv", "nonsense", "kind", "Выберите вид данных из списка"),
    (SERVICES, "services.pdf", "services", "file", "Загрузить можно только файл CSV или JSON"),
])
def test_a_refused_upload_says_why_under_the_field(client, login, users, data, name, kind, field, message):
    login(users[ORG_ADMIN])
    response = _upload(client, data, name, kind)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(rf'data-test="error-{field}">{re.escape(message)}', page)
    if kind == "services":
        assert re.search(r'<option selected value="services">', page)  # what was chosen survives
    db.session.expire_all()
    assert db.session.scalars(select(ImportRun)).all() == []


def test_no_file_is_said_under_the_file_field(client, login, users):
    login(users[ORG_ADMIN])
    response = client.post(BASE + "start", data={"kind": "services"}, content_type="multipart/form-data")
    assert response.status_code == 400 and 'data-test="error-file">Выберите файл' in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [STAFF, CONSUMER, None])
def test_others_cannot_reach_any_route(client, login, users, role):
    run = _run(state=ImportState.DONE, started_by=users[ADMIN])
    if role:
        login(users[role])
    responses = [client.get(BASE), client.get(f"{BASE}{run.id}"), client.get(f"{BASE}{run.id}/progress"),
                 client.get(f"{BASE}{run.id}/errors"), _upload(client, SERVICES)]
    for response in responses:
        if role is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            assert response.status_code == 403
    db.session.expire_all()
    assert len(db.session.scalars(select(ImportRun)).all()) == 1


def test_unknown_run_is_404(client, login, users):
    login(users[ADMIN])
    for suffix in ("", "/progress", "/errors"):
        assert client.get(f"{BASE}999{suffix}").status_code == 404
