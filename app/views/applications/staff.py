"""Staff side of applications (B7–B9, B12, B13): «Документооборот» queue and the item page."""
from datetime import date

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.errors import Conflict, KabinetError
from app.core.files import max_file_bytes
from app.core.paging import page_number
from app.security.access import ensure_organization_application
from app.views.applications.shared import (
    application_context,
    confirm_and_remove,
    send_attachment,
    under_field,
)
from app.web import form_tokens
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.applications import (
    ConfirmForm,
    MessageForm,
    StaffAttachmentForm,
    StaffSaveForm,
    StageNoteForm,
    build_tracker_form,
    tracker_values,
)
from workflows.applications import queries
from workflows.applications.commands import staff as commands
from workflows.applications.commands import documents as shared_commands
from workflows.applications.dictionaries import document_types, transitions_from
from workflows.applications.guards import ApplicationError, ensure_version
from workflows.applications.rules import ORGANIZATION_SIDE, is_overdue, today
from workflows.applications.tracker import STAGES


def _date_arg(name: str) -> date | None:
    raw = (request.args.get(name) or "").strip()
    for parse in (date.fromisoformat, lambda v: date(int(v[6:10]), int(v[3:5]), int(v[0:2]))):
        try:
            return parse(raw)
        except (ValueError, IndexError):
            continue
    return None


def _id_arg(name: str) -> int | None:
    raw = request.args.get(name) or ""
    return int(raw) if raw.isdigit() else None


def _queue_filters() -> queries.QueueFilters:
    return queries.QueueFilters(
        status_id=_id_arg("status"), type_id=_id_arg("type"), date_from=_date_arg("from"),
        date_to=_date_arg("to"), overdue=request.args.get("overdue") == "1",
        due=request.args.get("due") == "1", q=(request.args.get("q") or "")[:100],
        kinds=tuple(kind for kind in queries.QUEUE_KINDS if kind in request.args.getlist("kind")),
    )


def _item_changes(form: StaffSaveForm) -> commands.ItemChanges:
    return commands.ItemChanges(
        number=form.number.data, assign_number=bool(form.assign_number.data),
        transition_id=form.transition_id.data or None, free_status=form.free_status.data,
        comment=form.comment.data, status_file=form.status_file.data or None,
        status_document_type_id=form.status_document_type_id.data or None,
        status_document_title=form.status_document_title.data,
    )


