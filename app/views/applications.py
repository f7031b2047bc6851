"""Consumer side of applications (B2–B6, B9–B11): «Подать заявку», «Мои заявки», messages, notices.

Thin views: forms from forms/applications.py, rules in workflows/applications, object
scope in app/security/access.py.
"""
from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from app.web import form_tokens
from app.extensions import db
from app.core.paging import page_number, paginate
from app.core.files import UploadRejected, max_file_bytes, send_stored
from app.models import Application, ApplicationKind, Attachment, DocumentType, Notification
from app.models.base import utcnow
from app.security.access import current_consumer, ensure_attachment_of, ensure_owns_application
from app.core.settings import get_setting
from forms.applications import (
    AttachmentForm,
    ConfirmForm,
    MessageForm,
    NewApplicationForm,
    build_application_form,
    form_values,
)
from workflows.applications import queries, service
from workflows.applications.guards import InvalidTransition
from workflows.applications.tracker import tracker_rows
from app.core.areas import Area
from workflows.applications.defaults import seed_applications

PROFILE_URL = "/my/profile/"
MSG_PROFILE = "Внимание! Для подачи заявки необходимо заполнить все обязательные поля"


def all_access(view_class) -> dict[str, str]:
    """method_permission_name mapping every exposed method to the one permission «can_access»."""
    return {name: "access" for name in dir(view_class)
            if hasattr(getattr(view_class, name, None), "_urls")}


def _profile_incomplete(consumer) -> bool:
    from workflows.accounts.profile import missing_profile_fields

    return bool(missing_profile_fields(consumer))


def application_context(application, *, viewer_side: str) -> dict:
    """What the consumer and staff application pages both show."""
    attachments = [a for a in application.attachments]
    live = [a for a in attachments if a.deleted_at is None]
    messages = queries.messages_of(application.id)
    return {
        "application": application,
        "viewer_side": viewer_side,
        "attachments": live,
        "removed_attachments": [a for a in attachments if a.deleted_at is not None],
        "refusal": status_panel(application, live, "refusal_reason"),
        "missing": status_panel(application, live, "missing_data"),
        "deletable": deletable_ids(live, viewer_side, application),
        "invoices": [a for a in live if a.purpose == "invoice"],
        "messages": messages,
        "new_message_ids": service.mark_messages_read(messages, viewer_side),
        "events": [e for e in application.events if viewer_side == "organization" or e.visible_to_consumer],
        "tracker": tracker_rows(application) if application.application_type.has_stage_tracker else None,
        "overdue": service.is_overdue(application),
        "field_rows": _field_rows(application),
        "org_name": get_setting("org_short_name"),
    }


def status_panel(application, live, role: str) -> dict | None:
    """«Причина отказа» / «Недостающие данные»: while the application is in a status of that
    document role, the documents and the comment of the transition that brought it there
    (an earlier request for missing data, already answered, is not shown again)."""
    if application.status.document_role != role:
        return None
    event = next((e for e in reversed(application.events)
                  if e.kind == "status" and e.to_status_id == application.status_id and e.from_status_id), None)
    if event is None:
        return {"documents": [a for a in live if a.purpose == role], "comment": None}
    sent_with = set((event.payload or {}).get("attachments") or [])
    documents = [a for a in live if a.id in sent_with or (a.purpose == role and a.created_at >= event.at)]
    return {"documents": documents, "comment": event.comment}


def deletable_ids(live, side: str, application) -> set[int]:
    """The documents whose «Удалить» the service would accept from this side (no button that is refused)."""
    return {a.id for a in live if service.removal_refusal(a, side, application) is None}


def remove_document(application, attachment_id: int, *, side: str) -> bool:
    """«Удалить» a document, for both sides: 404 outside the application, 400 without the
    confirmation token; the service's refusal is flashed. True when the document is gone."""
    attachment = ensure_attachment_of(application, db.session.get(Attachment, attachment_id))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        service.remove_attachment(attachment, current_user, side=side)
    except service.ApplicationError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return False
    db.session.commit()
    return True


def _field_rows(application):
    rows = []
    for spec in service.fields_for(application.application_type, application.consumer.legal_form):
        value = (application.data or {}).get(spec.code)
        if value in (None, ""):
            continue
        if spec.field_type == "date":
            from datetime import date

            try:
                value = date.fromisoformat(value).strftime("%d.%m.%Y")
            except ValueError:
                pass
        elif spec.field_type == "decimal":
            value = str(value).replace(".", ",")
        elif spec.field_type == "checkbox":
            value = _("да") if value == "1" else _("нет")
        rows.append((spec, value))
    return rows


