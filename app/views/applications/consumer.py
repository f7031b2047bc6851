"""Consumer side of applications (B2–B6, B9–B11): «Подать заявку», the draft form, «Мои заявки»,
the application page with its documents and messages."""
from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.errors import Conflict, KabinetError
from app.core.files import UploadRejected, max_file_bytes
from app.core.paging import page_number
from app.core.settings import get_setting
from app.models import Application, ApplicationKind
from app.security.access import current_consumer, ensure_owns_application
from app.security.roles import CONSUMER
from app.views.applications.shared import (
    application_context,
    confirm_and_remove,
    deletable_ids,
    send_attachment,
    status_panel,
    under_field,
)
from app.web import form_tokens
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.applications import (
    AttachmentForm,
    ConfirmForm,
    MessageForm,
    NewApplicationForm,
    build_application_form,
    form_values,
)
from workflows.applications import queries
from workflows.applications.commands import consumer as commands
from workflows.applications.commands import documents as shared_commands
from workflows.applications.dictionaries import document_types, fields_of, required_documents, transitions_from
from workflows.applications.drafts import MSG_PROFILE, drafts_limit
from workflows.applications.guards import DraftRefused, ProfileIncomplete
from workflows.applications.rules import CONSUMER_SIDE, is_editable_by_consumer, is_overdue, live_attachments

PROFILE_URL = "/my/profile/"


