"""The staff's «Запись на прием» (E4): the day's schedule of an office with «Состоялся» /
«Не явился»; and «Расписание офисов» under «Администрирование». Thin: workflows/appointments/
staff.py and offices.py."""
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.areas import RECEPTION_CATEGORY
from app.models.appointments import APPOINTMENT_STATUS_LABELS
from app.security.roles import ORG_ADMIN, STAFF
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.appointments import ActionForm, ScheduleForm
from workflows.appointments import offices, rules
from workflows.appointments import staff as commands
from workflows.appointments.booking import parse_day

PERMISSION = "StaffAppointments"
MENU = "Запись на прием (сотрудники)"
MENU_LABEL = "Запись на прием"
SCHEDULE_PERMISSION = "OfficeSchedules"
SCHEDULE_MENU = "Расписание офисов"
TEMPLATES = "appointments/staff/"


@one_permission
class StaffAppointmentsView(BaseView):
    """/staff/appointments/: one office's appointments of one day."""

    route_base = "/staff/appointments"
    class_permission_name = PERMISSION
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        raw_day = request.args.get("day", "")
        day = parse_day(raw_day)
        day_error = _(rules.DATE_FORMAT) if raw_day and day is None else None
        page = commands.day_schedule(current_user, request.args.get("office", type=int), day)
        return self.render_template(TEMPLATES + "day.html", s=page, labels=APPOINTMENT_STATUS_LABELS,
                                    form=ActionForm(formdata=None), day_error=day_error,
                                    outcomes=rules.MARKED), 400 if day_error else 200

    @expose("/<int:appointment_id>/<outcome>", methods=["POST"])
    @has_access
    def mark(self, appointment_id, outcome):
        appointment = commands.appointment_for_staff(current_user, appointment_id)  # 404 first
        if not ActionForm().validate_on_submit():
            raise rules.Refused(_("Страница устарела. Обновите ее и повторите действие."))
        commands.mark(current_user, appointment_id, outcome)
        flash(_(rules.MARKED.get(outcome, "")), "success")
        local_day = commands.local_day(appointment)
        return redirect(url_for(".index", office=appointment.office_id, day=local_day.strftime("%d.%m.%Y")))


@one_permission
class OfficeSchedulesView(BaseView):
    """«Расписание офисов»: each office's reception hours, slot length, places and days ahead."""

    route_base = "/admin/office-schedules"
    class_permission_name = SCHEDULE_PERMISSION
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        return self.render_template(TEMPLATES + "offices.html", lines=offices.office_lines(current_user))

    @expose("/<int:office_id>", methods=["GET", "POST"])
    @has_access
    def edit(self, office_id):
        office, values = offices.current_values(current_user, office_id)
        if request.method == "GET":
            return self._render(office, ScheduleForm(formdata=None, data=values))
        form = ScheduleForm()
        if not form.validate_on_submit():
            return self._render(office, form, status=400)
        try:
            offices.save_schedule(current_user, office_id, form.values())
        except rules.Refused as exc:
            refused(exc, flash_message=False)
            form.put_errors(exc.field_errors)
            return self._render(office, form, status=400, message=exc.message)
        flash(_(rules.SCHEDULE_SAVED), "success")
        return redirect(url_for(".index"))

    def _render(self, office, form, status=200, message=None):
        return self.render_template(TEMPLATES + "schedule.html", office=office, form=form, message=message,
                                    weekdays=offices.schedule.WEEKDAYS), status


VIEWS = (StaffAppointmentsView,)
MENU_LINKS = ((MENU, "/staff/appointments/", "fa-calendar", MENU_LABEL, RECEPTION_CATEGORY),)
PERMISSIONS: dict = {
    STAFF: [("can_access", PERMISSION), ("menu_access", MENU), ("menu_access", RECEPTION_CATEGORY)],
    ORG_ADMIN: [("can_access", PERMISSION), ("menu_access", MENU), ("menu_access", RECEPTION_CATEGORY),
                ("can_access", SCHEDULE_PERMISSION), ("menu_access", SCHEDULE_MENU)],
}
ADMIN_VIEWS = ((OfficeSchedulesView, SCHEDULE_MENU, "fa-clock-o"),)
