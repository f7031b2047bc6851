"""FAB views of the documents area (C1–C5): statements, bundles, signing, copies, verification.

Thin views: forms in forms/documents.py, rules in workflows/documents, object scope in
app/security/access.py. The application pages of the applications area include
templates/documents/_application_panel.html and _row_actions.html; the data they show
comes from the `documents_panel()` template global defined here.
"""
from urllib.parse import urlparse

from flask import Response, abort, current_app, flash, redirect, request, session, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.web import form_tokens
from app.extensions import db, limiter
from app.core.paging import page_number, paginate
from app.core.files import read_stored, send_stored
from app.models import (
    Application,
    ApplicationType,
    Attachment,
    CopyRequest,
    CopyRequestFile,
    OneTimeCode,
    Signature,
    StatementTemplate,
)
from app.models.base import utcnow
from app.models.documents import CopyRequestStatus, SignatureSide
from app.security.access import (
    can_sign_for_organization,
    current_consumer,
    ensure_can_see_application_documents,
    ensure_can_see_attachment,
    ensure_can_see_copy_request,
    is_organization,
    scope_copy_requests,
)
from forms.documents import (
    CmsUploadForm,
    ConfirmForm,
    CopyAnswerForm,
    CopyRequestForm,
    OrganizationSignForm,
    PepConfirmForm,
    TemplateUploadForm,
    VerifyForm,
)
from workflows.documents import bundles, copies, evidence, signing, templates
from workflows.documents.bounded import TooLarge, read_at_most, sha256_at_most
from app.core.areas import Area
from workflows.documents.templates import seed_default_templates

MENU_COPIES = "Запросы копий документов"
MENU_COPIES_STAFF = "Запросы копий"
MENU_TEMPLATES = "Шаблоны заявлений"
MENU_VERIFY = "Проверить подпись"
PER_PAGE = 25

#: where the sign-error for a document waits to be shown under its field (one request)
SIGN_ERRORS = "kb_sign_errors"


def all_access(view_class) -> dict[str, str]:
    """method_permission_name: every exposed method needs the one permission «can_access»."""
    return {name: "access" for name in dir(view_class) if hasattr(getattr(view_class, name, None), "_urls")}


def _back(default: str) -> str:
    """Return to the page the form was posted from (same site only)."""
    target = request.form.get("next") or request.referrer or default
    parsed = urlparse(target)
    if parsed.netloc and parsed.netloc != request.host:
        return default
    return parsed.path + (f"?{parsed.query}" if parsed.query else "") if parsed.path else default


# ---- what the application pages show ------------------------------------------------

def _pending_code(attachment: Attachment, user) -> OneTimeCode | None:
    if not user.phone:
        return None
    row = db.session.scalars(
        select(OneTimeCode).where(OneTimeCode.purpose == signing.SIGN_PURPOSE, OneTimeCode.destination == user.phone)
        .order_by(OneTimeCode.created_at.desc(), OneTimeCode.id.desc()).limit(1)
    ).first()
    if row is None or row.consumed_at is not None or row.expires_at <= utcnow():
        return None
    return row if (row.payload or {}).get("attachment_id") == attachment.id else None


def documents_panel(application: Application, viewer_side: str) -> dict:
    """Data of templates/documents/_application_panel.html for one application."""
    attachments = []
    # the page has loaded the attachments already: query signatures only where there are some to show
    if any(a.deleted_at is None and a.needs_two_sided_signature for a in application.attachments):
        attachments = db.session.scalars(
            select(Attachment).where(Attachment.application_id == application.id, Attachment.deleted_at.is_(None),
                                     Attachment.needs_two_sided_signature.is_(True))
            .options(joinedload(Attachment.file), selectinload(Attachment.signatures).joinedload(Signature.signer))
            .order_by(Attachment.id)
        ).unique().all()
    user = current_user
    errors = session.pop(SIGN_ERRORS, {}) if SIGN_ERRORS in session else {}
    documents = []
    for attachment in attachments:
        waiting = signing.awaiting_side(attachment)
        can_org = waiting == SignatureSide.ORGANIZATION and viewer_side == "organization" \
            and can_sign_for_organization(user)
        can_consumer = waiting == SignatureSide.CONSUMER and viewer_side == "consumer" \
            and user.consumer is not None and user.consumer.id == application.consumer_id
        sides = signing.signatures_of(attachment)
        documents.append({
            "attachment": attachment,
            "rows": signing.side_rows(attachment),
            "waiting": waiting,
            "signed_on": max((s.signed_at for s in sides.values()), default=None) if waiting is None else None,
            "can_sign_organization": can_org,
            "needs_totp": can_org and user.totp_enabled,
            "can_sign_consumer": can_consumer,
            "consumer_method": signing.consumer_method(application),
            "pending_code": _pending_code(attachment, user) if can_consumer else None,
            "error": errors.get(str(attachment.id)),
        })
    panel = {"documents": documents, "pdf_available": templates.pdf_converter() is not None}
    if documents:  # the signing forms, only where something is to be signed or shown signed
        panel.update(org_name=signing.organization_name(), confirm_form=ConfirmForm(), org_form=OrganizationSignForm(),
                     pep_form=PepConfirmForm(), cms_form=CmsUploadForm(), method_labels=signing.METHOD_LABELS)
    return panel