@one_permission
class ConsumerApplicationsView(BaseView):
    """«Подать заявку», the draft form, «Мои заявки» and the application page."""

    route_base = "/my/applications"
    class_permission_name = "ConsumerCabinet"
    default_view = "index"

    def _load(self, application_id: int) -> Application:
        return ensure_owns_application(current_user, queries.application_detail(application_id))

    @expose("/")
    @has_access
    def index(self):
        page = queries.my_applications(current_user, page=page_number())
        return self.render_template("applications/my_list.html", page=page, is_overdue=is_overdue)

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        consumer = current_consumer(current_user)
        if consumer is None:
            abort(404)
        if not commands.profile_complete(consumer):
            flash(_(MSG_PROFILE), "warning")
            return redirect(PROFILE_URL)
        form = NewApplicationForm()
        if request.method == "POST" and form.validate_on_submit():
            return self._start(form)
        types = commands.types_for(current_user)
        wanted = request.args.get("type")
        if wanted and len([t for t in types if t.code == wanted]) == 1:
            types = [t for t in types if t.code == wanted]
        return self.render_template("applications/new.html", types=types, form=form)

    def _start(self, form):
        repeat = form_tokens.claim(current_user, fallback=url_for(".index"), say_done=False)
        if repeat is not None:  # a double click: the draft the first click opened
            return repeat
        try:
            application, reopened = commands.start_application(current_user, form.type_code.data,
                                                               new=form.new.data == "1")
        except DraftRefused as exc:
            refused(exc)
            return redirect(url_for(".new", type=form.type_code.data))
        target = url_for(".edit", application_id=application.id, **({"reopened": 1} if reopened else {}))
        form_tokens.produced(target)
        return redirect(target)

    @expose("/<int:application_id>/edit", methods=["GET", "POST"])
    @has_access
    def edit(self, application_id):
        application = self._load(application_id)
        if request.method == "POST":
            repeat = form_tokens.claim(current_user, fallback=url_for(".show", application_id=application.id))
            if repeat is not None:
                return repeat
        if not is_editable_by_consumer(application):
            return redirect(url_for(".show", application_id=application.id))
        if request.method == "GET":
            return self._render_edit(application, self._saved_form(application))
        try:
            return self._save_or_submit(application)
        except Conflict as exc:  # saved from another tab meanwhile
            refused(exc)
            return redirect(url_for(".show", application_id=application_id))

    def _save_or_submit(self, application):
        """«Сохранить черновик» / «Подать заявку»: the typed values are kept even when submitting is refused."""
        submitting = request.form.get("action") == "submit"
        form = build_application_form(fields_of(application), require=submitting, formdata=request.form)
        if not form.validate():
            form_tokens.release()
            flash(_("Проверьте правильность заполнения полей"), "danger")
            return self._render_edit(application, form)
        saved = commands.save_application(application.id, current_user, form_values(form), submit=submitting)
        if saved.refusal is not None:
            return self._refused_submission(application, form, saved.refusal)
        target = url_for(".show" if submitting else ".edit", application_id=application.id)
        form_tokens.produced(target)
        if not submitting:
            flash(_("Черновик сохранен"), "success")
        elif application.application_type.kind == ApplicationKind.MESSAGE:
            flash(_("Сообщение отправлено"), "success")
        else:
            flash(_("Заявка отправлена"), "success")
        return redirect(target)

    def _refused_submission(self, application, form, refusal: KabinetError):
        """The values typed so far are kept as the draft (the request commits them); the form may be sent again."""
        form_tokens.release()
        flash(refusal.message, refusal.category)
        if isinstance(refusal, ProfileIncomplete):
            return redirect(PROFILE_URL)
        for code, message in getattr(refusal, "field_errors", {}).items():
            if "f_" + code in form:
                form["f_" + code].errors = list(form["f_" + code].errors) + [message]
        return self._render_edit(application, form)

    def _render_edit(self, application, form, *, attachment_form=None, status=200):
        live = live_attachments(application)
        return self.render_template(
            "applications/edit.html", form=form, application=application,
            attachment_form=attachment_form or AttachmentForm().setup(document_types()),
            confirm_form=ConfirmForm(),
            attachments=live,
            required_documents=required_documents(application.application_type, application.consumer.legal_form),
            missing=status_panel(application, live, "missing_data"),
            deletable=deletable_ids(live, CONSUMER_SIDE, application),
            max_file_mb=max_file_bytes() // (1024 * 1024),
            forms_url=get_setting("application_forms_url"),
            drafts_limit=drafts_limit(application.application_type),
            submit_label=next((t.name for t in transitions_from(application, {CONSUMER})), _("Подать заявку")),
            reopened=request.method == "GET" and request.args.get("reopened") == "1",
            new_form=NewApplicationForm(type_code=application.application_type.code, new="1"),
        ), status

    def _saved_form(self, application):
        return build_application_form(fields_of(application), require=False, data=application.data)

    def _typed_values(self, application):
        """The draft form's values sent along with «Добавить документ» (its button belongs to that
        form): the valid ones are saved now, the others come back as typed with their message.
        None when the draft form was not sent with the document."""
        if request.form.get("action") != "document":
            return None
        form = build_application_form(fields_of(application), require=False, formdata=request.form)
        form.validate()
        values = {code: value for code, value in form_values(form).items() if not form["f_" + code].errors}
        commands.save_typed_values(application.id, current_user, values)
        return form

    @expose("/<int:application_id>/delete", methods=["POST"])
    @has_access
    def delete(self, application_id):
        if not ConfirmForm().validate_on_submit():
            abort(400)
        try:
            commands.delete_application(application_id, current_user)
        except KabinetError as exc:
            refused(exc)
            return redirect(url_for(".show", application_id=application_id))
        flash(_("Черновик удален"), "success")
        return redirect(url_for(".index"))

    @expose("/<int:application_id>")
    @has_access
    def show(self, application_id):
        # the organization's messages on the page are read now (B10); the request commits it
        page, _status = self._render_show(self._load(application_id))
        return page

    def _render_show(self, application, *, attachment_form=None, message_form=None, status=200):
        return self.render_template(
            "applications/show.html",
            attachment_form=attachment_form or AttachmentForm().setup(document_types()),
            message_form=message_form or MessageForm(), confirm_form=ConfirmForm(),
            max_file_mb=max_file_bytes() // (1024 * 1024),
            **application_context(application, viewer_side=CONSUMER_SIDE),
        ), status

    @expose("/<int:application_id>/documents", methods=["POST"])
    @has_access
    def add_document(self, application_id):
        """«Добавить документ»; from the draft form it saves what was typed there too (nothing lost)."""
        application = self._load(application_id)
        from_edit = request.form.get("next") == "edit" and is_editable_by_consumer(application)
        target = url_for(".edit" if from_edit else ".show", application_id=application.id)
        repeat = form_tokens.claim(current_user, fallback=target)
        if repeat is not None:
            return repeat
        typed = self._typed_values(application) if from_edit else None
        form = AttachmentForm().setup(document_types())
        if form.validate_on_submit() and self._attach(application, form):
            form_tokens.produced(target)
            flash(_("Файл успешно загружен"), "success")
            if typed is None or not typed.errors:
                return redirect(target)
            flash(_("Проверьте правильность заполнения полей"), "danger")
            return self._render_edit(application, typed)
        form_tokens.release()  # the values typed on the draft form are kept (the request commits them)
        if from_edit:
            shown = typed if typed is not None else self._saved_form(application)
            return self._render_edit(application, shown, attachment_form=form, status=400)
        return self._render_show(application, attachment_form=form, status=400)

    def _attach(self, application, form) -> bool:
        """Store the document of a valid AttachmentForm; a refusal goes under the file field and
        leaves the rest of the request's work (the values typed) in place."""
        try:
            shared_commands.add_document(
                application.id, current_user, side=CONSUMER_SIDE, file=form.file.data, title=form.title.data,
                document_type_id=form.document_type_id.data, comment=form.comment.data)
        except KabinetError as exc:
            form.file.errors = list(form.file.errors) + [exc.message]
            return False
        return True

    @expose("/<int:application_id>/documents/<int:attachment_id>/delete", methods=["POST"])
    @has_access
    def delete_document(self, application_id, attachment_id):
        application = self._load(application_id)
        if not confirm_and_remove(application, attachment_id, side=CONSUMER_SIDE):
            return redirect(url_for(".show", application_id=application.id))
        flash(_("Документ удален"), "success")
        return redirect(url_for(".edit", application_id=application.id))

    @expose("/<int:application_id>/files/<int:attachment_id>")
    @has_access
    def download(self, application_id, attachment_id):
        return send_attachment(self._load(application_id), attachment_id, deleted_too=False)

    @expose("/<int:application_id>/messages", methods=["POST"])
    @has_access
    def add_message(self, application_id):
        application = self._load(application_id)
        target = url_for(".show", application_id=application.id) + "#messages"
        repeat = form_tokens.claim(current_user, fallback=target)
        if repeat is not None:
            return repeat
        form = MessageForm()
        if form.validate_on_submit():
            try:
                shared_commands.send_message(application.id, current_user, side=CONSUMER_SIDE, body=form.body.data,
                                             file=form.file.data, file_title=form.file_title.data)
            except KabinetError as exc:
                under_field(form.file if isinstance(exc, UploadRejected) else form.body, exc)
            else:
                form_tokens.produced(target)
                flash(_("Сообщение отправлено"), "success")
                return redirect(target)
        else:
            form_tokens.release()
        # the typed text comes back with the message under its field
        return self._render_show(self._load(application_id), message_form=form, status=400)
