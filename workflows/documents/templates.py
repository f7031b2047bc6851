"""Statement templates (C1, F4): .docx files with placeholders, filled for an application.

Templates are rendered with docxtpl in a sandboxed, autoescaping Jinja environment, so
neither user text (`<b>&`, quotes) nor an admin's template can break the document or
reach Python internals. Placeholders come from the whitelist PLACEHOLDERS only; anything
else is reported on upload and renders empty.

The filled statement of a submitted application is kept (RenderedDocument) with the
template version that was current when it was submitted, so later template changes never
alter what the organization received.
"""
import io
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from docxtpl import DocxTemplate
from flask_babel import gettext as _
from jinja2 import ChainableUndefined, TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from app.core import audit
from app.extensions import db
from app.core.files import UploadRejected, check_zip, read_stored, store_bytes
from app.core.formatting import format_date, format_datetime
from app.models import (
    Application,
    ApplicationEvent,
    ApplicationType,
    FormField,
    RenderedDocument,
    StatementTemplate,
    Status,
)
from app.core.settings import get_setting

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: the documented whitelist: group → attribute → what it holds (shown on the admin page)
PLACEHOLDERS: dict[str, dict[str, str]] = {
    "applicant": {
        "full_name": "ФИО заявителя (представителя)",
        "display_name": "Наименование или ФИО заявителя",
        "legal_form": "Правовая форма («Физическое лицо» …)",
        "org_name": "Наименование ИП / организации",
        "position": "Должность представителя",
        "snils": "СНИЛС",
        "inn": "ИНН",
        "ogrn": "ОГРН",
        "ogrnip": "ОГРНИП",
        "kpp": "КПП",
        "registry_date": "Дата внесения в ЕГРЮЛ/ЕГРИП",
        "email": "Email",
        "phone": "Телефон",
        "birth_date": "Дата рождения",
        "birth_place": "Место рождения",
        "passport": "Паспорт: серия и номер",
        "passport_issued_by": "Паспорт: кем выдан",
        "passport_issued_on": "Паспорт: дата выдачи",
        "passport_department_code": "Паспорт: код подразделения",
        "registration_address": "Адрес регистрации / юридический адрес",
        "postal_address": "Почтовый адрес",
    },
    "application": {
        "number": "Регистрационный номер",
        "type": "Тип заявки",
        "status": "Текущий статус",
        "created": "Дата создания",
        "submitted": "Дата подачи",
        "object_address": "Объект (адрес)",
    },
    "organization": {
        "name": "Полное наименование организации",
        "short_name": "Краткое наименование",
        "inn": "ИНН организации",
        "kpp": "КПП организации",
        "ogrn": "ОГРН организации",
        "address": "Адрес организации",
        "phone": "Телефон организации",
        "email": "Email организации",
    },
    "fields": {"<код поля>": "Значение поля формы заявки по его коду, например {{ fields.object_address }}"},
    "field_rows": {"label, value": "Все заполненные поля заявки по порядку: {%tr for row in field_rows %}"},
    "today": {"": "Сегодняшняя дата (ДД.ММ.ГГГГ)"},
}
SCALARS = {"today", "field_rows"}
MAX_TEMPLATE_BYTES = 10 * 1024 * 1024