def _remember_error(attachment_id: int, message: str) -> None:
    errors = dict(session.get(SIGN_ERRORS, {}))
    errors[str(attachment_id)] = message
    session[SIGN_ERRORS] = errors


# ---- downloads and signing ----------------------------------------------------------

class DocumentsView(BaseView):
    """Statement, bundle, document and signature downloads; signing actions."""

    route_base = "/documents"
    class_permission_name = "Documents"
    default_view = "application"

    def _application(self, application_id: int) -> Application:
        application = db.session.get(Application, application_id)
        return ensure_can_see_application_documents(current_user, application)

    def _attachment(self, attachment_id: int) -> Attachment:
        return ensure_can_see_attachment(current_user, db.session.get(Attachment, attachment_id))

    def _signature(self, signature_id: int) -> Signature:
        signature = db.session.get(Signature, signature_id)
        if signature is None:
            abort(404)
        ensure_can_see_attachment(current_user, signature.attachment)
        return signature

    @expose("/application/<int:application_id>/")
    @has_access
    def application(self, application_id):
        """«Документы заявки»: the statement, the bundle and the documents to sign."""
        application = self._application(application_id)
        side = "organization" if is_organization(current_user) else "consumer"
        return self.render_template("documents/application.html", application=application, viewer_side=side)

    @expose("/application/<int:application_id>/statement.docx")
    @has_access
    def statement(self, application_id):
        """«Скачать заявку»: the filled .docx (frozen once submitted)."""
        application = self._application(application_id)
        result = templates.statement_for(application, actor=current_user)
        db.session.commit()
        return Response(result.data, mimetype=templates.DOCX_MIME, headers=_attachment_headers(result.filename))

    @expose("/application/<int:application_id>/statement.pdf")
    @has_access
    def statement_pdf(self, application_id):
        application = self._application(application_id)
        if templates.pdf_converter() is None:
            abort(404)
        result = templates.statement_for(application, actor=current_user)
        db.session.commit()
        pdf = templates.docx_to_pdf(result.data)
        if pdf is None:
            flash(_("Не удалось получить PDF, скачайте заявку в формате Word"), "danger")
            return redirect(url_for("DocumentsView.application", application_id=application.id))
        name = result.filename.rsplit(".", 1)[0] + ".pdf"
        return Response(pdf, mimetype="application/pdf", headers=_attachment_headers(name))

    @expose("/application/<int:application_id>/bundle.zip")
    @has_access
    def bundle(self, application_id):
        """«Скачать все документы»: a streamed ZIP with a manifest."""
        application = self._application(application_id)
        statement = templates.statement_for(application, actor=current_user)
        db.session.commit()
        entries = bundles.entries_for(application, statement.data, statement.filename)
        return Response(bundles.stream_zip(entries), mimetype="application/zip",
                        headers=_attachment_headers(bundles.bundle_filename(application)))

    @expose("/attachment/<int:attachment_id>/file")
    @has_access
    def attachment_file(self, attachment_id):
        """«Скачать файл» of a document to sign (what the signer's own tools sign)."""
        return send_stored(self._attachment(attachment_id).file)

    @expose("/signature/<int:signature_id>/evidence")
    @has_access
    def signature_file(self, signature_id):
        """«Скачать подпись»: the evidence file sealed with the organization's key."""
        signature = self._signature(signature_id)
        data = evidence.evidence_file(signature.evidence_json, signature.evidence_signature)
        name = bundles.safe_name(f"{signature.attachment.file.original_name}.{signature.side}.evidence.json")
        return Response(data, mimetype="application/json", headers=_attachment_headers(name))

    @expose("/signature/<int:signature_id>/cms")
    @has_access
    def signature_cms(self, signature_id):
        """The detached CMS signature the signer uploaded."""
        signature = self._signature(signature_id)
        if signature.cms_file is None:
            abort(404)
        return send_stored(signature.cms_file)

    @expose("/copy-file/<int:file_id>")
    @has_access
    def copy_file(self, file_id):
        """A copy attached to a copy request (C4): the consumer who asked, and staff."""
        row = db.session.get(CopyRequestFile, file_id) or abort(404)
        ensure_can_see_copy_request(current_user, row.request)
        return send_stored(row.file)

    @expose("/attachment/<int:attachment_id>/sign/organization", methods=["POST"])
    @has_access
    def sign_organization(self, attachment_id):
        attachment = self._attachment(attachment_id)
        form = OrganizationSignForm()
        back = _back(url_for("DocumentsView.application", application_id=attachment.application_id))
        if not form.validate_on_submit():
            abort(400)
        upload = request.files.get("signature")
        try:
            if upload is not None and upload.filename:
                signing.sign_as_organization_with_cms(attachment, current_user, upload.read(1024 * 1024 + 1),
                                                      upload.filename, totp_code=form.totp_code.data)
            else:
                signing.sign_as_organization(attachment, current_user, totp_code=form.totp_code.data)
        except signing.SigningError as exc:
            db.session.rollback()
            _remember_error(attachment.id, exc.message)
            return redirect(back)
        db.session.commit()
        flash(_("Документ подписан со стороны организации"), "success")
        return redirect(back)

    @expose("/attachment/<int:attachment_id>/sign/code", methods=["POST"])
    @has_access
    def sign_code(self, attachment_id):
        """«Подписать» (ФЛ): an SMS with the code goes to the confirmed phone."""
        attachment = self._attachment(attachment_id)
        back = _back(url_for("DocumentsView.application", application_id=attachment.application_id))
        if not ConfirmForm().validate_on_submit():
            abort(400)
        try:
            signing.request_pep_code(attachment, current_user)
        except signing.SigningError as exc:
            db.session.rollback()
            _remember_error(attachment.id, exc.message)
            return redirect(back)
        db.session.commit()
        return redirect(back)

    @expose("/attachment/<int:attachment_id>/sign/confirm", methods=["POST"])
    @has_access
    def sign_confirm(self, attachment_id):
        """«Подтвердить» (ФЛ): the code from the SMS signs the document (ПЭП)."""
        attachment = self._attachment(attachment_id)
        back = _back(url_for("DocumentsView.application", application_id=attachment.application_id))
        form = PepConfirmForm()
        if not form.validate_on_submit():
            _remember_error(attachment.id, "; ".join(str(e) for e in form.code.errors) or _("Введите код из SMS"))
            return redirect(back)
        try:
            signing.confirm_pep(attachment, current_user, form.code.data)
        except signing.SigningError as exc:
            db.session.commit()  # keep the counted attempt
            _remember_error(attachment.id, exc.message)
            return redirect(back)
        db.session.commit()
        flash(_("Документ подписан простой электронной подписью"), "success")
        return redirect(back)

    @expose("/attachment/<int:attachment_id>/sign/cms", methods=["POST"])
    @has_access
    def sign_cms(self, attachment_id):
        """ИП/ЮЛ: upload of the detached signature made with the signer's own tools."""
        attachment = self._attachment(attachment_id)
        back = _back(url_for("DocumentsView.application", application_id=attachment.application_id))
        form = CmsUploadForm()
        if not form.validate_on_submit():
            _remember_error(attachment.id, "; ".join(str(e) for e in form.signature.errors) or _("Выберите файл подписи"))
            return redirect(back)
        upload = form.signature.data
        try:
            signature, signers = signing.sign_with_cms(attachment, current_user, upload.read(1024 * 1024 + 1),
                                               upload.filename)
        except signing.SigningError as exc:
            db.session.rollback()
            _remember_error(attachment.id, exc.message)
            return redirect(back)
        db.session.commit()
        first = signers[0]
        flash(_("Подпись принята: %(name)s, сертификат %(serial)s, действителен с %(start)s по %(end)s",
                name=first.name, serial=first.serial, start=first.not_before.strftime("%d.%m.%Y"),
                end=first.not_after.strftime("%d.%m.%Y")), "success")
        return redirect(back)


