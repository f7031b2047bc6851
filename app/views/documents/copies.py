"""«Запросы копий документов» (C4): consumers ask for electronic copies and download them;
staff answer from their queue by attaching the copies or refusing with a reason."""
from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.paging import page_number
from app.models.documents import CopyRequestStatus
from app.security.access import current_consumer, ensure_can_see_copy_request
from app.web.permissions import one_permission
from app.web import form_tokens
from app.web.boundary import refused
from forms.documents import CopyAnswerForm, CopyRequestForm
from workflows.documents import commands, copies, queries

PER_PAGE = 25


@one_permission
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
        form.application_id.choices = [(0, _("— без привязки к заявке —"))] + [
            (a.id, f"{a.number or '№' + str(a.id)} — {a.application_type.name}")
            for a in copies.consumer_applications(consumer)]
        if form.validate_on_submit():
            done = self._request(form)
            if done is not None:
                return done
        rows = queries.own_copy_requests(current_user, page_number(), PER_PAGE)
        return self.render_template("documents/copies_consumer.html", form=form, rows=rows.items, page=rows.page,
                                    has_next=rows.has_next)

    def _request(self, form):
        """The redirect after the request (or its repeat); None to show the refusal under its field."""
        back = url_for("CopyRequestsView.index")
        repeat = form_tokens.claim(current_user, fallback=back)
        if repeat is not None:  # a double click: the request is made already
            return repeat
        try:
            commands.request_copies(current_user, application_id=form.application_id.data, kinds=form.kinds.data,
                                    documents=form.documents.data, comment=form.comment.data)
        except copies.CopyRequestError as exc:
            refused(exc, flash_message=False)
            getattr(form, exc.field or "documents").errors.append(exc.message)
            return None
        form_tokens.produced(back)
        flash(_("Ваш запрос принят в работу"), "success")
        return redirect(back)


@one_permission
class CopyRequestsStaffView(BaseView):
    """Staff: the copy requests queue; fulfil by attaching copies, or refuse."""

    route_base = "/documents/copies/staff"
    class_permission_name = "CopyRequestsStaff"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        status = request.args.get("status", CopyRequestStatus.NEW)
        rows = queries.copy_request_queue(status, page_number(), PER_PAGE)
        return self.render_template("documents/copies_staff.html", rows=rows.items, status=status, page=rows.page,
                                    has_next=rows.has_next)

    @expose("/<int:request_id>", methods=["GET", "POST"])
    @has_access
    def detail(self, request_id):
        row = ensure_can_see_copy_request(current_user, queries.copy_request(request_id))
        form = CopyAnswerForm()
        if form.validate_on_submit():
            done = self._answer(request_id, form)
            if done is not None:
                return done
        return self.render_template("documents/copy_staff_detail.html", row=row, form=form)

    def _answer(self, request_id: int, form):
        """The redirect after the answer (or its repeat); None to show the refusal on the page."""
        back = url_for("CopyRequestsStaffView.detail", request_id=request_id)
        repeat = form_tokens.claim(current_user, fallback=back)
        if repeat is not None:  # a double click: answered already
            return repeat
        try:
            commands.answer_copy_request(request_id, current_user, reject=request.form.get("action") == "reject",
                                         files=request.files.getlist("files"), answer=form.answer.data)
        except copies.CopyRequestError as exc:  # nothing of the answer is kept
            refused(exc, flash_message=False)
            getattr(form, exc.field).errors.append(exc.message) if exc.field else flash(exc.message, "danger")
            return None
        form_tokens.produced(back)
        flash(_("Ответ отправлен потребителю"), "success")
        return redirect(back)
