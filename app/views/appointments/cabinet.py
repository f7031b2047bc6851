"""«Запись на прием» (E4, seed 004 §2.17, seed 002 п. 7 «в»): the consumer's appointments, the
booking steps (each a GET, so the page works without JavaScript; appointments.js only submits a
step when a choice changes) and «Отменить запись». Thin: workflows/appointments/booking.py."""
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.errors import Conflict
from app.models.appointments import APPOINTMENT_STATUS_LABELS
from app.security.roles import CONSUMER
from app.web import form_tokens
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.appointments import ActionForm, BookForm
from workflows.appointments import booking, rules
from workflows.appointments.reminders import EVERY, remind_appointments
from workflows.appointments.seeds import seed_topics

PERMISSION = "Appointments"
MENU = "Запись на прием"
TEMPLATES = "appointments/cabinet/"


@one_permission
class AppointmentsView(BaseView):
    """/my/appointments/: «Запись на прием»."""

    route_base = "/my/appointments"
    class_permission_name = PERMISSION
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        mine = booking.my_appointments(current_user)
        return self.render_template(TEMPLATES + "index.html", mine=mine, when=booking.when,
                                    cancellable=booking.cancellable, labels=APPOINTMENT_STATUS_LABELS)

    def _render_step(self, args, form=None, errors=None, status=200):
        step = booking.booking_step(current_user, args)
        errors = {**step.errors, **(errors or {})}
        form = form or BookForm(formdata=None, topic=args.get("topic", ""), office=args.get("office", ""),
                                day=args.get("day", ""))
        return self.render_template(TEMPLATES + "new.html", step=step, form=form, errors=errors,
                                    message=rules.NO_SCHEDULES if not step.offices else None), status

    @expose("/new", methods=["GET"])
    @has_access
    def new(self):
        return self._render_step(request.args)

    @expose("/new", methods=["POST"])
    @has_access
    def book(self):
        form = BookForm()
        fields = {name: form[name].data or "" for name in ("topic", "office", "day", "time")}
        if not form.validate_on_submit():
            return self._render_step(fields, form, status=400)
        back = url_for(".index")
        repeat = form_tokens.claim(current_user, fallback=back)
        if repeat is not None:
            return repeat
        try:
            appointment = booking.book(current_user, fields)
        except rules.Refused as exc:
            refused(exc, flash_message=not exc.field_errors)
            return self._render_step(fields, form, exc.field_errors, status=400)
        except Conflict as exc:  # the last place went to someone else meanwhile
            refused(exc)
            return self._render_step({k: v for k, v in fields.items() if k != "time"}, form, status=409)
        form_tokens.produced(back)
        flash(_(rules.BOOKED).format(when=booking.when(appointment), office=appointment.office.name), "success")
        return redirect(back)

    @expose("/<int:appointment_id>/cancel", methods=["GET"])
    @has_access
    def confirm_cancel(self, appointment_id):
        appointment = booking.appointment_to_cancel(current_user, appointment_id)
        return self.render_template(TEMPLATES + "cancel.html", a=appointment, when=booking.when,
                                    form=ActionForm(formdata=None))

    @expose("/<int:appointment_id>/cancel", methods=["POST"])
    @has_access
    def cancel(self, appointment_id):
        back = url_for(".index")
        booking.appointment_to_cancel(current_user, appointment_id)  # 404 before anything else
        if not ActionForm().validate_on_submit():
            raise rules.Refused(_("Страница устарела. Обновите ее и повторите действие."))
        booking.cancel(current_user, appointment_id)
        flash(_(rules.CANCELLED), "success")
        return redirect(back)


VIEWS = (AppointmentsView,)
MENU_LINKS = ((MENU, "/my/appointments/", "fa-calendar-check-o"),)
PERMISSIONS: dict = {CONSUMER: [("can_access", PERMISSION), ("menu_access", MENU)]}
SEEDERS = (seed_topics,)
NOTIFICATIONS = ("appointment_booked", "appointment_reminder")
PERIODIC_JOBS = ((remind_appointments, EVERY),)