DocumentsView.method_permission_name = all_access(DocumentsView)


def _attachment_headers(filename: str) -> dict:
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "ignore").decode() or "document"
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "no-store"}


# ---- statement templates (F4) --------------------------------------------------------

class StatementTemplatesView(BaseView):
    """Admins: templates per application type — upload, preview with sample data, versions."""

    route_base = "/documents/templates"
    class_permission_name = "StatementTemplates"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        types = db.session.scalars(select(ApplicationType).order_by(ApplicationType.sort_order,
                                                                    ApplicationType.name)).all()
        latest = dict(db.session.execute(
            select(StatementTemplate.application_type_id, func.max(StatementTemplate.version))
            .group_by(StatementTemplate.application_type_id)).all())
        return self.render_template("documents/templates_index.html", types=types, latest=latest,
                                    placeholders=templates.PLACEHOLDERS,
                                    pdf_converter=templates.pdf_converter())

    @expose("/<int:type_id>/", methods=["GET", "POST"])
    @has_access
    def detail(self, type_id):
        application_type = db.session.get(ApplicationType, type_id) or abort(404)
        form = TemplateUploadForm()
        if form.validate_on_submit():
            back = url_for("StatementTemplatesView.detail", type_id=type_id)
            repeat = form_tokens.claim(current_user, fallback=back)
            if repeat is not None:  # a double click: that version is uploaded already
                return repeat
            upload = form.file.data
            try:
                template, check = templates.upload_template(application_type,
                                                            upload.read(templates.MAX_TEMPLATE_BYTES + 1),
                                                            upload.filename,
                                                            actor=current_user, comment=form.comment.data)
            except templates.TemplateRejected as exc:
                db.session.rollback()
                form.file.errors.append(exc.message)
            else:
                form_tokens.produced(back)
                db.session.commit()
                if check.unknown:
                    flash(_("Шаблон загружен (версия %(version)s). Неизвестные поля будут пустыми: %(names)s",
                            version=template.version, names=", ".join(check.unknown)), "warning")
                else:
                    flash(_("Шаблон загружен (версия %(version)s)", version=template.version), "success")
                return redirect(url_for("StatementTemplatesView.detail", type_id=type_id))
        versions = db.session.scalars(
            select(StatementTemplate).where(StatementTemplate.application_type_id == type_id)
            .options(joinedload(StatementTemplate.file), joinedload(StatementTemplate.uploaded_by))
            .order_by(StatementTemplate.version.desc())).all()
        return self.render_template("documents/template_detail.html", application_type=application_type,
                                    versions=versions, form=form, placeholders=templates.PLACEHOLDERS,
                                    field_codes=[(f.code, f.label) for f in application_type.fields])

    @expose("/<int:type_id>/default.docx")
    @has_access
    def default(self, type_id):
        """The built-in template, to start an own one from."""
        from workflows.documents.default_template import build_default_template

        application_type = db.session.get(ApplicationType, type_id) or abort(404)
        return Response(build_default_template(application_type), mimetype=templates.DOCX_MIME,
                        headers=_attachment_headers(f"Шаблон {application_type.code}.docx"))

    @expose("/version/<int:template_id>/file")
    @has_access
    def file(self, template_id):
        template = db.session.get(StatementTemplate, template_id) or abort(404)
        return send_stored(template.file)

    @expose("/version/<int:template_id>/preview")
    @has_access
    def preview(self, template_id):
        """The template filled with sample data."""
        template = db.session.get(StatementTemplate, template_id) or abort(404)
        data = templates.render_docx(read_stored(template.file), templates.sample_context(template.application_type))
        return Response(data, mimetype=templates.DOCX_MIME,
                        headers=_attachment_headers(f"Пример {template.application_type.code} v{template.version}.docx"))