class TemplateRejected(ValueError):
    """The uploaded file is not a usable template; `message` is shown under the file field."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class TemplateCheck:
    placeholders: list[str]
    unknown: list[str]


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True, undefined=ChainableUndefined)


# ---- placeholders ------------------------------------------------------------------

def _template_source(docx_bytes: bytes) -> str:
    tpl = DocxTemplate(io.BytesIO(docx_bytes))
    tpl.init_docx()
    parts = [tpl.patch_xml(tpl.get_xml())]
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for rel in tpl.docx._part.rels.values():
            if rel.reltype == uri and rel.target_part.blob:
                parts.append(tpl.patch_xml(rel.target_part.blob.decode("utf-8", "replace")))
    return "\n".join(parts)


def _names_used(ast) -> set[str]:
    """Dotted names the template reads: `applicant.inn`, `fields.power`, `today`."""
    def targets(target):
        return [target] if isinstance(target, nodes.Name) else list(target.find_all(nodes.Name))

    loop_names = {n.name for loop in ast.find_all(nodes.For) for n in targets(loop.target)}
    loop_names |= {n.name for assign in ast.find_all(nodes.Assign) for n in targets(assign.target)}
    used: set[str] = set()
    attributed: set[int] = set()
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        base = node.node
        if isinstance(base, nodes.Name) and base.name not in loop_names:
            if isinstance(node, nodes.Getattr):
                used.add(f"{base.name}.{node.attr}")
            elif isinstance(node.arg, nodes.Const):
                used.add(f"{base.name}.{node.arg.value}")
            attributed.add(id(base))
    for name in ast.find_all(nodes.Name):
        if name.ctx == "load" and name.name not in loop_names and id(name) not in attributed:
            used.add(name.name)
    return used


def _is_known(name: str, field_codes: set[str]) -> bool:
    group, _, attr = name.partition(".")
    if group in SCALARS:
        return not attr
    if group == "fields":
        return bool(attr) and attr in field_codes
    return group in PLACEHOLDERS and attr in PLACEHOLDERS[group]


def check_template(docx_bytes: bytes, application_type: ApplicationType | None = None) -> TemplateCheck:
    """Parse and test-render a template with sample data; unknown placeholders are listed.

    Raises TemplateRejected when the file is not a .docx, would unpack to too much (a zip
    bomb, checked before docxtpl opens it) or the template does not render.
    """
    _ensure_unpacks_small(docx_bytes)
    try:
        source = _template_source(docx_bytes)
    except Exception:
        raise TemplateRejected(_("Файл не является документом Word (.docx)"))
    env = _environment()
    try:
        ast = env.parse(source)
    except TemplateError as exc:
        raise TemplateRejected(_("Ошибка в шаблоне: %(error)s", error=str(exc)))
    codes = _field_codes(application_type)
    used = sorted(_names_used(ast))
    unknown = [name for name in used if not _is_known(name, codes)]
    try:
        render_docx(docx_bytes, sample_context(application_type))
    except Exception as exc:  # a template that cannot render with sample data is refused
        raise TemplateRejected(_("Шаблон не заполняется тестовыми данными: %(error)s", error=str(exc)))
    return TemplateCheck(placeholders=used, unknown=unknown)


def _ensure_unpacks_small(docx_bytes: bytes) -> None:
    """A zip bomb is refused by its declared sizes before docxtpl unpacks anything."""
    try:
        check_zip(io.BytesIO(docx_bytes))
    except UploadRejected as exc:
        if not zipfile.is_zipfile(io.BytesIO(docx_bytes)):
            raise TemplateRejected(_("Файл не является документом Word (.docx)")) from None
        raise TemplateRejected(exc.message) from None


def _field_codes(application_type: ApplicationType | None) -> set[str]:
    if application_type is None:
        return set()
    return set(db.session.scalars(
        select(FormField.code).where(FormField.application_type_id == application_type.id)
    ))


# ---- context -----------------------------------------------------------------------

def _organization() -> dict:
    return {key: get_setting(f"org_{key}") or "" for key in PLACEHOLDERS["organization"]}


def _display_value(field: FormField | None, value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Да") if value else _("Нет")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if field is not None and field.field_type == "date" and isinstance(value, str) and len(value) == 10:
        try:
            return format_date(datetime.strptime(value, "%Y-%m-%d").date())
        except ValueError:
            return value
    if field is not None and field.field_type == "select" and field.choices:
        for choice in field.choices:
            if isinstance(choice, (list, tuple)) and len(choice) == 2 and str(choice[0]) == str(value):
                return str(choice[1])
            if isinstance(choice, dict) and str(choice.get("value")) == str(value):
                return str(choice.get("label", value))
    return str(value)


def application_context(application: Application) -> dict:
    """Everything a template may use for one application (the whitelist, filled)."""
    consumer = application.consumer
    user = consumer.user
    passport = " ".join(p for p in (consumer.passport_series, consumer.passport_number) if p)
    applicant = {
        "full_name": consumer.full_name,
        "display_name": consumer.display_name,
        "legal_form": consumer.form.label,
        "org_name": consumer.org_name or "",
        "position": consumer.position or "",
        "snils": dict(consumer.identifiers).get("СНИЛС", ""),
        "inn": consumer.inn or "",
        "ogrn": consumer.ogrn or "",
        "ogrnip": consumer.ogrnip or "",
        "kpp": consumer.kpp or "",
        "registry_date": format_date(consumer.registry_date),
        "email": user.email or "",
        "phone": user.phone or "",
        "birth_date": format_date(consumer.birth_date),
        "birth_place": consumer.birth_place or "",
        "passport": passport,
        "passport_issued_by": consumer.passport_issued_by or "",
        "passport_issued_on": format_date(consumer.passport_issued_on),
        "passport_department_code": consumer.passport_department_code or "",
        "registration_address": consumer.registration_address or "",
        "postal_address": consumer.postal_address or "",
    }
    fields = list(application.application_type.fields)
    by_code = {f.code: f for f in fields}
    data = application.data or {}
    values = {code: _display_value(by_code.get(code), value) for code, value in data.items()}
    rows = [{"label": f.label, "value": values[f.code]} for f in fields if values.get(f.code)]
    return {
        "applicant": applicant,
        "application": {
            "number": application.number or "",
            "type": application.application_type.name,
            "status": application.display_status,
            "created": format_date(application.created_at),
            "submitted": format_datetime(application.submitted_at),
            "object_address": application.object_address or "",
        },
        "organization": _organization(),
        "fields": values,
        "field_rows": rows,
        "today": format_date(datetime.now()),
    }


def sample_context(application_type: ApplicationType | None = None) -> dict:
    """Sample data for the preview and the upload check."""
    fields = list(application_type.fields) if application_type is not None else []
    values = {f.code: f"«{f.label}» (пример)" for f in fields}
    return {
        "applicant": {
            **{key: f"{label} (пример)" for key, label in PLACEHOLDERS["applicant"].items()},
            "full_name": "Иванов Иван Иванович",
            "display_name": "Иванов Иван Иванович",
            "legal_form": "Физическое лицо",
            "snils": "049-114-804-49",
            "inn": "500100732259",
            "email": "ivanov@example.ru",
            "phone": "+79123456789",
            "birth_date": "01.02.1980",
            "passport": "4500 123456",
        },
        "application": {
            "number": "ТП-2026-00001",
            "type": application_type.name if application_type is not None else "Заявка",
            "status": "На рассмотрении",
            "created": format_date(datetime.now()),
            "submitted": format_datetime(datetime.now()),
            "object_address": "г. Казань, ул. Примерная, д. 1",
        },
        "organization": _organization(),
        "fields": values,
        "field_rows": [{"label": f.label, "value": values[f.code]} for f in fields],
        "today": format_date(datetime.now()),
    }


def render_docx(template_bytes: bytes, context: dict) -> bytes:
    tpl = DocxTemplate(io.BytesIO(template_bytes))
    tpl.render(context, jinja_env=_environment(), autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


# ---- template versions ---------------------------------------------------------------

def current_template(application_type: ApplicationType, *, at: datetime | None = None) -> StatementTemplate:
    """The template of a type (the version current at `at`); the default one is made if none."""
    query = select(StatementTemplate).where(StatementTemplate.application_type_id == application_type.id)
    if at is not None:
        dated = db.session.scalars(
            query.where(StatementTemplate.created_at <= at).order_by(StatementTemplate.version.desc()).limit(1)
        ).first()
        if dated is not None:
            return dated
    template = db.session.scalars(query.order_by(StatementTemplate.version.desc()).limit(1)).first()
    if template is None:
        template = install_default_template(application_type)
    return template


def install_default_template(application_type: ApplicationType) -> StatementTemplate:
    """Store the built-in template as version 1 of a type (C1: shipped default)."""
    from workflows.documents.default_template import build_default_template

    data = build_default_template(application_type)
    stored = store_bytes(data, f"{application_type.code}.docx", content_type=DOCX_MIME)
    check = check_template(data, application_type)
    template = StatementTemplate(
        application_type_id=application_type.id, version=1, file_id=stored.id,
        placeholders=check.placeholders, unknown_placeholders=check.unknown,
        comment=_("Шаблон по умолчанию"),
    )
    db.session.add(template)
    db.session.flush()
    return template


def upload_template(application_type: ApplicationType, data: bytes, filename: str, *, actor,
                    comment: str | None = None) -> tuple[StatementTemplate, TemplateCheck]:
    """Add a new version of a type's template after checking it renders (F4)."""
    if not filename.lower().endswith(".docx"):
        raise TemplateRejected(_("Загрузите файл в формате .docx"))
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateRejected(_("Файл шаблона слишком большой: не более %(mb)s МБ", mb=MAX_TEMPLATE_BYTES // 2**20))
    check = check_template(data, application_type)
    last = db.session.scalar(
        select(func.max(StatementTemplate.version)).where(StatementTemplate.application_type_id == application_type.id)
    ) or 0
    stored = store_bytes(data, filename, uploader=actor, content_type=DOCX_MIME)
    template = StatementTemplate(
        application_type_id=application_type.id, version=last + 1, file_id=stored.id,
        placeholders=check.placeholders, unknown_placeholders=check.unknown,
        comment=comment, uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(template)
    db.session.flush()
    audit.record("statement_template.upload", template, actor=actor,
                 after={"application_type": application_type.code, "version": template.version,
                        "sha256": stored.sha256, "unknown_placeholders": check.unknown})
    return template, check


def seed_default_templates() -> None:
    """SEEDERS entry: every application type gets the built-in template if it has none."""
    types = db.session.scalars(select(ApplicationType)).all()
    for application_type in types:
        exists = db.session.scalar(
            select(StatementTemplate.id).where(StatementTemplate.application_type_id == application_type.id).limit(1)
        )
        if exists is None:
            install_default_template(application_type)


# ---- the statement of an application -------------------------------------------------

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
