"""The filled statement of an application (C1): frozen per submission, fresh while a draft.

The statement of a submitted application is kept (RenderedDocument) with the template
version that was current when it was submitted, so later template changes never alter
what the organization received. LibreOffice, where installed, turns it into PDF.
"""
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from app.core import audit
from app.core.files import read_stored, store_bytes
from app.extensions import db
from app.models import Application, ApplicationEvent, RenderedDocument, StatementTemplate, Status
from workflows.documents.placeholders import application_context
from workflows.documents.templates import DOCX_MIME, current_template, render_docx


@dataclass
class Statement:
    data: bytes
    filename: str
    template: StatementTemplate
    kept: RenderedDocument | None


def statement_filename(application: Application, ext: str = "docx") -> str:
    label = application.number or str(application.id)
    return f"Заявка {label}.{ext}".replace("/", "-")


def submission_moment(application: Application) -> datetime | None:
    """When the organization last received the application: the latest move out of a draft
    or out of a status where the consumer edits it (a resubmission), else submitted_at."""
    if application.submitted_at is None:
        return None
    source = aliased(Status)
    moment = db.session.scalar(
        select(func.max(ApplicationEvent.at))
        .join(source, source.id == ApplicationEvent.from_status_id)
        .where(ApplicationEvent.application_id == application.id, ApplicationEvent.kind == "status",
               or_(source.is_draft.is_(True), source.consumer_editable.is_(True)))
    )
    return max(moment, application.submitted_at) if moment else application.submitted_at


def statement_for(application: Application, *, actor=None) -> Statement:
    """The filled statement: frozen per submission, fresh while it is a draft."""
    moment = submission_moment(application)
    if moment is None:
        template = current_template(application.application_type)
        data = render_docx(read_stored(template.file), application_context(application))
        return Statement(data, statement_filename(application), template, None)

    kept = _kept(application, moment)
    if kept is None:
        kept = _keep_statement(application, moment, actor)
    return Statement(read_stored(kept.file), statement_filename(application), kept.template, kept)


def _kept(application: Application, moment: datetime) -> RenderedDocument | None:
    return db.session.scalars(select(RenderedDocument).where(
        RenderedDocument.application_id == application.id, RenderedDocument.submitted_at == moment,
    ).options(joinedload(RenderedDocument.file), joinedload(RenderedDocument.template))).first()


def _keep_statement(application: Application, moment: datetime, actor) -> RenderedDocument:
    template = current_template(application.application_type, at=moment)
    data = render_docx(read_stored(template.file), application_context(application))
    stored = store_bytes(data, statement_filename(application), uploader=actor, content_type=DOCX_MIME)
    kept = RenderedDocument(application_id=application.id, submitted_at=moment,
                            template_id=template.id, file_id=stored.id)
    try:
        with db.session.begin_nested():
            db.session.add(kept)
    except IntegrityError:  # another request kept it first: use theirs
        return _kept(application, moment)
    audit.record("statement.kept", application, actor=actor,
                 after={"template_version": template.version, "sha256": stored.sha256})
    return kept


# ---- PDF -------------------------------------------------------------------------------

def pdf_converter() -> str | None:
    """The PDF converter found at run time: the LibreOffice binary, or None.

    WeasyPrint renders HTML, not Word files, so only LibreOffice can turn the filled
    .docx into the same document as PDF.
    """
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes) -> bytes | None:
    binary = pdf_converter()
    if binary is None:
        return None
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "statement.docx"
        source.write_bytes(data)
        result = subprocess.run(
            [binary, "--headless", "--norestore", f"-env:UserInstallation=file://{work}/profile",
             "--convert-to", "pdf", "--outdir", work, str(source)],
            capture_output=True, timeout=120, check=False,
        )
        target = Path(work) / "statement.pdf"
        if result.returncode != 0 or not target.exists():
            return None
        return target.read_bytes()