StatementTemplatesView.method_permission_name = all_access(StatementTemplatesView)


# ---- copy requests (C4) --------------------------------------------------------------

class CopyRequestsView(BaseView):
    """Consumers: «Запросы копий документов» — ask and download the copies."""

    route_base = "/documents/copies"
    class_permission_name = "CopyRequests"
    default_view = "index"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self):
        consumer = current_consumer(current_user) or abort(404)
        form = CopyRequestForm()
        form.kinds.choices = [(k, k) for k in copies.DOCUMENT_KINDS]
        applications = copies.consumer_applications(consumer)
        form.application_id.choices = [(0, _("— без привязки к заявке —"))] + [
            (a.id, f"{a.number or '№' + str(a.id)} — {a.application_type.name}") for a in applications]
        if form.validate_on_submit():
            repeat = form_tokens.claim(current_user, fallback=url_for("CopyRequestsView.index"))
            if repeat is not None:  # a double click: the request is made already
                return repeat
            chosen = next((a for a in applications if a.id == form.application_id.data), None)
            try:
                copies.request_copies(consumer, documents=form.documents.data, kinds=form.kinds.data,
                                      comment=form.comment.data,
                                      application=chosen, actor=current_user)
            except copies.CopyRequestError as exc:
                db.session.rollback()
                getattr(form, exc.field or "documents").errors.append(exc.message)
            else:
                form_tokens.produced(url_for("CopyRequestsView.index"))
                db.session.commit()
                flash(_("Ваш запрос принят в работу"), "success")
                return redirect(url_for("CopyRequestsView.index"))
        query = scope_copy_requests(select(CopyRequest), current_user)
        rows = paginate(
            query.options(selectinload(CopyRequest.files).joinedload(CopyRequestFile.file),
                          joinedload(CopyRequest.application))
            .order_by(CopyRequest.created_at.desc()), page_number(), PER_PAGE,
        )
        return self.render_template("documents/copies_consumer.html", form=form, rows=rows.items, page=rows.page,
                                    has_next=rows.has_next)