class ConsumerApplicationsView(BaseView):
    """«Подать заявку», the draft form, «Мои заявки» and the application page."""

    route_base = "/my/applications"
    class_permission_name = "ConsumerCabinet"
    default_view = "index"

    def _load(self, application_id: int) -> Application:
        application = queries.application_detail(application_id)
        return ensure_owns_application(current_user, application)

    @expose("/")
    @has_access
    def index(self):
        page = queries.my_applications(current_user, page=page_number())
        return self.render_template("applications/my_list.html", page=page, is_overdue=service.is_overdue)

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        consumer = current_consumer(current_user)
        if consumer is None:
            abort(404)
        if _profile_incomplete(consumer):
            flash(_(MSG_PROFILE), "warning")
            return redirect(PROFILE_URL)
        types = service.active_types(legal_form=consumer.legal_form)
        form = NewApplicationForm()
        if request.method == "POST" and form.validate_on_submit():
            app_type = next((t for t in types if t.code == form.type_code.data), None)
            if app_type is None:
                abort(404)
            repeat = form_tokens.claim(current_user, fallback=url_for(".index"), say_done=False)
            if repeat is not None:  # a double click: the draft the first click opened
                return repeat
            try:
                application, reopened = service.open_draft(consumer, app_type, current_user,
                                                           new=form.new.data == "1")
            except service.ApplicationError as exc:
                db.session.rollback()
                flash(exc.message, "warning")
                return redirect(url_for(".new", type=app_type.code))
            target = url_for(".edit", application_id=application.id, **({"reopened": 1} if reopened else {}))
            form_tokens.produced(target)
            db.session.commit()
            return redirect(target)
        wanted = request.args.get("type")
        if wanted and len([t for t in types if t.code == wanted]) == 1:
            types = [t for t in types if t.code == wanted]
        return self.render_template("applications/new.html", types=types, form=form)

    @expose("/<int:application_id>/edit", methods=["GET", "POST"])
    @has_access
    def edit(self, application_id):
        application = self._load(application_id)
        if request.method == "POST":
            repeat = form_tokens.claim(current_user, fallback=url_for(".show", application_id=application.id))
            if repeat is not None:
                return repeat
        if not service.is_editable_by_consumer(application):
            return redirect(url_for(".show", application_id=application.id))
        specs = service.fields_for(application.application_type, application.consumer.legal_form)
        if request.method == "GET":
            return self._render_edit(application, build_application_form(specs, require=False,
                                                                         data=application.data))
        try:
            return self._save_or_submit(application, specs)
        except StaleDataError:  # saved from another tab meanwhile
            db.session.rollback()
            flash(_("Заявка уже изменена в другом окне. Обновите страницу и повторите действие."), "danger")
            return redirect(url_for(".show", application_id=application_id))

    def _save_or_submit(self, application, specs):
        """«Сохранить черновик» / «Подать заявку»: the typed values are kept even when submitting is refused."""
        submitting = request.form.get("action") == "submit"
        form = build_application_form(specs, require=submitting, formdata=request.form)
        if not form.validate():
            flash(_("Проверьте правильность заполнения полей"), "danger")
            return self._render_edit(application, form)
        try:
            service.save_data(application, form_values(form), current_user)
            if submitting and _profile_incomplete(application.consumer):
                form_tokens.release()
                db.session.commit()
                flash(_(MSG_PROFILE), "warning")
                return redirect(PROFILE_URL)
            if submitting:
                service.submit(application, current_user)
        except (service.ApplicationError, InvalidTransition) as exc:
            form_tokens.release()
            db.session.commit()  # the values typed so far are kept as the draft
            for code, message in getattr(exc, "field_errors", {}).items():
                if "f_" + code in form:
                    form["f_" + code].errors = list(form["f_" + code].errors) + [message]
            flash(exc.message, "danger")
            return self._render_edit(application, form)
        target = url_for(".show" if submitting else ".edit", application_id=application.id)
        form_tokens.produced(target)
        db.session.commit()
        if not submitting:
            flash(_("Черновик сохранен"), "success")
        elif application.application_type.kind == ApplicationKind.MESSAGE:
            flash(_("Сообщение отправлено"), "success")
        else:
            flash(_("Заявка отправлена"), "success")
        return redirect(target)

    def _render_edit(self, application, form, *, attachment_form=None, status=200):
        live = service.live_attachments(application)
        return self.render_template(
            "applications/edit.html", form=form, application=application,
            attachment_form=attachment_form or AttachmentForm().setup(service.document_types()),
            confirm_form=ConfirmForm(),
            attachments=live,
            required_documents=service.required_documents(application.application_type,
                                                          application.consumer.legal_form),
            missing=status_panel(application, live, "missing_data"),
            deletable=deletable_ids(live, service.CONSUMER_SIDE, application),
            max_file_mb=max_file_bytes() // (1024 * 1024),
            forms_url=get_setting("application_forms_url"),
            drafts_limit=service.drafts_limit(application.application_type),
            submit_label=next((t.name for t in service.transitions_from(application, {"Consumer"})), _("Подать заявку")),
            reopened=request.method == "GET" and request.args.get("reopened") == "1",
            new_form=NewApplicationForm(type_code=application.application_type.code, new="1"),
        ), status

    def _typed_values(self, application):
        """The draft form's values sent along with «Добавить документ» (its button belongs to that
        form): the valid ones are saved now, the others come back as typed with their message.
        None when the draft form was not sent with the document."""
        if request.form.get("action") != "document":
            return None
        specs = service.fields_for(application.application_type, application.consumer.legal_form)
        form = build_application_form(specs, require=False, formdata=request.form)
        form.validate()
        values = {code: value for code, value in form_values(form).items() if not form["f_" + code].errors}
        service.save_data(application, values, current_user)
        return form

    @expose("/<int:application_id>/delete", methods=["POST"])
    @has_access
    def delete(self, application_id):
        application = self._load(application_id)
        if not ConfirmForm().validate_on_submit():
            abort(400)
        try:
            service.delete_draft(application, current_user)
        except service.ApplicationError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
            return redirect(url_for(".show", application_id=application_id))
        db.session.commit()
        flash(_("Черновик удален"), "success")
        return redirect(url_for(".index"))

    @expose("/<int:application_id>")
    @has_access
    def show(self, application_id):
        page, _status = self._render_show(self._load(application_id))
        db.session.commit()  # the organization's messages on the page are read now (B10)
        return page

    def _render_show(self, application, *, attachment_form=None, message_form=None, status=200):
        return self.render_template(
            "applications/show.html",
            attachment_form=attachment_form or AttachmentForm().setup(service.document_types()),
            message_form=message_form or MessageForm(), confirm_form=ConfirmForm(),
            max_file_mb=max_file_bytes() // (1024 * 1024),
            **application_context(application, viewer_side="consumer"),
        ), status

    @expose("/<int:application_id>/documents", methods=["POST"])
    @has_access
    def add_document(self, application_id):
        """«Добавить документ»; from the draft form it saves what was typed there too (nothing lost)."""
        application = self._load(application_id)
        from_edit = request.form.get("next") == "edit" and service.is_editable_by_consumer(application)
        target = url_for(".edit" if from_edit else ".show", application_id=application.id)
        repeat = form_tokens.claim(current_user, fallback=target)
        if repeat is not None:
            return repeat
        typed = self._typed_values(application) if from_edit else None
        form = AttachmentForm().setup(service.document_types())
        if form.validate_on_submit() and self._attach(application, form):
            form_tokens.produced(target)
            db.session.commit()
            flash(_("Файл успешно загружен"), "success")
            if typed is None or not typed.errors:
                return redirect(target)
            flash(_("Проверьте правильность заполнения полей"), "danger")
            return self._render_edit(application, typed)
        form_tokens.release()
        db.session.commit()  # the values typed on the draft form are kept
        if from_edit:
            shown = typed if typed is not None else self._saved_form(application)
            return self._render_edit(application, shown, attachment_form=form, status=400)
        return self._render_show(application, attachment_form=form, status=400)

    def _attach(self, application, form) -> bool:
        """Store the document of a valid AttachmentForm; a refusal goes under the file field."""
        document_type = db.session.get(DocumentType, form.document_type_id.data) if form.document_type_id.data else None
        try:
            with db.session.begin_nested():
                service.add_attachment(application, form.file.data, current_user, side=service.CONSUMER_SIDE,
                                       title=form.title.data, document_type=document_type,
                                       comment=form.comment.data)
        except (UploadRejected, service.ApplicationError) as exc:
            form.file.errors = list(form.file.errors) + [exc.message]
            return False
        return True

    def _saved_form(self, application):
        specs = service.fields_for(application.application_type, application.consumer.legal_form)
        return build_application_form(specs, require=False, data=application.data)

    @expose("/<int:application_id>/documents/<int:attachment_id>/delete", methods=["POST"])
    @has_access
    def delete_document(self, application_id, attachment_id):
        application = self._load(application_id)
        if not remove_document(application, attachment_id, side=service.CONSUMER_SIDE):
            return redirect(url_for(".show", application_id=application.id))
        flash(_("Документ удален"), "success")
        return redirect(url_for(".edit", application_id=application.id))

    @expose("/<int:application_id>/files/<int:attachment_id>")
    @has_access
    def download(self, application_id, attachment_id):
        application = self._load(application_id)
        attachment = ensure_attachment_of(application, db.session.get(Attachment, attachment_id))
        if attachment.deleted_at is not None:
            abort(404)
        return send_stored(attachment.file)

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
            files = [(form.file.data, form.file_title.data)] if form.file.data else []
            try:
                service.post_message(application, form.body.data, current_user, from_organization=False, files=files)
            except (UploadRejected, service.ApplicationError) as exc:
                db.session.rollback()
                field = form.file if isinstance(exc, UploadRejected) else form.body
                field.errors = list(field.errors) + [exc.message]
            else:
                form_tokens.produced(target)
                db.session.commit()
                flash(_("Сообщение отправлено"), "success")
                return redirect(target)
        # the typed text comes back with the message under its field
        return self._render_show(self._load(application_id), message_form=form, status=400)


