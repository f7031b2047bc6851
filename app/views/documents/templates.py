"""«Шаблоны заявлений» (F4): admins upload a statement template per application type,
preview it with sample data and keep its versions."""
from flask import Response, flash, redirect, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.files import read_stored, send_stored
from app.views.documents.common import attachment_headers
from app.web.permissions import one_permission
from app.web import form_tokens
from app.web.boundary import refused
from forms.documents import TemplateUploadForm
from workflows.documents import commands, queries, templates
from workflows.documents.default_template import build_default_template
from workflows.documents.placeholders import PLACEHOLDERS, sample_context
from workflows.documents.statements import pdf_converter


@one_permission
class StatementTemplatesView(BaseView):
    """Admins: templates per application type — upload, preview with sample data, versions."""

    route_base = "/documents/templates"
    class_permission_name = "StatementTemplates"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        types, latest = queries.template_overview()
        return self.render_template("documents/templates_index.html", types=types, latest=latest,
                                    placeholders=PLACEHOLDERS, pdf_converter=pdf_converter())

    @expose("/<int:type_id>/", methods=["GET", "POST"])
    @has_access
    def detail(self, type_id):
        application_type = queries.application_type(type_id)
        form = TemplateUploadForm()
        if form.validate_on_submit():
            done = self._upload(type_id, form)
            if done is not None:
                return done
        return self.render_template("documents/template_detail.html", application_type=application_type,
                                    versions=queries.template_versions(type_id), form=form,
                                    placeholders=PLACEHOLDERS,
                                    field_codes=[(f.code, f.label) for f in application_type.fields])

    def _upload(self, type_id: int, form):
        """The redirect after an upload (or its repeat); None to show the refusal under the field."""
        back = url_for("StatementTemplatesView.detail", type_id=type_id)
        repeat = form_tokens.claim(current_user, fallback=back)
        if repeat is not None:  # a double click: that version is uploaded already
            return repeat
        upload = form.file.data
        try:
            template, check = commands.upload_template(type_id, current_user,
                                                       upload.read(templates.MAX_TEMPLATE_BYTES + 1),
                                                       upload.filename, comment=form.comment.data)
        except templates.TemplateRejected as exc:
            refused(exc, flash_message=False)
            form.file.errors.append(exc.message)
            return None
        form_tokens.produced(back)
        if check.unknown:
            flash(_("Шаблон загружен (версия %(version)s). Неизвестные поля будут пустыми: %(names)s",
                    version=template.version, names=", ".join(check.unknown)), "warning")
        else:
            flash(_("Шаблон загружен (версия %(version)s)", version=template.version), "success")
        return redirect(back)

    @expose("/<int:type_id>/default.docx")
    @has_access
    def default(self, type_id):
        """The built-in template, to start an own one from."""
        application_type = queries.application_type(type_id)
        return Response(build_default_template(application_type), mimetype=templates.DOCX_MIME,
                        headers=attachment_headers(f"Шаблон {application_type.code}.docx"))

    @expose("/version/<int:template_id>/file")
    @has_access
    def file(self, template_id):
        return send_stored(queries.template(template_id).file)

    @expose("/version/<int:template_id>/preview")
    @has_access
    def preview(self, template_id):
        """The template filled with sample data."""
        template = queries.template(template_id)
        data = templates.render_docx(read_stored(template.file), sample_context(template.application_type))
        return Response(data, mimetype=templates.DOCX_MIME,
                        headers=attachment_headers(f"Пример {template.application_type.code} v{template.version}.docx"))