CopyRequestsView.method_permission_name = all_access(CopyRequestsView)


class CopyRequestsStaffView(BaseView):
    """Staff: the copy requests queue; fulfil by attaching copies, or refuse."""

    route_base = "/documents/copies/staff"
    class_permission_name = "CopyRequestsStaff"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        status = request.args.get("status", CopyRequestStatus.NEW)
        query = select(CopyRequest).options(joinedload(CopyRequest.consumer), joinedload(CopyRequest.application))
        if status in (CopyRequestStatus.NEW, CopyRequestStatus.FULFILLED, CopyRequestStatus.REJECTED):
            query = query.where(CopyRequest.status == status)
        rows = paginate(query.order_by(CopyRequest.created_at.desc()), page_number(), PER_PAGE)
        return self.render_template("documents/copies_staff.html", rows=rows.items, status=status, page=rows.page,
                                    has_next=rows.has_next)

    @expose("/<int:request_id>", methods=["GET", "POST"])
    @has_access
    def detail(self, request_id):
        row = ensure_can_see_copy_request(current_user, db.session.get(CopyRequest, request_id))
        form = CopyAnswerForm()
        back = url_for("CopyRequestsStaffView.detail", request_id=request_id)
        if form.validate_on_submit():
            repeat = form_tokens.claim(current_user, fallback=back)
            if repeat is not None:  # a double click: answered already
                return repeat
            try:
                if request.form.get("action") == "reject":
                    copies.reject(row, answer=form.answer.data, actor=current_user)
                else:
                    copies.fulfil(row, request.files.getlist("files"), answer=form.answer.data, actor=current_user)
            except copies.CopyRequestError as exc:
                db.session.rollback()
                row = db.session.get(CopyRequest, request_id)
                getattr(form, exc.field).errors.append(exc.message) if exc.field else flash(exc.message, "danger")
            else:
                form_tokens.produced(back)
                db.session.commit()
                flash(_("Ответ отправлен потребителю"), "success")
                return redirect(back)
        return self.render_template("documents/copy_staff_detail.html", row=row, form=form)


CopyRequestsStaffView.method_permission_name = all_access(CopyRequestsStaffView)


# ---- public: «Проверить подпись» -----------------------------------------------------

#: a detached signature or an evidence file is a few kilobytes; nothing real comes near this
SIGNATURE_FILE_BYTES = 1024 * 1024


def verify_limit() -> str:
    return current_app.config.get("VERIFY_RATE_LIMIT", "20 per minute;200 per hour")


class VerifySignatureView(BaseView):
    """Anyone: does this signature file belong to this document, and who signed when."""

    route_base = "/verify-signature"
    default_view = "index"

    @expose("/", methods=["GET", "POST"])
    @limiter.limit(verify_limit, methods=["POST"])
    def index(self):
        form = VerifyForm()
        result = cms_signers = None
        status = 200
        if form.validate_on_submit():
            try:
                result, cms_signers = _verify_upload(form.document.data.stream, form.evidence.data.stream)
            except UploadTooLarge as exc:
                getattr(form, exc.field).errors.append(exc.message)
                status = 400
        return self.render_template("documents/verify.html", form=form, result=result, when=_when(result),
                                    cms_signers=cms_signers, fingerprint=evidence.key_fingerprint(),
                                    method_labels=signing.METHOD_LABELS), status

    @expose("/public-key.pem")
    def public_key(self):
        return Response(evidence.public_key_pem(), mimetype="application/x-pem-file",
                        headers=_attachment_headers("kabinet-signature-key.pem"))