ConsumerApplicationsView.method_permission_name = all_access(ConsumerApplicationsView)


class NotificationsView(BaseView):
    """«Уведомления» (E7): the portal notices of the signed-in user, newest first."""

    route_base = "/my/notifications"
    class_permission_name = "ConsumerCabinet"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        notices = paginate(
            select(Notification).where(Notification.user_id == current_user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc()),
            page_number(), 20,
        )
        return self.render_template("applications/notifications.html", notices=notices.items, page=notices.page,
                                    has_next=notices.has_next, confirm_form=ConfirmForm())

    @expose("/read", methods=["POST"])
    @has_access
    def read_all(self):
        if not ConfirmForm().validate_on_submit():
            abort(400)
        db.session.execute(
            update(Notification).where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
        db.session.commit()
        flash(_("Все уведомления отмечены как прочитанные"), "success")
        return redirect(url_for(".index"))


NotificationsView.method_permission_name = all_access(NotificationsView)

MENU_NEW = "Подать заявку"
MENU_MINE = "Мои заявки"
MENU_MESSAGE = "Сообщение сетевой организации"
MENU_NOTICES = "Уведомления"

#: roles → permissions this area needs (synced by `flask kabinet sync-roles`)
ROLE_PERMISSIONS = {
    "Consumer": [("menu_access", MENU_NEW), ("menu_access", MENU_MINE), ("menu_access", MENU_MESSAGE),
                 ("menu_access", MENU_NOTICES)],
}


def register(appbuilder) -> None:
    """Add this area's views and menu entries."""
    current_app.add_template_global(form_tokens.hidden_field, "form_token")
    appbuilder.add_view_no_menu(ConsumerApplicationsView())
    appbuilder.add_view_no_menu(NotificationsView())
    appbuilder.add_link(MENU_NEW, href="/my/applications/new", icon="fa-plus")
    appbuilder.add_link(MENU_MINE, href="/my/applications/", icon="fa-list")
    appbuilder.add_link(MENU_MESSAGE, href="/my/applications/new?type=message", icon="fa-envelope")
    appbuilder.add_link(MENU_NOTICES, href="/my/notifications/", icon="fa-bell")


AREA = Area(
    "applications",
    register=register,
    permissions=ROLE_PERMISSIONS,
    seeders=(seed_applications,),
    notifications=("application_document", "application_document_added", "application_invoice", "application_number", "application_resubmitted", "application_stage", "application_status", "application_submitted", "application_tracker", "message_from_organization", "message_to_organization"),
)
