"""Upload storage (B4, C5): checked by content, kept outside the web root, hashed.

store_upload() streams an uploaded file into UPLOAD_DIR under a generated name while it
counts its size and SHA-256; anything over the limits, of a type not allowed, or whose
content does not match its extension is refused with UploadRejected (nothing is kept); a
zip-based file (.docx, .xlsx, .odt …) is refused too when it would unpack to too much.

    stored = store_upload(request.files["file"], uploader=current_user, used_bytes=total)
    with open_stored(stored) as fh: ...
"""
import hashlib
import os
import secrets
import zipfile
from pathlib import Path
from typing import BinaryIO

import filetype
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core.errors import Invalid
from app.core.settings import get_setting
from app.extensions import db
from app.models import StoredFile

CHUNK = 1024 * 1024
MB = 1024 * 1024
#: session.info key: paths of discarded files, removed from disk once the transaction commits
FILES_TO_REMOVE = "kabinet.files_to_remove"

#: extension → what filetype may recognise in the content (None: content has no magic)
CONTENT_KINDS: dict[str, set[str | None]] = {
    "pdf": {"pdf"},
    "jpg": {"jpg"},
    "jpeg": {"jpg"},
    "png": {"png"},
    "tif": {"tif"},
    "tiff": {"tif"},
    "gif": {"gif"},
    "doc": {"doc"},
    "xls": {"xls"},
    "docx": {"docx", "zip"},
    "xlsx": {"xlsx", "zip"},
    "odt": {"odt", "zip"},
    "ods": {"ods", "zip"},
    "zip": {"zip", "docx", "xlsx", "odt", "ods"},
    "rar": {"rar"},
    "7z": {"7z"},
    # text and detached signatures have no magic number: refuse a recognised binary
    "txt": {None},
    "csv": {None},
    "xml": {None},
    "sig": {None},
    "p7s": {None},
}
#: zip-based formats: whoever opens them (docxtpl, an office suite) unpacks them first
ZIP_BASED = {"docx", "xlsx", "pptx", "odt", "ods", "odp", "zip"}
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
#: what a zip may hold once unpacked (zip bombs): entries, total size, compression ratio
MAX_ZIP_ENTRIES = 2000
MAX_UNPACKED_BYTES = 200 * MB
MAX_ZIP_RATIO = 100
#: below this unpacked size a high ratio is harmless (a short XML part compresses well)
RATIO_FLOOR_BYTES = 10 * MB

CONTENT_TYPES = {
    "txt": "text/plain",
    "csv": "text/csv",
    "xml": "application/xml",
    "sig": "application/pkcs7-signature",
    "p7s": "application/pkcs7-signature",
}


class UploadRejected(Invalid, ValueError):
    """The file was refused; `message` is shown to the user under the file field."""


def allowed_extensions() -> list[str]:
    raw = get_setting("upload_allowed_extensions") or ""
    return [ext.strip().lower().lstrip(".") for ext in str(raw).split(",") if ext.strip()]


def max_file_bytes() -> int:
    return int(get_setting("upload_max_file_mb")) * MB


def max_total_bytes() -> int:
    return int(get_setting("upload_max_total_mb")) * MB


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def stored_path(stored: StoredFile) -> Path:
    key = stored.storage_key
    return upload_dir() / key[:2] / key


def extension_of(name: str) -> str:
    _, dot, ext = (name or "").rpartition(".")
    return ext.lower() if dot else ""