class UploadTooLarge(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _verify_upload(document_stream, signature_stream):
    """Both files are read in chunks and refused past their caps: the signature file at 1 MB,
    the document at the portal's upload limit (hashed as it streams when only its hash is needed)."""
    from app.core.files import max_file_bytes

    try:
        signature_file = read_at_most(signature_stream, SIGNATURE_FILE_BYTES)
    except TooLarge as exc:
        raise UploadTooLarge("evidence", _("Файл подписи слишком большой: не более %(mb)s МБ", mb=exc.megabytes))
    try:
        if signature_file.lstrip()[:1] == b"{":
            digest = sha256_at_most(document_stream, max_file_bytes())
            return evidence.verify_digest(digest, signature_file), None
        # a detached CMS signature (.sig/.p7s): its digest algorithm decides how to hash the document
        return _verify_cms(read_at_most(document_stream, max_file_bytes()), signature_file)
    except TooLarge as exc:
        raise UploadTooLarge("document", _("Документ слишком большой: не более %(mb)s МБ", mb=exc.megabytes))


def _verify_cms(document: bytes, signature_file: bytes):
    from workflows.documents import cms

    try:
        signers = cms.check_detached(signature_file, document)
    except cms.SignatureRejected as exc:
        return evidence.Verification(False, exc.message), None
    return evidence.Verification(True, _("Электронная подпись CMS соответствует документу")), signers


def _when(result) -> dict:
    """The evidence times (ISO, UTC) as «DD.MM.YYYY HH:MM» in the portal's time zone."""
    from datetime import datetime

    from app.core.formatting import format_datetime

    payload = (result.evidence if result else None) or {}
    found = {"signed_at": payload.get("signed_at"), **{k: v for k, v in (payload.get("pep") or {}).items()
                                                        if k.endswith("_at")}}
    out = {}
    for key, value in found.items():
        try:
            out[key] = format_datetime(datetime.fromisoformat(str(value).rstrip("Z")))
        except ValueError:
            out[key] = ""
    return out


def _iso_date(value) -> str:
    """An ISO date/time string kept in evidence → «DD.MM.YYYY»."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(str(value).rstrip("Z")).strftime("%d.%m.%Y")
    except ValueError:
        return str(value or "")


ROLE_PERMISSIONS = {
    "Consumer": [("can_access", "Documents"), ("can_access", "CopyRequests"), ("menu_access", MENU_COPIES),
                 ("menu_access", MENU_VERIFY)],
    "Staff": [("can_access", "Documents"), ("can_access", "CopyRequestsStaff"), ("menu_access", MENU_COPIES_STAFF),
              ("can_sign", "DocumentSigning"), ("menu_access", MENU_VERIFY)],
    "OrgAdmin": [("can_access", "Documents"), ("can_access", "CopyRequestsStaff"),
                 ("menu_access", MENU_COPIES_STAFF), ("can_sign", "DocumentSigning"),
                 ("can_access", "StatementTemplates"), ("menu_access", MENU_TEMPLATES), ("menu_access", MENU_VERIFY)],
}


def register(appbuilder) -> None:
    """Add this area's views and menu entries."""
    current_app.add_template_global(documents_panel, "documents_panel")
    current_app.add_template_filter(_iso_date, "iso_ru_date")
    signing.register()
    appbuilder.add_view_no_menu(DocumentsView())
    appbuilder.add_view_no_menu(CopyRequestsView())
    appbuilder.add_view_no_menu(CopyRequestsStaffView())
    appbuilder.add_view_no_menu(StatementTemplatesView())
    appbuilder.add_view_no_menu(VerifySignatureView())
    appbuilder.add_link(MENU_COPIES, href="/documents/copies/", icon="fa-copy")
    appbuilder.add_link(MENU_COPIES_STAFF, href="/documents/copies/staff/", icon="fa-copy")
    appbuilder.add_link(MENU_TEMPLATES, href="/documents/templates/", icon="fa-file-word-o")
    appbuilder.add_link(MENU_VERIFY, href="/verify-signature/", icon="fa-check-circle")


AREA = Area(
    "documents",
    register=register,
    permissions=ROLE_PERMISSIONS,
    seeders=(seed_default_templates,),
    notifications=("document_copy_answered", "document_copy_requested", "document_sign_requested", "document_signed"),
)
