"""Statement templates (C1, F4): .docx files with placeholders, checked on upload, versioned.

Templates are rendered with docxtpl in a sandboxed, autoescaping Jinja environment, so
neither user text (`<b>&`, quotes) nor an admin's template can break the document or
reach Python internals. Placeholders come from the whitelist (placeholders.py) only;
anything else is reported on upload and renders empty. The filled statement of an
application is made in statements.py.
"""
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime

from docxtpl import DocxTemplate
from flask_babel import gettext as _
from jinja2 import ChainableUndefined, TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import func, select

from app.core import audit
from app.core.errors import Invalid
from app.core.files import UploadRejected, check_zip, store_bytes
from app.extensions import db
from app.models import ApplicationType, FormField, StatementTemplate
from workflows.documents.placeholders import PLACEHOLDERS, SCALARS, sample_context

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_TEMPLATE_BYTES = 10 * 1024 * 1024


class TemplateRejected(Invalid):
    """The uploaded file is not a usable template; `message` is shown under the file field."""


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


#: the built-in template and its check per type's fields, made once per process: building and
#: test-rendering a .docx takes a quarter of a second, and every seeding (each test's reference
#: data, every area's seeder) installs it for every type
_DEFAULT_TEMPLATE: dict = {}


def _default_template(application_type: ApplicationType) -> tuple[bytes, "TemplateCheck"]:
    from workflows.documents.default_template import build_default_template

    key = (application_type.code, tuple(sorted(
        (field.code, field.field_type, tuple(field.choices or ())) for field in application_type.fields)))
    if key not in _DEFAULT_TEMPLATE:
        data = build_default_template(application_type)
        _DEFAULT_TEMPLATE[key] = (data, check_template(data, application_type))
    return _DEFAULT_TEMPLATE[key]


def install_default_template(application_type: ApplicationType) -> StatementTemplate:
    """Store the built-in template as version 1 of a type (C1: shipped default)."""
    data, check = _default_template(application_type)
    stored = store_bytes(data, f"{application_type.code}.docx", content_type=DOCX_MIME)
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
