"""The upload storage service (B4, C5): limits, types checked by content, nothing kept on refusal."""
import hashlib
import io

import pytest
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.core.files import UploadRejected, open_stored, stored_path, store_upload, verify_stored
from app.models import StoredFile
from app.core.settings import set_setting
from tests.zip_bombs import docx_of_many_parts, docx_of_zeros

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def files_on_disk(app):
    from pathlib import Path

    return sorted(p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file())


def test_pdf_is_stored_under_generated_name_with_sha256(app, ctx):
    stored = store_upload(upload(PDF, "../../etc/Заявка ТП.pdf"))
    db.session.commit()
    path = stored_path(stored)
    assert stored.original_name == "Заявка ТП.pdf"
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert stored.size == len(PDF) and stored.content_type == "application/pdf"
    assert "Заявка" not in str(path) and path.is_relative_to(app.config["UPLOAD_DIR"])
    with open_stored(stored) as fh:
        assert fh.read() == PDF
    assert verify_stored(stored)


@pytest.mark.parametrize("data, name, message", [
    (b"MZ\x90\x00" + b"\x00" * 100, "virus.exe", "Недопустимый тип файла"),
    (PNG, "scan.pdf", "Содержимое файла не соответствует его типу"),
    (PDF, "readme.txt", "Содержимое файла не соответствует его типу"),
    (b"", "empty.pdf", "Файл пуст"),
])
def test_bad_files_are_refused_and_nothing_is_kept(app, ctx, data, name, message):
    before = files_on_disk(app)
    with pytest.raises(UploadRejected, match=message):
        store_upload(upload(data, name))
    assert files_on_disk(app) == before
    assert db.session.query(StoredFile).count() == 0


def test_oversize_file_is_refused_by_the_setting(app, ctx):
    set_setting("upload_max_file_mb", 1)
    before = files_on_disk(app)
    with pytest.raises(UploadRejected, match="Максимальный размер файла 1 МБ"):
        store_upload(upload(PDF + b"0" * (1024 * 1024), "big.pdf"))
    assert files_on_disk(app) == before
    assert db.session.query(StoredFile).count() == 0


def test_total_limit_counts_what_the_application_already_holds(app, ctx):
    set_setting("upload_max_total_mb", 1)
    with pytest.raises(UploadRejected, match="Превышен общий размер файлов заявки"):
        store_upload(upload(PDF, "a.pdf"), used_bytes=1024 * 1024 - 10)
    assert store_upload(upload(PDF, "a.pdf"), used_bytes=1000).id


def test_allowed_extensions_come_from_settings(ctx):
    set_setting("upload_allowed_extensions", "png")
    with pytest.raises(UploadRejected, match="Разрешены: png"):
        store_upload(upload(PDF, "a.pdf"))
    assert store_upload(upload(PNG, "a.PNG")).content_type == "image/png"


@pytest.mark.parametrize("make, name, message", [
    (lambda: docx_of_zeros(), "Заявление.docx", "в распакованном виде больше 200 МБ"),
    (lambda: docx_of_zeros(120 * 1024 * 1024), "Архив.zip", "сжат подозрительно сильно"),
    (lambda: docx_of_many_parts(2001), "Документ.docx", "слишком много частей"),
    (lambda: b"PK\x03\x04" + b"\x00" * 200, "broken.docx", "не удаётся прочитать"),
])
def test_zip_bombs_are_refused_and_nothing_is_kept(app, ctx, make, name, message):
    """A 1 GB file of zeros packed into a 1 MB .docx is refused by its unpacked size (issue 10.15)."""
    data = make()
    assert len(data) < 2 * 1024 * 1024
    before = files_on_disk(app)
    with pytest.raises(UploadRejected, match=message):
        store_upload(upload(data, name))
    assert files_on_disk(app) == before
    assert db.session.query(StoredFile).count() == 0


def test_an_ordinary_docx_is_accepted(ctx):
    from docx import Document

    out = io.BytesIO()
    document = Document()
    document.add_paragraph("Заявление " * 1000)
    document.save(out)
    assert store_upload(upload(out.getvalue(), "Заявление.docx")).size == len(out.getvalue())
