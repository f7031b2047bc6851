"""«Приборы учета» (D8, seed 004 §2.9): the account's meters by service, «Раскрыть информацию»,
«Уведомить о неисправности», «Показания прибора учета» and a reading's photo. Thin: the rules
live in workflows/meters/history.py and faults.py; every route goes through
app.security.access (ensure_linked_account and its meter/reading helpers)."""
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.files import send_stored
from app.core.paging import page_number
from app.security.roles import CONSUMER
from app.web import form_tokens
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.meters.cabinet import FaultForm, HistoryPeriodForm
from workflows.meters import faults, history

PERMISSION = "MeterCabinet"
#: «Мои данные»: a statement needs them filled in, like every application
PROFILE_URL = "/my/profile/"
#: «Передать показания» (workflows/meters/readings.py, app/views/meters/submit.py)
SUBMIT_URL = "/personal-accounts/{account_id}/readings"


@one_permission
class MeterCabinetView(BaseView):
    """The consumer's «Приборы учета» of one linked account."""

    route_base = "/personal-accounts"
    class_permission_name = PERMISSION
    default_view = "meters"

    @expose("/<int:account_id>/meters")
    @has_access
    def meters(self, account_id):
        page = history.meters_page(current_user, account_id)
        return self.render_template("meters/cabinet/meters.html", p=page,
                                    submit_url=SUBMIT_URL.format(account_id=account_id))

    @expose("/<int:account_id>/meters/<int:meter_id>/fault", methods=["GET", "POST"])
    @has_access
    def fault(self, account_id, meter_id):
        shown = faults.fault_form(current_user, account_id, meter_id)
        form = FaultForm() if request.method == "POST" else FaultForm(formdata=None)
        form_error = None
        if request.method == "POST":
            done, form_error = self._file(account_id, meter_id, form)
            if done is not None:
                return done
        return self.render_template("meters/cabinet/fault.html", f=shown, form=form, form_error=form_error,
                                    profile_url=PROFILE_URL, describe=faults.describe)

    def _file(self, account_id: int, meter_id: int, form: FaultForm):
        """(the redirect after filing, None) or (None, a message for the whole form)."""
        if not form.validate_on_submit():
            return None, _("Проверьте правильность заполнения полей")
        back = url_for(".meters", account_id=account_id)
        repeat = form_tokens.claim(current_user, fallback=back)
        if repeat is not None:  # a double click: the report is filed already
            return repeat, None
        try:
            application = faults.file_fault(current_user, account_id, meter_id, form.description.data,
                                            form.photo_file())
        except faults.ApplicationError as exc:  # a field, a second report, or «Мои данные» incomplete
            refused(exc, flash_message=False)
            for name, message in (exc.field_errors or {}).items():
                getattr(form, name).errors.append(message)
            return None, exc.message
        form_tokens.produced(back)
        flash(_(faults.MSG_ACCEPTED) + " " + _("Номер заявления: %(number)s", number=application.number),
              "success")
        return redirect(back), None

    @expose("/<int:account_id>/meters/history")
    @has_access
    def history(self, account_id):
        chosen = "period_from" in request.args or "period_to" in request.args
        form = HistoryPeriodForm(formdata=request.args if chosen else None)
        valid = form.validate() if chosen else True
        first, last = (form.period_from.data, form.period_to.data) if chosen and valid else (None, None)
        result = history.readings_history(current_user, account_id, first, last, page_number(),
                                          chosen_meter(request.args.get("meter", "")))
        if not chosen:
            form.period_from.data, form.period_to.data = history.default_period()
        for name, message in result.period_errors.items():
            if name in form:
                form[name].errors.append(message)
        args = {k: v for k, v in request.args.items() if k in ("period_from", "period_to", "meter")}
        return self.render_template("meters/cabinet/history.html", h=result, form=form, args=args,
                                    show=valid and result.page is not None, earliest=history.earliest_month())

    @expose("/<int:account_id>/meters/readings/<int:reading_id>/photo")
    @has_access
    def photo(self, account_id, reading_id):
        return send_stored(history.reading_photo(current_user, account_id, reading_id), as_attachment=False)


def chosen_meter(raw: str) -> int | None:
    """«Прибор учета» of the history: None for all; anything but an id is refused as unknown (0)."""
    raw = raw.strip()
    if not raw:
        return None
    return int(raw) if raw.isdigit() and len(raw) < 10 else 0


VIEWS = (MeterCabinetView,)
MENU_LINKS = ()
PERMISSIONS: dict = {CONSUMER: [("can_access", PERMISSION)]}
SEEDERS = (faults.seed_meter_fault_type,)
