"""D4 tariff documents: admins upload or replace the PDF on «Документы об утверждении тарифов»;
consumers download it from «Реквизиты лицевого счета» — only documents of the tariffs of their
account's services (and branch), and nobody else."""
import io
from datetime import date

import pytest

from app.extensions import db
from app.models import StoredFile, TariffDocument
from app.security.roles import ADMIN, ORG_ADMIN, STAFF
from tests.billing import builders as b
from tests.factories import make_consumer, make_staff

PDF = b"%PDF-1.4\n% tariff order\n"


def _document(code: str, title: str) -> TariffDocument:
    row = TariffDocument(code=code, title=title)
    db.session.add(row)
    db.session.flush()
    return row


def _upload(client, document, data=PDF, name="prikaz.pdf"):
    return client.post(f"/admin/tariff-documents/{document.id}/upload",
                       data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


@pytest.fixture
def world(ctx):
    owner, co_owner = make_consumer(), make_consumer()
    acc = b.account()
    b.provide(acc)
    ours = _document("PR-10", "Приказ № 10 об утверждении тарифов")
    b.tariff("6.43", date(2026, 1, 1), document=ours)
    water = b.service("HVS", "Холодное водоснабжение", "м³")
    not_ours = _document("PR-20", "Приказ № 20 (водоснабжение)")
    b.tariff("45.10", date(2026, 1, 1), of_service=water, document=not_ours)
    other_branch = _document("PR-30", "Приказ № 30 (Северный филиал)")
    foreign = b.tariff("9.99", date(2026, 1, 1), document=other_branch)
    foreign.branch_id = b.branch("02", "Северный филиал").id
    b.link(owner, acc)
    b.link(co_owner, acc)
    admin = make_staff(ORG_ADMIN, commit=False)
    b.commit()
    return dict(owner=owner, co_owner=co_owner, account=acc, ours=ours, not_ours=not_ours,
                other_branch=other_branch, admin=admin)


def test_admin_uploads_and_replaces_the_pdf(client, login, world):
    login(world["admin"])
    page = client.get("/admin/tariff-documents/").get_data(as_text=True)
    assert "Документы об утверждении тарифов" in page and "Приказ № 10 об утверждении тарифов" in page
    assert _upload(client, world["ours"]).status_code == 302
    db.session.expire_all()
    first = db.session.get(TariffDocument, world["ours"].id).file
    assert first.original_name == "prikaz.pdf" and first.content_type == "application/pdf"
    first_id = first.id
    assert "prikaz.pdf" in client.get("/admin/tariff-documents/").get_data(as_text=True)
    assert client.get(f"/admin/tariff-documents/{world['ours'].id}/file").data == PDF
    assert _upload(client, world["ours"], PDF + b"v2", "prikaz-2.pdf").status_code == 302
    db.session.expire_all()
    assert db.session.get(TariffDocument, world["ours"].id).file.original_name == "prikaz-2.pdf"
    assert db.session.get(StoredFile, first_id) is None  # the replaced file is gone
    assert client.get(f"/admin/tariff-documents/{world['not_ours'].id}/file").status_code == 404


@pytest.mark.parametrize("data, name, message", [
    (b"plain text", "prikaz.txt", "Загрузите документ в формате PDF"),
    (b"not a pdf at all", "prikaz.pdf", "Содержимое файла не соответствует его типу"),
    (None, None, "Выберите файл"),
])
def test_refused_upload_says_why_under_the_field(client, login, world, data, name, message):
    login(world["admin"])
    if data is None:
        response = client.post(f"/admin/tariff-documents/{world['ours'].id}/upload", data={},
                               content_type="multipart/form-data")
    else:
        response = _upload(client, world["ours"], data, name)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).split('data-test="error-file">')[1]
    db.session.expire_all()
    assert db.session.query(StoredFile).count() == 0


@pytest.mark.parametrize("who, allowed", [("admin", True), ("org_admin", True), ("staff", False),
                                          ("consumer", False), ("anonymous", False)])
def test_tariff_documents_screen_per_role(client, login, world, who, allowed):
    users = {"admin": lambda: make_staff(ADMIN), "org_admin": lambda: world["admin"],
             "staff": lambda: make_staff(STAFF), "consumer": lambda: world["owner"]}
    if who in users:
        login(users[who]())
    page = client.get("/admin/tariff-documents/")
    upload = _upload(client, world["ours"])
    if allowed:
        assert page.status_code == 200 and upload.status_code == 302
    else:
        assert page.status_code in (302, 403, 404) and upload.status_code in (302, 400, 403, 404)
        assert "Приказ № 10" not in page.get_data(as_text=True)
        db.session.expire_all()
        assert db.session.get(TariffDocument, world["ours"].id).file_id is None


def _upload_all(client, login, world):
    login(world["admin"])
    for key in ("ours", "not_ours", "other_branch"):
        assert _upload(client, world[key]).status_code == 302


@pytest.mark.parametrize("who, status", [("owner", 200), ("co_owner", 200), ("other", 404), ("staff", None),
                                         ("anonymous", None)])
def test_download_per_role(client, login, world, who, status):
    _upload_all(client, login, world)
    url = f"/personal-accounts/{world['account'].id}/tariff-documents/{world['ours'].id}"
    users = {"owner": lambda: world["owner"], "co_owner": lambda: world["co_owner"], "other": make_consumer,
             "staff": lambda: make_staff(STAFF)}
    with client.session_transaction() as session:
        session.clear()
    if who in users:
        login(users[who]())
    response = client.get(url)
    if status == 200:
        assert response.status_code == 200 and response.data == PDF
    elif status == 404:
        assert response.status_code == 404
    else:
        assert response.status_code in (302, 403, 404) and response.data != PDF


def test_only_documents_of_the_accounts_tariffs_are_downloadable(client, login, world):
    _upload_all(client, login, world)
    login(world["owner"])
    base = f"/personal-accounts/{world['account'].id}"
    page = client.get(f"{base}/details").get_data(as_text=True)
    assert f'href="{base}/tariff-documents/{world["ours"].id}"' in page
    assert client.get(f"{base}/tariff-documents/{world['ours'].id}").status_code == 200
    assert client.get(f"{base}/tariff-documents/{world['not_ours'].id}").status_code == 404  # another service
    assert client.get(f"{base}/tariff-documents/{world['other_branch'].id}").status_code == 404  # another branch
    assert client.get(f"{base}/tariff-documents/999999").status_code == 404
    without_file = _document("PR-40", "Приказ № 40")
    b.tariff("6.50", date(2026, 2, 1), document=without_file)
    b.commit()
    assert client.get(f"{base}/tariff-documents/{without_file.id}").status_code == 404


@pytest.mark.parametrize("who", ["staff", "consumer", "anonymous"])
def test_admins_file_link_is_for_admins_only(client, login, world, who):
    login(world["admin"])
    assert _upload(client, world["ours"]).status_code == 302
    with client.session_transaction() as session:
        session.clear()
    if who != "anonymous":
        login(make_staff(STAFF) if who == "staff" else world["owner"])
    response = client.get(f"/admin/tariff-documents/{world['ours'].id}/file")
    assert response.status_code in (302, 403, 404) and response.data != PDF
