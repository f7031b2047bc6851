"""«Обращения» (E1, seed 004 §2.10): «История обращений» by month, an appeal's card with its files
and the organization's answers, and «Написать новое обращение». Thin: the rules live in
workflows/appeals/; every object route goes through app.security.access (ensure_own_appeal)."""
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.files import MB, send_stored
from app.core.paging import page_number
from app.security.roles import CONSUMER
from app.web import form_tokens
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.appeals import AppealForm, HistoryFilterForm
from workflows.appeals import commands, history
from workflows.appeals.requisites import file_limits
from workflows.appeals.types import seed_appeal_type

MENU = "Обращения"
PERMISSION = "Appeals"


def _chosen_account(raw: str) -> int | None:
    """«Номер лицевого счета» of the history: None for all; anything but an id lists nothing (0)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    return int(raw) if raw.isdigit() and len(raw) < 10 else 0


@one_permission
class AppealsView(BaseView):
    """The consumer's appeals."""

    route_base = "/my/appeals"
    class_permission_name = PERMISSION
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        chosen = "period_from" in request.args or "period_to" in request.args
        form = HistoryFilterForm(formdata=request.args if chosen else None)
        valid = form.validate() if chosen else True
        first, last = (form.period_from.data, form.period_to.data) if chosen and valid else (None, None)
        account_id = _chosen_account(request.args.get("account", ""))
        result = history.appeals_history(current_user, account_id, first, last, page_number())
        if not chosen or not valid:
            form.period_from.data = form.period_from.data or result.first
            form.period_to.data = form.period_to.data or result.last
        for name, message in result.period_errors.items():
            form[name].errors = list(form[name].errors) + [message]
        args = {k: v for k, v in request.args.items() if k in ("period_from", "period_to", "account")}
        return self.render_template("appeals/history.html", h=result, form=form, args=args,
                                    show=valid and not result.period_errors,
                                    earliest=history.PERIOD.earliest(), latest=history.PERIOD.latest())

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        form = AppealForm()
        typed_account = _chosen_account(form.account_id.data) if form.is_submitted() else None
        choices = commands.appeal_choices(current_user, typed_account or None)
        form.setup(choices.accounts, choices.suppliers, choices.requisites)
        form.setup_topics(choices.topics)
        form_error = None
        if form.is_submitted():
            done, form_error = self._write(form)
            if done is not None:
                return done
        one, total = file_limits()
        return self.render_template("appeals/new.html", form=form, form_error=form_error, file_mb=one // MB,
                                    total_mb=total // MB)

    def _write(self, form: AppealForm):
        """(the redirect after sending, None) or (None, a message for the whole form)."""
        if not form.validate():  # the CSRF token; the fields are the workflow's to check
            return None, _("Форма устарела. Обновите страницу и отправьте обращение еще раз.")
        back = url_for(".index")
        repeat = form_tokens.claim(current_user, fallback=back)
        if repeat is not None:  # a double click: the appeal is sent already
            return repeat, None
        values = dict(form.requisites_values(), topic_id=form.topic_id.data, text=form.text.data)
        try:
            appeal = commands.write_appeal(current_user, values, request.files.getlist(form.files.name))
        except commands.AppealRefused as exc:
            refused(exc, flash_message=False)
            form.show_errors(exc.field_errors)
            return None, exc.message
        target = url_for(".card", appeal_id=appeal.id)
        form_tokens.produced(target)
        flash(_(commands.MSG_ACCEPTED) + " " + _("Номер обращения: %(number)s", number=appeal.application.number),
              "success")
        return redirect(target), None

    @expose("/<int:appeal_id>")
    @has_access
    def card(self, appeal_id):
        return self.render_template("appeals/card.html", c=history.appeal_card(current_user, appeal_id))

    @expose("/by-application/<int:application_id>")
    @has_access
    def by_application(self, application_id):
        """Where a notification about the appeal's status leads (it knows the application)."""
        return redirect(url_for(".card", appeal_id=history.appeal_of_application(current_user, application_id).id))

    @expose("/<int:appeal_id>/files/<int:attachment_id>")
    @has_access
    def file(self, appeal_id, attachment_id):
        return send_stored(history.appeal_file(current_user, appeal_id, attachment_id).file)


VIEWS = (AppealsView,)
MENU_LINKS = ((MENU, "/my/appeals/", "fa-comments"),)
PERMISSIONS: dict = {CONSUMER: [("can_access", PERMISSION), ("menu_access", MENU)]}
SEEDERS = (seed_appeal_type,)
