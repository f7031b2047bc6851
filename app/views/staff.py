"""Staff side of applications (B7–B9, B12, B13): «Документооборот» queue and the item page."""
from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app.web import form_tokens
from app.extensions import db
from app.core.paging import page_number
from app.core.files import UploadRejected, max_file_bytes, send_stored
from app.models import Attachment, DocumentType, Transition
from app.security.access import ensure_attachment_of, ensure_organization_application
from app.views.applications import all_access, application_context, remove_document
from forms.applications import (
    ConfirmForm,
    MessageForm,
    StaffAttachmentForm,
    StaffSaveForm,
    StageNoteForm,
    build_tracker_form,
    tracker_values,
)
from workflows.applications import queries, service
from workflows.applications.guards import InvalidTransition, TransitionContext
from workflows.applications.tracker import STAGES
from app.core.areas import Area



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
        filters = queries.QueueFilters(
            status_id=_id_arg("status"), type_id=_id_arg("type"), date_from=_date_arg("from"),
            date_to=_date_arg("to"), overdue=request.args.get("overdue") == "1",
            due=request.args.get("due") == "1", q=(request.args.get("q") or "")[:100],
        )
        try:
            per_page = min(max(int(request.args.get("per_page", queries.PAGE_SIZE)), 5), 100)
        except ValueError:
            per_page = queries.PAGE_SIZE
        page = queries.staff_queue(current_user, filters, today=service.today(), page=page_number(), per_page=per_page)
        types, statuses = queries.queue_dictionaries()
        args = {k: v for k, v in request.args.items() if k != "page" and v}
        return self.render_template("staff/queue.html", page=page, filters=filters, types=types,
                                    statuses=statuses, args=args, today=service.today(),
                                    is_overdue=service.is_overdue)

    def _render_item(self, application, *, save_form=None, attachment_form=None, note_form=None,
                     tracker_form=None, message_form=None, status=200):
        transitions = service.transitions_from(application, current_user.role_names)
        documents = service.document_types()
        save_form = save_form or StaffSaveForm(version=str(application.version),
                                               number=application.number).setup(transitions, documents)
        save_form.version.data = str(application.version)
        return self.render_template(
            "staff/item.html",
            save_form=save_form,
            attachment_form=attachment_form or StaffAttachmentForm().setup(documents),
            note_form=note_form or StageNoteForm(),
            tracker_form=tracker_form or build_tracker_form(STAGES, application.tracker),
            message_form=message_form or MessageForm(),
            confirm_form=ConfirmForm(),
            transitions=transitions,
            max_file_mb=max_file_bytes() // (1024 * 1024),
            **application_context(application, viewer_side="organization"),
        ), status

    @expose("/applications/<int:application_id>")
    @has_access
    def item(self, application_id):
        page = self._render_item(self._load(application_id))
        db.session.commit()  # the consumer's messages on the page are read now (B10)
        return page

    @expose("/applications/<int:application_id>/save", methods=["POST"])
    @has_access
    def save(self, application_id):
        """«Сохранить»: registration number and status in one step, refused when the form is stale."""
        application = self._load(application_id)
        repeat = self._claim(application)
        if repeat is not None:  # this very form was saved already: not a colleague's change
            return repeat
        transitions = service.transitions_from(application, current_user.role_names)
        form = StaffSaveForm().setup(transitions, service.document_types())
        if form.version.data != str(application.version):
            # the form was rendered from an older state: refuse before anything else is looked at
            flash(_("Заявка уже изменена другим сотрудником. Обновите страницу и повторите действие."), "danger")
            return self._render_item(application, status=409)
        if not form.validate_on_submit():
            return self._render_item(application, save_form=form, status=400)
        try:
            service.ensure_version(application, form.version.data)
            changed = False
            if form.assign_number.data or (form.number.data or "").strip() not in ("", application.number or ""):
                changed |= service.assign_number(application, None if form.assign_number.data
                                                 else form.number.data, current_user) is not None
            context = TransitionContext(actor=current_user, roles=set(current_user.role_names),
                                        comment=form.comment.data)
            if form.transition_id.data:
                transition = db.session.get(Transition, form.transition_id.data)
                if transition is None or transition not in transitions:
                    raise InvalidTransition(_("Этот переход недоступен для текущего статуса заявки."))
                if form.status_file.data:
                    document_type = (db.session.get(DocumentType, form.status_document_type_id.data)
                                     if form.status_document_type_id.data else None)
                    context.attachments.append(service.add_attachment(
                        application, form.status_file.data, current_user, side=service.ORGANIZATION_SIDE,
                        title=form.status_document_title.data or (document_type.name if document_type else transition.name),
                        document_type=document_type, purpose=transition.to_status.document_role, notify=False))
                service.apply_transition(application, transition, context)
                changed = True
            elif (form.free_status.data or "").strip():
                service.set_free_status(application, form.free_status.data, context)
                changed = True
        except StaleDataError:
            db.session.rollback()
            flash(_("Заявка уже изменена другим сотрудником. Обновите страницу и повторите действие."), "danger")
            return redirect(url_for(".item", application_id=application_id))
        except (InvalidTransition, service.ApplicationError, UploadRejected) as exc:
            db.session.rollback()
            db.session.expire_all()
            application = self._load(application_id)
            for code, message in getattr(exc, "field_errors", {}).items():
                if code in form:
                    form[code].errors = list(form[code].errors) + [message]
            flash(exc.message, "danger")
            form.setup(service.transitions_from(application, current_user.role_names), service.document_types())
            return self._render_item(application, save_form=form, status=400)
        return self._done(application, _("Изменения сохранены") if changed else _("Изменений нет"),
                          "success" if changed else "info")

    def _claim(self, application):
        """This form's one-time token; a redirect to the item page when it was used already."""
        return form_tokens.claim(current_user, fallback=url_for(".item", application_id=application.id))

    def _done(self, application, message: str, category: str = "success"):
        """Commit the form's work (its token with it) and go back to the item page."""
        target = url_for(".item", application_id=application.id)
        form_tokens.produced(target)
        db.session.commit()
        flash(message, category)
        return redirect(target)

    @expose("/applications/<int:application_id>/documents", methods=["POST"])
    @has_access
    def add_document(self, application_id):
        """«Добавить документ» from the organization (optionally two-sided signature, or the invoice)."""
        application = self._load(application_id)
        repeat = self._claim(application)
        if repeat is not None:
            return repeat
        form = StaffAttachmentForm().setup(service.document_types())
        if not form.validate_on_submit():
            return self._render_item(application, attachment_form=form, status=400)
        document_type = db.session.get(DocumentType, form.document_type_id.data) if form.document_type_id.data else None
        try:
            service.add_attachment(application, form.file.data, current_user, side=service.ORGANIZATION_SIDE,
                                   title=form.title.data, document_type=document_type, comment=form.comment.data,
                                   purpose=form.purpose.data or None,
                                   needs_two_sided_signature=form.needs_two_sided_signature.data)
        except (UploadRejected, service.ApplicationError) as exc:
            db.session.rollback()
            form.file.errors = list(form.file.errors) + [exc.message]
            return self._render_item(self._load(application_id), attachment_form=form, status=400)
        return self._done(application, _("Файл успешно загружен"))

    @expose("/applications/<int:application_id>/documents/<int:attachment_id>/delete", methods=["POST"])
    @has_access
    def delete_document(self, application_id, attachment_id):
        application = self._load(application_id)
        if remove_document(application, attachment_id, side=service.ORGANIZATION_SIDE):
            flash(_("Документ удален (сохранен в истории)"), "success")
        return redirect(url_for(".item", application_id=application.id))

    @expose("/applications/<int:application_id>/files/<int:attachment_id>")
    @has_access
    def download(self, application_id, attachment_id):
        application = self._load(application_id)
        attachment = ensure_attachment_of(application, db.session.get(Attachment, attachment_id))
        return send_stored(attachment.file)

    @expose("/applications/<int:application_id>/messages", methods=["POST"])
    @has_access
    def add_message(self, application_id):
        application = self._load(application_id)
        repeat = self._claim(application)
        if repeat is not None:
            return repeat
        form = MessageForm()
        if not form.validate_on_submit():
            return self._render_item(application, message_form=form, status=400)
        files = [(form.file.data, form.file_title.data)] if form.file.data else []
        try:
            service.post_message(application, form.body.data, current_user, from_organization=True, files=files)
        except (UploadRejected, service.ApplicationError) as exc:
            db.session.rollback()
            form.body.errors = list(form.body.errors) + [exc.message]
            return self._render_item(self._load(application_id), message_form=form, status=400)
        return self._done(application, _("Сообщение отправлено"))

    @expose("/applications/<int:application_id>/notes", methods=["POST"])
    @has_access
    def add_note(self, application_id):
        """«Добавить статус»: a stage note the consumer sees in the history."""
        application = self._load(application_id)
        repeat = self._claim(application)
        if repeat is not None:
            return repeat
        form = StageNoteForm()
        if not form.validate_on_submit():
            return self._render_item(application, note_form=form, status=400)
        service.add_stage_note(application, form.text.data, current_user)
        return self._done(application, _("Статус добавлен"))

    @expose("/applications/<int:application_id>/tracker", methods=["POST"])
    @has_access
    def tracker(self, application_id):
        application = self._load(application_id)
        if not application.application_type.has_stage_tracker:
            abort(404)
        form = build_tracker_form(STAGES, application.tracker, formdata=request.form)
        if not form.validate():
            return self._render_item(application, tracker_form=form, status=400)
        try:
            changed = service.update_tracker(application, tracker_values(form), current_user)
        except service.ApplicationError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
            return redirect(url_for(".item", application_id=application.id))
        db.session.commit()
        flash(_("Этапы обновлены") if changed else _("Изменений нет"), "success" if changed else "info")
        return redirect(url_for(".item", application_id=application.id) + "#tracker")


StaffApplicationsView.method_permission_name = all_access(StaffApplicationsView)

MENU_QUEUE = "Документооборот"

ROLE_PERMISSIONS = {
    "Staff": [("menu_access", MENU_QUEUE)],
    "OrgAdmin": [("menu_access", MENU_QUEUE)],
}


def register(appbuilder) -> None:
    """Add this area's views and menu entries."""
    appbuilder.add_view_no_menu(StaffApplicationsView())
    appbuilder.add_link(MENU_QUEUE, href="/staff/queue/", icon="fa-inbox")


AREA = Area(
    "staff",
    register=register,
    permissions=ROLE_PERMISSIONS,
    seeders=(),
    notifications=(),
)