@one_permission
class StaffApplicationsView(BaseView):
    """The queue of submitted items and the page where staff process one."""

    route_base = "/staff"
    class_permission_name = "StaffWorkspace"
    default_view = "queue"

    def _load(self, application_id: int):
        return ensure_organization_application(current_user, queries.application_detail(application_id))

    @expose("/queue/")
    @has_access
    def queue(self):
        filters = _queue_filters()
        try:
            per_page = min(max(int(request.args.get("per_page", queries.PAGE_SIZE)), 5), 100)
        except ValueError:
            per_page = queries.PAGE_SIZE
        page = queries.staff_queue(current_user, filters, today=today(), page=page_number(), per_page=per_page)
        types, statuses = queries.queue_dictionaries()
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "page" and v]  # «kind» may come twice
        return self.render_template("applications/staff/queue.html", page=page, filters=filters, types=types,
                                    statuses=statuses, args=args, today=today(), is_overdue=is_overdue,
                                    queue_kinds=queries.QUEUE_KINDS)

    def _render_item(self, application, *, save_form=None, attachment_form=None, note_form=None,
                     tracker_form=None, message_form=None, status=200):
        transitions = transitions_from(application, current_user.role_names)
        documents = document_types()
        save_form = (save_form or StaffSaveForm(version=str(application.version), number=application.number))
        save_form.setup(transitions, documents)
        save_form.version.data = str(application.version)
        return self.render_template(
            "applications/staff/item.html",
            save_form=save_form,
            attachment_form=attachment_form or StaffAttachmentForm().setup(documents),
            note_form=note_form or StageNoteForm(),
            tracker_form=tracker_form or build_tracker_form(STAGES, application.tracker),
            message_form=message_form or MessageForm(),
            confirm_form=ConfirmForm(),
            transitions=transitions,
            max_file_mb=max_file_bytes() // (1024 * 1024),
            **application_context(application, viewer_side=ORGANIZATION_SIDE),
        ), status

    @expose("/applications/<int:application_id>")
    @has_access
    def item(self, application_id):
        # the consumer's messages on the page are read now (B10); the request commits it
        return self._render_item(self._load(application_id))

    @expose("/applications/<int:application_id>/save", methods=["POST"])
    @has_access
    def save(self, application_id):
        """«Сохранить»: registration number and status in one step, refused when the form is stale."""
        application = self._load(application_id)
        repeat = self._claim(application)
        if repeat is not None:  # this very form was saved already: not a colleague's change
            return repeat
        form = StaffSaveForm().setup(transitions_from(application, current_user.role_names), document_types())
        try:
            # a form rendered from an older state is refused before anything else is looked at
            ensure_version(application, form.version.data)
            if not form.validate_on_submit():
                form_tokens.release()
                return self._render_item(application, save_form=form, status=400)
            changed = commands.save_item(application.id, current_user, _item_changes(form),
                                         expected_version=form.version.data)
        except KabinetError as exc:
            return self._refused_save(application_id, form, exc)
        return self._done(application, _("Изменения сохранены") if changed else _("Изменений нет"),
                          "success" if changed else "info")

    def _refused_save(self, application_id, form, exc: KabinetError):
        """The item page again: a stale form fresh from the saved state (409), any other refusal
        with what was typed and the message under its field (400)."""
        refused(exc)
        application = self._load(application_id)
        if isinstance(exc, Conflict):
            return self._render_item(application, status=exc.status)
        for code, message in getattr(exc, "field_errors", {}).items():
            if code in form:
                form[code].errors = list(form[code].errors) + [message]
        return self._render_item(application, save_form=form, status=400)

    def _claim(self, application):
        """This form's one-time token; a redirect to the item page when it was used already."""
        return form_tokens.claim(current_user, fallback=url_for(".item", application_id=application.id))

    def _done(self, application, message: str, category: str = "success"):
        """The form's work is done (the request commits it with its token): back to the item page."""
        target = url_for(".item", application_id=application.id)
        form_tokens.produced(target)
        flash(message, category)
        return redirect(target)

    def _accept(self, application_id: int, **form):
        """Load the item and claim the one form sent (`note_form=…`); returns (application, answer):
        the answer is the repeat's redirect, or the page with the form's errors (its token unused)."""
        application = self._load(application_id)
        repeat = self._claim(application)
        if repeat is not None:
            return application, repeat
        if not next(iter(form.values())).validate_on_submit():
            form_tokens.release()
            return application, self._render_item(application, status=400, **form)
        return application, None

    def _in_place(self, application_id: int, field, exc: KabinetError, **form):
        """A refused form on the item page again (400), the message under `field`."""
        under_field(field, exc)
        return self._render_item(self._load(application_id), status=400, **form)

    @expose("/applications/<int:application_id>/documents", methods=["POST"])
    @has_access
    def add_document(self, application_id):
        """«Добавить документ» from the organization (optionally two-sided signature, or the invoice)."""
        form = StaffAttachmentForm().setup(document_types())
        application, answer = self._accept(application_id, attachment_form=form)
        if answer is not None:
            return answer
        try:
            shared_commands.add_document(
                application.id, current_user, side=ORGANIZATION_SIDE, file=form.file.data, title=form.title.data,
                document_type_id=form.document_type_id.data, comment=form.comment.data,
                purpose=form.purpose.data or None, two_sided=form.needs_two_sided_signature.data)
        except KabinetError as exc:
            return self._in_place(application_id, form.file, exc, attachment_form=form)
        return self._done(application, _("Файл успешно загружен"))

    @expose("/applications/<int:application_id>/documents/<int:attachment_id>/delete", methods=["POST"])
    @has_access
    def delete_document(self, application_id, attachment_id):
        application = self._load(application_id)
        if confirm_and_remove(application, attachment_id, side=ORGANIZATION_SIDE):
            flash(_("Документ удален (сохранен в истории)"), "success")
        return redirect(url_for(".item", application_id=application.id))

    @expose("/applications/<int:application_id>/files/<int:attachment_id>")
    @has_access
    def download(self, application_id, attachment_id):
        return send_attachment(self._load(application_id), attachment_id, deleted_too=True)

    @expose("/applications/<int:application_id>/messages", methods=["POST"])
    @has_access
    def add_message(self, application_id):
        form = MessageForm()
        application, answer = self._accept(application_id, message_form=form)
        if answer is not None:
            return answer
        try:
            shared_commands.send_message(application.id, current_user, side=ORGANIZATION_SIDE,
                                         body=form.body.data, file=form.file.data, file_title=form.file_title.data)
        except KabinetError as exc:
            return self._in_place(application_id, form.body, exc, message_form=form)
        return self._done(application, _("Сообщение отправлено"))

    @expose("/applications/<int:application_id>/notes", methods=["POST"])
    @has_access
    def add_note(self, application_id):
        """«Добавить статус»: a stage note the consumer sees in the history."""
        form = StageNoteForm()
        application, answer = self._accept(application_id, note_form=form)
        if answer is not None:
            return answer
        commands.add_note(application.id, current_user, form.text.data)
        return self._done(application, _("Статус добавлен"))

    @expose("/applications/<int:application_id>/tracker", methods=["POST"])
    @has_access
    def tracker(self, application_id):
        application = self._load(application_id)
        form = build_tracker_form(STAGES, application.tracker, formdata=request.form)
        if application.application_type.has_stage_tracker and not form.validate():
            return self._render_item(application, tracker_form=form, status=400)
        try:
            changed = commands.update_stages(application.id, current_user, tracker_values(form))
        except ApplicationError as exc:  # a state the stage does not know
            refused(exc)
            return redirect(url_for(".item", application_id=application.id))
        flash(_("Этапы обновлены") if changed else _("Изменений нет"), "success" if changed else "info")
        return redirect(url_for(".item", application_id=application.id) + "#tracker")