def safe_original_name(name: str) -> str:
    """The user's file name for display and downloads only: no path, no control chars."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable())
    return base[-255:] or "file"


def check_content(ext: str, head: bytes) -> str:
    """The MIME type of `head`, if it is what `ext` promises; else UploadRejected."""
    kind = filetype.guess(head)
    found = kind.extension if kind else None
    expected = CONTENT_KINDS.get(ext)
    if expected is None:
        # an allowed extension we know nothing about: accept only content with magic
        if kind is None:
            raise UploadRejected(_("Содержимое файла не соответствует его типу"))
        return kind.mime
    if found not in expected:
        raise UploadRejected(_("Содержимое файла не соответствует его типу"))
    if kind is not None:
        return kind.mime
    return CONTENT_TYPES.get(ext, "application/octet-stream")


def check_zip(source) -> None:
    """Refuse a zip (path or binary file) that would unpack to too much: too many entries, too
    many bytes, or compressed too well. The sizes are those its directory declares; Python's
    zipfile never unpacks an entry past its declared size, so they bound what docxtpl reads."""
    try:
        with zipfile.ZipFile(source) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise UploadRejected(_("Файл повреждён: его содержимое не удаётся прочитать")) from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UploadRejected(_("Файл содержит слишком много частей (более %(n)s)", n=MAX_ZIP_ENTRIES))
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        raise UploadRejected(_("Файл в распакованном виде больше %(mb)s МБ и не принят",
                               mb=MAX_UNPACKED_BYTES // MB))
    if unpacked > RATIO_FLOOR_BYTES and unpacked > MAX_ZIP_RATIO * max(packed, 1):
        raise UploadRejected(_("Файл сжат подозрительно сильно (более чем в %(n)s раз) и не принят",
                               n=MAX_ZIP_RATIO))


def store_upload(file_storage, *, uploader=None, used_bytes: int = 0,
                 max_total: int | None = None) -> StoredFile:
    """Keep an uploaded file: checks type, content and limits, writes it, adds a StoredFile.

    `used_bytes` is what the application (or appeal) already holds; the per-application
    limit counts it. Flushes; the request commits. A refused file leaves nothing behind.
    """
    original, ext = _accepted_name(file_storage)
    limits = (max_file_bytes(), max_total if max_total is not None else max_total_bytes(), used_bytes)
    key = secrets.token_hex(20)
    target = upload_dir() / key[:2] / key
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(key + ".part")
    try:
        size, head, digest = _receive(file_storage.stream, temp, *limits)
        content_type = check_content(ext, head)
        if ext in ZIP_BASED or head.startswith(ZIP_MAGIC):
            check_zip(temp)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        try:
            target.parent.rmdir()  # only when empty
        except OSError:
            pass
        raise
    os.chmod(target, 0o640)
    stored = StoredFile(storage_key=key, original_name=original, content_type=content_type, size=size,
                        sha256=digest, uploaded_by_id=getattr(uploader, "id", None))
    db.session.add(stored)
    db.session.flush()
    return stored


def _accepted_name(file_storage) -> tuple[str, str]:
    """The upload's safe name and its extension, if that is of an allowed type."""
    if file_storage is None or not getattr(file_storage, "filename", ""):
        raise UploadRejected(_("Выберите файл"))
    original = safe_original_name(file_storage.filename)
    ext = extension_of(original)
    allowed = allowed_extensions()
    if ext not in allowed:
        raise UploadRejected(_("Недопустимый тип файла. Разрешены: %(types)s", types=", ".join(allowed)))
    return original, ext


def _receive(stream, temp: Path, limit: int, total_limit: int, used_bytes: int) -> tuple[int, bytes, str]:
    """Write the upload to `temp` within the limits: its size, first 8 KiB and SHA-256."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    with open(temp, "wb") as out:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise UploadRejected(_("Файл слишком большой. Максимальный размер файла %(mb)s МБ",
                                       mb=limit // MB))
            if used_bytes + size > total_limit:
                raise UploadRejected(_("Превышен общий размер файлов заявки: не более %(mb)s МБ",
                                       mb=total_limit // MB))
            if len(head) < 8192:
                head += chunk[: 8192 - len(head)]
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        raise UploadRejected(_("Файл пуст"))
    return size, head, digest.hexdigest()


def store_bytes(data: bytes, name: str, *, uploader=None, content_type: str | None = None) -> StoredFile:
    """Keep bytes the portal made itself (generated documents, signatures): no upload checks."""
    key = secrets.token_hex(20)
    target = upload_dir() / key[:2] / key
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    kind = filetype.guess(data[:8192])
    stored = StoredFile(
        storage_key=key,
        original_name=safe_original_name(name),
        content_type=content_type or (kind.mime if kind else "application/octet-stream"),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=getattr(uploader, "id", None),
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def open_stored(stored: StoredFile) -> BinaryIO:
    """Open a stored file for reading (binary); the caller closes it."""
    return open(stored_path(stored), "rb")


def read_stored(stored: StoredFile) -> bytes:
    with open_stored(stored) as fh:
        return fh.read()


def verify_stored(stored: StoredFile) -> bool:
    """C5: the content on disk still has the SHA-256 recorded when it was stored."""
    digest = hashlib.sha256()
    with open_stored(stored) as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest() == stored.sha256


def send_stored(stored: StoredFile, *, as_attachment: bool = True):
    """A download response for a stored file, under its original name."""
    from flask import send_file

    return send_file(stored_path(stored), mimetype=stored.content_type, as_attachment=as_attachment,
                     download_name=stored.original_name, max_age=0)


def discard_stored(stored_files) -> None:
    """Delete the rows now and their files once the transaction commits; a rollback keeps both."""
    paths = db.session().info.setdefault(FILES_TO_REMOVE, [])
    for stored in stored_files:
        paths.append(stored_path(stored))
        db.session.delete(stored)


@event.listens_for(Session, "after_commit")
def _remove_discarded_files(session: Session) -> None:
    for path in session.info.pop(FILES_TO_REMOVE, ()):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_rollback")
def _keep_discarded_files(session: Session) -> None:
    session.info.pop(FILES_TO_REMOVE, None)
