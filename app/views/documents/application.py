"""«Документы заявки» (C1–C3, C5): the statement, the bundle, the documents and signatures to
download, and the signing actions. Parse → one command of workflows/documents/commands.py →
render; a refused signing is shown under the document's signing form."""
from flask import Response, abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.files import send_stored
from app.security.access import ensure_can_see_copy_request, is_organization
from app.views.documents.common import attachment_headers, back
from app.web.permissions import one_permission
from app.views.documents.panel import remember_error
from app.web.boundary import refused
from forms.documents import CmsUploadForm, ConfirmForm, OrganizationSignForm, PepConfirmForm
from workflows.documents import bundles, commands, evidence, queries, signing
from workflows.documents.templates import DOCX_MIME

#: a detached signature is a few kilobytes: one byte over this is refused as too large
SIGNATURE_READ_BYTES = 1024 * 1024 + 1


@one_permission
class DocumentsView(BaseView):
    """Statement, bundle, document and signature downloads; signing actions."""

    route_base = "/documents"
    class_permission_name = "Documents"
    default_view = "application"

    @expose("/application/<int:application_id>/")
    @has_access
    def application(self, application_id):
        """«Документы заявки»: the statement, the bundle and the documents to sign."""
        application = commands.application_documents(application_id, current_user)
        side = "organization" if is_organization(current_user) else "consumer"
        return self.render_template("documents/application.html", application=application, viewer_side=side)

    @expose("/application/<int:application_id>/statement.docx")
    @has_access
    def statement(self, application_id):
        """«Скачать заявку»: the filled .docx (frozen once submitted)."""
        result = commands.statement(application_id, current_user)
        return Response(result.data, mimetype=DOCX_MIME, headers=attachment_headers(result.filename))

    @expose("/application/<int:application_id>/statement.pdf")
    @has_access
    def statement_pdf(self, application_id):
        pdf, name = commands.statement_pdf(application_id, current_user)
        if pdf is None:
            flash(_("Не удалось получить PDF, скачайте заявку в формате Word"), "danger")
            return redirect(url_for("DocumentsView.application", application_id=application_id))
        return Response(pdf, mimetype="application/pdf", headers=attachment_headers(name))

    @expose("/application/<int:application_id>/bundle.zip")
    @has_access
    def bundle(self, application_id):
        """«Скачать все документы»: a streamed ZIP with a manifest."""
        name, chunks = commands.bundle(application_id, current_user)
        return Response(chunks, mimetype="application/zip", headers=attachment_headers(name))

    @expose("/attachment/<int:attachment_id>/file")
    @has_access
    def attachment_file(self, attachment_id):
        """«Скачать файл» of a document to sign (what the signer's own tools sign)."""
        return send_stored(commands.attachment(attachment_id, current_user).file)

    @expose("/signature/<int:signature_id>/evidence")
    @has_access
    def signature_file(self, signature_id):
        """«Скачать подпись»: the evidence file sealed with the organization's key."""
        signature = commands.signature(signature_id, current_user)
        data = evidence.evidence_file(signature.evidence_json, signature.evidence_signature)
        name = bundles.safe_name(f"{signature.attachment.file.original_name}.{signature.side}.evidence.json")
        return Response(data, mimetype="application/json", headers=attachment_headers(name))

    @expose("/signature/<int:signature_id>/cms")
    @has_access
    def signature_cms(self, signature_id):
        """The detached CMS signature the signer uploaded."""
        signature = commands.signature(signature_id, current_user)
        if signature.cms_file is None:
            abort(404)
        return send_stored(signature.cms_file)

    @expose("/copy-file/<int:file_id>")
    @has_access
    def copy_file(self, file_id):
        """A copy attached to a copy request (C4): the consumer who asked, and staff."""
        row = queries.copy_file(file_id)
        ensure_can_see_copy_request(current_user, row.request)
        return send_stored(row.file)

    # ---- signing: a refusal is shown under the document's form, not as a flash message ----

    def _back(self, attachment_id: int) -> tuple[int, str]:
        attachment = commands.attachment(attachment_id, current_user)
        return attachment.id, back(url_for("DocumentsView.application", application_id=attachment.application_id))

    @staticmethod
    def _signed(attachment_id: int, to: str, act, done=None):
        """Run one signing command: its refusal is rolled back and waits under the document's
        form (a wrong code's try stays counted, workflows/accounts/tries.py); `done(result)` is flashed."""
        try:
            result = act()
        except signing.SigningError as exc:
            refused(exc, flash_message=False)
            remember_error(attachment_id, exc.message)
            return redirect(to)
        if done is not None:
            flash(done(result), "success")
        return redirect(to)

    @staticmethod
    def _invalid(attachment_id: int, to: str, field, default: str):
        remember_error(attachment_id, "; ".join(str(e) for e in field.errors) or default)
        return redirect(to)

    @expose("/attachment/<int:attachment_id>/sign/organization", methods=["POST"])
    @has_access
    def sign_organization(self, attachment_id):
        attachment_id, to = self._back(attachment_id)
        form = OrganizationSignForm()
        if not form.validate_on_submit():
            abort(400)
        upload = request.files.get("signature")
        data = upload.read(SIGNATURE_READ_BYTES) if upload is not None and upload.filename else None
        return self._signed(attachment_id, to, lambda: commands.sign_for_organization(
            attachment_id, current_user, totp_code=form.totp_code.data, signature_file=data,
            filename=getattr(upload, "filename", "")), lambda _signature: _("Документ подписан со стороны организации"))

    @expose("/attachment/<int:attachment_id>/sign/code", methods=["POST"])
    @has_access
    def sign_code(self, attachment_id):
        """«Подписать» (ФЛ): an SMS with the code goes to the confirmed phone."""
        attachment_id, to = self._back(attachment_id)
        if not ConfirmForm().validate_on_submit():
            abort(400)
        return self._signed(attachment_id, to, lambda: commands.request_signing_code(attachment_id, current_user))

    @expose("/attachment/<int:attachment_id>/sign/confirm", methods=["POST"])
    @has_access
    def sign_confirm(self, attachment_id):
        """«Подтвердить» (ФЛ): the code from the SMS signs the document (ПЭП)."""
        attachment_id, to = self._back(attachment_id)
        form = PepConfirmForm()
        if not form.validate_on_submit():
            return self._invalid(attachment_id, to, form.code, _("Введите код из SMS"))
        return self._signed(attachment_id, to,
                            lambda: commands.confirm_signing_code(attachment_id, current_user, form.code.data),
                            lambda _signature: _("Документ подписан простой электронной подписью"))

    @expose("/attachment/<int:attachment_id>/sign/cms", methods=["POST"])
    @has_access
    def sign_cms(self, attachment_id):
        """ИП/ЮЛ: upload of the detached signature made with the signer's own tools."""
        attachment_id, to = self._back(attachment_id)
        form = CmsUploadForm()
        if not form.validate_on_submit():
            return self._invalid(attachment_id, to, form.signature, _("Выберите файл подписи"))
        upload = form.signature.data
        return self._signed(attachment_id, to, lambda: commands.upload_signature(
            attachment_id, current_user, upload.read(SIGNATURE_READ_BYTES), upload.filename), _accepted)


def _accepted(signers) -> str:
    first = signers[0]
    return _("Подпись принята: %(name)s, сертификат %(serial)s, действителен с %(start)s по %(end)s",
             name=first.name, serial=first.serial, start=first.not_before.strftime("%d.%m.%Y"),
             end=first.not_after.strftime("%d.%m.%Y"))
