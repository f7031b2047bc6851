"""Keeping an import file (D1): an admin's upload or an integration's API push.

CSV and JSON are not among the extensions an application may attach (app/core/files), and an
import file may be far larger than an attachment: so it is streamed here into the same upload
storage, under its own limit (BILLING_IMPORT_MAX_MB, 1024 by default), with the same hygiene —
a generated name, the SHA-256, a safe original name — and a content check: text, not a binary,
and for JSON an array. Whether every byte decodes is checked by the run, which refuses the file
whole with its reason.
"""
import hashlib
import io
import os
import secrets

import filetype
from flask import current_app

from app.core.errors import Invalid
from app.core.files import extension_of, safe_original_name, upload_dir
from app.extensions import db
from app.models import StoredFile

CHUNK = 1024 * 1024
MB = 1024 * 1024
FORMATS = {"csv": "text/csv", "json": "application/json"}


def max_bytes() -> int:
    return int(current_app.config.get("BILLING_IMPORT_MAX_MB", 1024)) * MB


def name_and_stream(upload) -> tuple[str, object]:
    """(file name, binary stream) of a werkzeug FileStorage or a (name, bytes | stream) pair."""
    if isinstance(upload, tuple):
        name, data = upload
        return name or "", io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data
    if upload is None or not getattr(upload, "filename", ""):
        raise Invalid("Выберите файл")
    return upload.filename, upload.stream


def store_import_file(upload, *, uploader=None) -> tuple[StoredFile, str]:
    """Keep the file; returns it and its format ("csv" | "json"). Invalid when refused."""
    name, stream = name_and_stream(upload)
    original = safe_original_name(name)
    file_format = extension_of(original)
    if file_format not in FORMATS:
        raise Invalid("Загрузить можно только файл CSV или JSON")
    key = secrets.token_hex(20)
    target = upload_dir() / key[:2] / key
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(key + ".part")
    try:
        size, head, digest = _receive(stream, temp)
        _check_head(file_format, head)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    os.chmod(target, 0o640)
    stored = StoredFile(storage_key=key, original_name=original, content_type=FORMATS[file_format], size=size,
                        sha256=digest, uploaded_by_id=getattr(uploader, "id", None))
    db.session.add(stored)
    db.session.flush()
    return stored, file_format


def _receive(stream, temp) -> tuple[int, bytes, str]:
    limit = max_bytes()
    digest = hashlib.sha256()
    size = 0
    head = b""
    with open(temp, "wb") as out:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise Invalid(f"Файл слишком большой: не более {limit // MB} МБ")
            if len(head) < 8192:
                head += chunk[: 8192 - len(head)]
            digest.update(chunk)
            out.write(chunk)
    if not head.strip().strip(b"\xef\xbb\xbf").strip():
        raise Invalid("Файл пуст")
    return size, head, digest.hexdigest()


def _check_head(file_format: str, head: bytes) -> None:
    if b"\x00" in head or filetype.guess(head) is not None:
        raise Invalid("Файл не текстовый: загрузите CSV или JSON, выгруженный из биллинга")
    if file_format == "json" and not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
        raise Invalid("Ожидается массив объектов JSON: файл должен начинаться с «[»")
