"""«Мои документы» (E3, seed 004 §2.11): the history of the documents the consumer sent and received,
with filters, and «Загрузить документ». Thin: workflows/documents/mine.py lists, uploads.py sends;
every «Скачать документ» is the download route of the document's own kind, with its own access
check (app/security/access.py); the one this module adds serves a mailed receipt as it was sent.
"""
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.files import send_stored
from app.core.paging import page_number
from app.models import DocumentSource
from app.security.roles import CONSUMER
from app.web import form_tokens
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.documents import DocumentUploadForm, MyDocumentsFilterForm
from workflows.documents import mine, uploads

PERMISSION = "MyDocuments"
MENU = "Мои документы"
#: «Мои данные»: a statement needs them filled in
PROFILE_URL = "/my/profile/"
#: the filter arguments the pager keeps
FILTER_ARGS = ("direction", "type_name", "date_from", "date_to", "account_id")


def download_url(row) -> str:
    """«Скачать документ»: the existing route that serves this kind of document."""
    if row.source_kind == DocumentSource.ATTACHMENT:
        return url_for("DocumentsView.attachment_file", attachment_id=row.source_id)
    if row.source_kind == DocumentSource.STATEMENT:
        return url_for("DocumentsView.statement", application_id=row.source_id)
    if row.source_kind == DocumentSource.SIGNATURE:
        return url_for("DocumentsView.signature_file", signature_id=row.source_id)
    if row.source_kind == DocumentSource.COPY:
        return url_for("DocumentsView.copy_file", file_id=row.source_id)
    return url_for("MyDocumentsView.receipt", sending_id=row.source_id)


def _number(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else (0 if raw else None)


def _filters(form: MyDocumentsFilterForm) -> mine.Filters:
    valid = form.validate()  # a date that is not one is dropped (its message shown)
    return mine.Filters(direction=form.direction.data or "", type_name=(form.type_name.data or "").strip(),
                        date_from=form.date_from.data if valid or not form.date_from.errors else None,
                        date_to=form.date_to.data if valid or not form.date_to.errors else None,
                        account_id=_number(form.account_id.data))


@one_permission
class MyDocumentsView(BaseView):
    """«Мои документы» of the signed-in consumer."""

    route_base = "/my/documents"
    class_permission_name = PERMISSION
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        form = MyDocumentsFilterForm(formdata=request.args)
        history = mine.my_documents(current_user, _filters(form), page_number())
        form.direction.choices = [("", _("Все"))] + [(k, _(v)) for k, v in mine.DIRECTIONS.items()]
        form.type_name.choices = [("", _("Все"))] + [(name, name) for name in history.type_choices]
        form.account_id.choices = [("", _("Все"))] + [(str(i), label) for i, label in history.account_choices]
        for name, message in history.errors.items():
            form[name].errors = list(form[name].errors) + [message]
        args = {k: v for k, v in request.args.items() if k in FILTER_ARGS and v}
        return self.render_template("documents/mine.html", h=history, form=form, args=args,
                                    download_url=download_url)

    @expose("/upload", methods=["GET", "POST"])
    @has_access
    def upload(self):
        form = DocumentUploadForm() if request.method == "POST" else DocumentUploadForm(formdata=None)
        form.document_type.choices = [("", "—")] + [(str(i), name) for i, name in uploads.type_choices()]
        consumer = current_user.consumer
        form.account_id.choices = [("", "—")] + [(str(i), n) for i, n in uploads.account_choices(consumer)]
        form_error = None
        if request.method == "POST":
            done, form_error = self._send(form)
            if done is not None:
                return done
        page = self.render_template("documents/mine_upload.html", form=form, form_error=form_error,
                                    profile_url=PROFILE_URL, limits=uploads.limits_mb())
        return page, 200 if form_error is None else 400

    @expose("/receipts/<int:sending_id>")
    @has_access
    def receipt(self, sending_id):
        """The PDF «Рассылка квитанций» mailed (the month's receipt as it was sent)."""
        return send_stored(mine.mailed_receipt(current_user, sending_id))

    def _send(self, form: DocumentUploadForm):
        """(the redirect after sending, None) or (None, a message for the whole form)."""
        if not form.validate_on_submit():
            return None, _("Форма устарела: обновите страницу и отправьте документ еще раз")
        back = url_for(".index")
        repeat = form_tokens.claim(current_user, fallback=back)
        if repeat is not None:  # a double click: the documents are sent already
            return repeat, None
        try:
            application = uploads.send_documents(current_user, _number(form.document_type.data),
                                                 _number(form.account_id.data), form.files.data)
        except uploads.ApplicationError as exc:  # a field, or «Мои данные» incomplete
            refused(exc, flash_message=False)
            for name, message in (exc.field_errors or {}).items():
                getattr(form, name).errors = list(getattr(form, name).errors) + [message]
            return None, exc.message
        form_tokens.produced(back)
        flash(_(uploads.MSG_SENT, number=application.number), "success")
        return redirect(back), None


VIEWS = (MyDocumentsView,)
MENU_LINKS = ((MENU, "/my/documents/", "fa-folder-open"),)
PERMISSIONS: dict = {CONSUMER: [("can_access", PERMISSION), ("menu_access", MENU)]}
SEEDERS = (uploads.seed_document_upload,)
