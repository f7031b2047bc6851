"""«Загрузить документ»: the documents reach the organization (a numbered «Направление документов» in
the staff queue, its files on the staff page) and «Мои документы» lists them as sent; every invalid
value gives its message under its field and changes nothing."""
import io

import pytest
from sqlalchemy import func, select

from app.core.settings import set_setting
from app.extensions import db
from app.models import Application, Attachment, ConsumerDocument, StoredFile
from tests.billing import builders as b
from tests.documents import mine_world as w
from workflows.documents.uploads import MSG_ACCOUNT, MSG_FILES, MSG_REQUIRED, MSG_TYPE, TYPE_NAME

MB = 1024 * 1024


@pytest.fixture
def world(reference_data, ctx):
    return w.people()


def _post(client, world, *, type_name="Судебный приказ", account=None, files=None):
    data = {"document_type": str(w.type_id(type_name) or "") if type_name else "",
            "account_id": str(account.id) if account else ""}
    data["files"] = [(io.BytesIO(content), name) for name, content in (files or [])]
    return client.post("/my/documents/upload", data=data, content_type="multipart/form-data")


def _counts():
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Application, Attachment, StoredFile, ConsumerDocument))


def test_sent_documents_reach_staff_and_my_documents(client, login, world):
    login(world.owner)
    response = _post(client, world, account=world.account, files=[("Приказ.pdf", w.PDF), ("Лист 2.pdf", w.PDF)])
    assert response.status_code == 302 and response.location.endswith("/my/documents/")
    application = db.session.scalar(select(Application).order_by(Application.id.desc()))
    assert application.application_type.name == TYPE_NAME and application.number
    assert application.data["account_number"] == world.account.number
    page = client.get("/my/documents/").get_data(as_text=True)
    assert f"Документ отправлен. Номер обращения: {application.number}" in page
    rows = w.rows_of(page)
    assert {(r["title"], r["type"], r["direction"]) for r in rows if r["kind"] == "attachment"} == {
        ("Приказ.pdf", "Судебный приказ", "Отправлен"), ("Лист 2.pdf", "Судебный приказ", "Отправлен")}
    by_account = w.rows_of(client.get(f"/my/documents/?account_id={world.account.id}").get_data(as_text=True))
    assert len(by_account) == 3  # the cover statement and both files
    login(world.staff)
    queue = client.get("/staff/queue/").get_data(as_text=True)
    assert application.number in queue
    item = client.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    assert "Приказ.pdf" in item and "Лист 2.pdf" in item and "Судебный приказ" in item
    attachment = application.attachments[0]
    download = client.get(f"/staff/applications/{application.id}/files/{attachment.id}")
    assert download.status_code == 200 and download.data == w.PDF


@pytest.mark.parametrize("case, field, message", [
    ("no type", "document_type", MSG_REQUIRED),
    ("unknown type", "document_type", MSG_TYPE),
    ("no file", "files", MSG_FILES),
    ("foreign account", "account_id", MSG_ACCOUNT),
    ("bad content", "files", "Содержимое файла не соответствует его типу"),
    ("too large", "files", "слишком большой. Максимальный размер файла 1 МБ"),
    ("too large in all", "files", "Общий объем вложенных файлов не должен превышать 1 МБ"),
])
def test_invalid_upload_changes_nothing(client, login, world, case, field, message):
    set_setting("cabinet_file_max_mb", 1)
    if case == "too large in all":
        set_setting("cabinet_files_total_mb", 1)
    db.session.commit()
    half = w.PDF + b"0" * (MB // 2 + 10)
    files = {"no file": [], "bad content": [("Приказ.pdf", b"plain text, not a PDF")],
             "too large": [("Приказ.pdf", w.PDF + b"0" * (MB + 1))],
             "too large in all": [("1.pdf", half), ("2.pdf", half)]}.get(case, [("Приказ.pdf", w.PDF)])
    foreign = b.account() if case == "foreign account" else None
    db.session.commit()
    before = _counts()
    login(world.owner)
    if case == "unknown type":
        response = client.post("/my/documents/upload", data={"document_type": "999999", "files": files and [
            (io.BytesIO(files[0][1]), files[0][0])]}, content_type="multipart/form-data")
    else:
        response = _post(client, world, type_name=None if case == "no type" else "Судебный приказ",
                         account=foreign, files=files)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    error = html.split(f'data-test="error-{field}">')[1].split("<")[0]
    assert message in error, (case, error)
    assert _counts() == before


def test_incomplete_profile_sends_nothing_and_says_where_to_fill_it(client, login, reference_data, ctx):
    from tests.factories import make_consumer

    user = make_consumer()  # no passport or addresses: «Мои данные» incomplete
    before = _counts()
    login(user)
    response = client.post("/my/documents/upload", data={
        "document_type": str(w.type_id("Судебный приказ")), "files": [(io.BytesIO(w.PDF), "Приказ.pdf")]},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'data-test="form-error"' in html and "Мои данные" in html
    assert _counts() == before
