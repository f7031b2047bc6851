"""«Заказ обратного звонка» (E4, seed 004 §2.17): the consumer's requests and the form; the staff's
queue with «Звонок выполнен» / «Не дозвонились». Thin: workflows/appointments/callbacks.py."""
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.areas import RECEPTION_CATEGORY
from app.core.paging import page_number
from app.models import TopicKind
from app.models.appointments import CALLBACK_STATUS_LABELS
from app.security.roles import CONSUMER, ORG_ADMIN, STAFF
from app.web import form_tokens
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.appointments import CallbackForm, HandleCallbackForm
from workflows.appointments import callbacks, rules
from workflows.appointments.booking import topics

PERMISSION = "Callbacks"
MENU = "Заказ обратного звонка"
STAFF_PERMISSION = "StaffCallbacks"
STAFF_MENU = "Обратные звонки"
TEMPLATES = "appointments/callbacks/"


@one_permission
class CallbacksView(BaseView):
    """/my/callbacks/: the consumer's requests and «Заказать звонок»."""

    route_base = "/my/callbacks"
    class_permission_name = PERMISSION
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        return self.render_template(TEMPLATES + "index.html", requests=callbacks.my_callbacks(current_user),
                                    labels=CALLBACK_STATUS_LABELS, interval=callbacks.interval_label)

    def _render(self, form, status=200):
        form.topic.choices = [("", "—")] + [(str(t.id), t.name) for t in topics(TopicKind.CALLBACK)]
        first, last = callbacks.call_days()
        return self.render_template(TEMPLATES + "new.html", form=form, first=first, last=last), status

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        if request.method == "GET":
            return self._render(CallbackForm(formdata=None, phone=callbacks.prefilled_phone(current_user)))
        form = CallbackForm()
        if not form.validate_on_submit():
            return self._render(form, status=400)
        back = url_for(".index")
        repeat = form_tokens.claim(current_user, fallback=back)
        if repeat is not None:
            return repeat
        try:
            callbacks.request_callback(current_user, form.values())
        except rules.Refused as exc:
            refused(exc, flash_message=False)
            form.put_errors(exc.field_errors)
            return self._render(form, status=400)
        form_tokens.produced(back)
        flash(_(rules.CALLBACK_ACCEPTED), "success")
        return redirect(back)


@one_permission
class StaffCallbacksView(BaseView):
    """/staff/callbacks/: the queue of callback requests, new first, filtered by status."""

    route_base = "/staff/callbacks"
    class_permission_name = STAFF_PERMISSION
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        queue = callbacks.staff_queue(current_user, request.args.get("status", ""), page_number())
        return self.render_template(TEMPLATES + "staff.html", q=queue, labels=CALLBACK_STATUS_LABELS,
                                    interval=callbacks.interval_label, form=HandleCallbackForm(formdata=None),
                                    outcomes=rules.CALLBACK_HANDLED)

    @expose("/<int:request_id>/<outcome>", methods=["POST"])
    @has_access
    def handle(self, request_id, outcome):
        callbacks.callback_for_staff(current_user, request_id)  # 404 before anything else
        form = HandleCallbackForm()
        if not form.validate_on_submit():
            raise rules.Refused(_("Страница устарела. Обновите ее и повторите действие."))
        callbacks.handle(current_user, request_id, outcome, form.comment.data)
        flash(_(rules.CALLBACK_HANDLED.get(outcome, "")), "success")
        return redirect(url_for(".index", status=request.args.get("status") or None))


VIEWS = (CallbacksView, StaffCallbacksView)
MENU_LINKS = ((MENU, "/my/callbacks/", "fa-phone"),
              (STAFF_MENU, "/staff/callbacks/", "fa-phone-square", "", RECEPTION_CATEGORY))
PERMISSIONS: dict = {
    CONSUMER: [("can_access", PERMISSION), ("menu_access", MENU)],
    STAFF: [("can_access", STAFF_PERMISSION), ("menu_access", STAFF_MENU)],
    ORG_ADMIN: [("can_access", STAFF_PERMISSION), ("menu_access", STAFF_MENU)],
}
