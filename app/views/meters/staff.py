"""Staff and an account's meters: the meters with their recent readings (every source, accepted,
replaced ones with who and why), the consumer's photo, the open fault report linking to its
statement in the staff queue; «Внести показания» and «Исправить» with a reason. Thin: the rules
live in workflows/meters/staff.py (and the one readings command it calls)."""
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.errors import Conflict, Invalid
from app.core.files import send_stored
from app.security.roles import ORG_ADMIN, STAFF
from app.web import form_tokens
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.meters.staff import CorrectionForm, EntryForm
from workflows.meters import rules
from workflows.meters import staff as commands

PERMISSION = "StaffMeters"
TEMPLATES = "meters/staff/"


@one_permission
class StaffMetersView(BaseView):
    """/staff/personal-accounts/<id>/meters and its forms."""

    route_base = "/staff/personal-accounts"
    class_permission_name = PERMISSION
    default_view = "meters"

    def _back(self, account_id: int) -> str:
        return url_for(".meters", account_id=account_id)

    @expose("/<int:account_id>/meters")
    @has_access
    def meters(self, account_id):
        page = commands.meters_page(current_user, account_id)
        return self.render_template(TEMPLATES + "meters.html", p=page, account=page.account)

    @expose("/<int:account_id>/readings/<int:reading_id>/photo")
    @has_access
    def photo(self, account_id, reading_id):
        return send_stored(commands.reading_photo(current_user, account_id, reading_id))

    def _render_entry(self, account_id, meter_id, form=None, *, question=None, status=200, reseen=False):
        """The entry page; `reseen`: the typed values kept, the form now stamped with what is stored."""
        entry = commands.entry_form(current_user, account_id, meter_id)
        seen = str(entry.row.live.id) if entry.row.live else ""
        if form is None:
            form = EntryForm(formdata=None, seen=seen)
        elif reseen:
            form.seen.data = seen
        return self.render_template(TEMPLATES + "enter.html", e=entry, form=form.label_zones(entry.zones),
                                    question=question), status

    @expose("/<int:account_id>/meters/<int:meter_id>/enter", methods=["GET", "POST"])
    @has_access
    def enter(self, account_id, meter_id):
        """«Внести показания»: the readings command with source «Сотрудник»."""
        if request.method == "GET":
            return self._render_entry(account_id, meter_id)
        form = EntryForm()
        commands.entry_form(current_user, account_id, meter_id)  # 404 before anything else
        repeat = form_tokens.claim(current_user, fallback=self._back(account_id))
        if repeat is not None:  # a double click: stored already
            return repeat
        if not form.validate_on_submit():
            form_tokens.release()
            return self._render_entry(account_id, meter_id, form, status=400)
        try:
            outcome = commands.enter_reading(current_user, account_id, meter_id, form.values(),
                                             seen_live_id=form.seen_id(), confirmed=bool(form.confirm.data))
        except Conflict as exc:  # replaced meanwhile: what is stored now, and what was typed
            refused(exc)
            form_tokens.release()
            return self._render_entry(account_id, meter_id, form, status=exc.status, reseen=True)
        except Invalid as exc:
            refused(exc, flash_message=False)
            form.put_errors({"T1": exc.message})
            return self._render_entry(account_id, meter_id, form, status=400)
        if not outcome.ok():
            form_tokens.release()
            form.put_errors({zone or "T1": message for (_id, zone), message in outcome.errors.items()})
            question = next(iter(outcome.questions.values()), None)
            if question:
                form.confirm.label.text = next(iter(outcome.confirm_labels.values()), _(rules.JUMP_CONFIRM))
            return self._render_entry(account_id, meter_id, form, question=question, status=400)
        form_tokens.produced(self._back(account_id))
        flash(_(rules.ACCEPTED) if outcome.stored else _("Эти показания уже внесены"), "success")
        return redirect(self._back(account_id))

    def _render_correction(self, account_id, reading_id, form=None, *, question=None, status=200):
        account, reading = commands.correction_form(current_user, account_id, reading_id)
        if form is None:
            form = CorrectionForm(formdata=None, data=commands.typed_values(reading))
        zones = commands.zone_fields(reading.meter, current=reading)
        return self.render_template(TEMPLATES + "correct.html", account=account, reading=reading,
                                    form=form.label_zones(zones), zones=zones, question=question), status

    @expose("/<int:account_id>/readings/<int:reading_id>/correct", methods=["GET", "POST"])
    @has_access
    def correct(self, account_id, reading_id):
        """«Исправить»: a new reading superseding the wrong one, with the reason."""
        if request.method == "GET":
            return self._render_correction(account_id, reading_id)
        form = CorrectionForm()
        commands.correction_form(current_user, account_id, reading_id)  # 404 / not correctable first
        repeat = form_tokens.claim(current_user, fallback=self._back(account_id))
        if repeat is not None:
            return repeat
        if not form.validate_on_submit():
            form_tokens.release()
            return self._render_correction(account_id, reading_id, form, status=400)
        try:
            done = commands.correct_reading(current_user, account_id, reading_id, form.values(), form.reason.data,
                                            confirmed=bool(form.confirm.data))
        except Conflict as exc:  # replaced meanwhile: the meters page shows what is stored now
            refused(exc)
            return redirect(self._back(account_id))
        except commands.CorrectionRefused as exc:
            refused(exc, flash_message=False)
            form.put_errors(exc.field_errors)
            return self._render_correction(account_id, reading_id, form, status=400)
        if done.stored is None:
            form_tokens.release()
            form.confirm.label.text = _(rules.WRAP_CONFIRM)
            return self._render_correction(account_id, reading_id, form, question=done.question, status=400)
        form_tokens.produced(self._back(account_id))
        flash(_("Показание исправлено"), "success")
        return redirect(self._back(account_id))


VIEWS = (StaffMetersView,)
MENU_LINKS = ()
PERMISSIONS: dict = {
    STAFF: [("can_access", PERMISSION)],
    ORG_ADMIN: [("can_access", PERMISSION)],
}
