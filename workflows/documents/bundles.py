"""«Скачать все документы» (C2): one ZIP of every document of an application, streamed.

The archive holds the filled statement, every live attachment, the evidence file of each
signature and each uploaded CMS signature, and «Опись документов.csv» — the manifest with
file name, document, author, date and the SHA-256 of the bytes written into the archive.
Entry names are made safe (no paths, no reserved characters) and unique.
"""
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Callable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.core.exports import csv_text
from app.extensions import db
from app.core.files import stored_path
from app.core.formatting import format_datetime
from app.models import Application, Attachment, Signature
from workflows.documents import evidence
from workflows.documents.signing import METHOD_LABELS

MANIFEST_NAME = "Опись документов.csv"
MANIFEST_HEADER = ["Имя файла", "Документ", "Автор", "Дата", "Размер, байт", "SHA-256"]
CHUNK = 256 * 1024
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def safe_name(name: str, limit: int = 120) -> str:
    """A file name that is safe inside any archive and on any system."""
    name = _UNSAFE.sub("_", name or "").strip(" .") or "file"
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 10:
        stem, ext = name, ""
    stem = stem[: limit - len(ext) - 1] if ext else stem[:limit]
    return f"{stem}.{ext}" if ext else stem


class _UniqueNames:
    def __init__(self):
        self.used: set[str] = {MANIFEST_NAME.lower()}

    def __call__(self, name: str) -> str:
        candidate = safe_name(name)
        stem, dot, ext = candidate.rpartition(".")
        if not dot:
            stem, ext = candidate, ""
        n = 1
        while candidate.lower() in self.used:
            n += 1
            candidate = f"{stem} ({n}).{ext}" if ext else f"{stem} ({n})"
        self.used.add(candidate.lower())
        return candidate


@dataclass
class Entry:
    name: str
    document: str
    author: str
    date: str
    #: returns a readable binary file
    opener: Callable[[], io.BufferedIOBase]


def _bytes_opener(data: bytes):
    return lambda: io.BytesIO(data)


def _stored_opener(stored):
    path = stored_path(stored)  # resolved now: the stream runs without an app context
    return lambda: open(path, "rb")


def entries_for(application: Application, statement: bytes | None, statement_name: str) -> list[Entry]:
    """What goes into the archive, resolved now (the stream runs after the request's queries)."""
    unique = _UniqueNames()
    entries: list[Entry] = []
    if statement is not None:
        entries.append(Entry(unique(statement_name), "Заявка", application.consumer.display_name,
                             format_datetime(application.submitted_at or application.created_at),
                             _bytes_opener(statement)))
    attachments = db.session.scalars(
        select(Attachment)
        .where(Attachment.application_id == application.id, Attachment.deleted_at.is_(None))
        .options(joinedload(Attachment.file), joinedload(Attachment.author),
                 selectinload(Attachment.signatures).joinedload(Signature.cms_file))
        .order_by(Attachment.id)
    ).unique().all()
    for attachment in attachments:
        author = attachment.author.display_name if attachment.author else ""
        name = unique(attachment.file.original_name)
        entries.append(Entry(name, attachment.title, author, format_datetime(attachment.created_at),
                             _stored_opener(attachment.file)))
        for signature in sorted(attachment.signatures, key=lambda s: s.id):
            label = f"{METHOD_LABELS[signature.method]}: {signature.signer_name}"
            data = evidence.evidence_file(signature.evidence_json, signature.evidence_signature)
            entries.append(Entry(unique(f"{name}.{signature.side}.evidence.json"),
                                 f"Подпись ({label}) к «{attachment.title}»", signature.signer_name,
                                 format_datetime(signature.signed_at), _bytes_opener(data)))
            if signature.cms_file is not None:
                entries.append(Entry(unique(f"{name}.{signature.side}.sig"),
                                     f"Файл ЭП ({signature.signer_name}) к «{attachment.title}»",
                                     signature.signer_name, format_datetime(signature.signed_at),
                                     _stored_opener(signature.cms_file)))
    return entries


class _Pipe(io.RawIOBase):
    """A write-only, non-seekable sink whose bytes the generator hands out as they come."""

    def __init__(self):
        self.buffer = bytearray()

    def writable(self):
        return True

    def write(self, data):
        self.buffer.extend(data)
        return len(data)

    def take(self) -> bytes:
        data = bytes(self.buffer)
        self.buffer.clear()
        return data


def stream_zip(entries: list[Entry]) -> Iterator[bytes]:
    """Yield the ZIP archive chunk by chunk; the manifest is written last, with real hashes."""
    pipe = _Pipe()
    rows = []
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            digest = hashlib.sha256()
            size = 0
            with entry.opener() as source, archive.open(entry.name, "w") as target:
                for chunk in iter(lambda: source.read(CHUNK), b""):
                    digest.update(chunk)
                    size += len(chunk)
                    target.write(chunk)
                    if len(pipe.buffer) >= CHUNK:
                        yield pipe.take()
            rows.append([entry.name, entry.document, entry.author, entry.date, str(size), digest.hexdigest()])
            yield pipe.take()
        # titles and names are typed by users: written through the CSV helper that keeps a
        # spreadsheet from running a cell such as «=HYPERLINK(…)» as a formula
        archive.writestr(MANIFEST_NAME, csv_text(MANIFEST_HEADER, rows))
    yield pipe.take()


def bundle_filename(application: Application) -> str:
    return safe_name(f"Документы заявки {application.number or application.id}.zip")
