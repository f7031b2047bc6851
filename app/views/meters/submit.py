"""«Передать показания» for one account (D8, seed 004 §2.9): per meter and zone the previous value,
the field for the current one (prefilled with the reading already sent this period), «Расход» live
(static/js/meters-submit.js), «Сбросить показания» and «Передать показания».

Thin: workflows/meters/readings.py decides and stores; the route goes through
app.security.access.ensure_linked_account (an owner or co-owner; everyone else, staff included, 404).
"""
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.errors import Conflict, Invalid
from app.security.access import ensure_linked_account
from app.security.roles import CONSUMER
from app.web import form_tokens
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.meters import submit as fields
from forms.meters.submit import SubmitReadingsForm
from workflows.meters import rules
from workflows.meters.readings import Outcome, readings_form, submit_readings

PERMISSION = "MeterReadingsSubmit"


@one_permission
class SubmitReadingsView(BaseView):
    """The consumer's «Передать показания» of one linked account."""

    route_base = "/personal-accounts"
    class_permission_name = PERMISSION
    default_view = "readings"

    def _render(self, link, form, *, page=None, outcome=None, typed=None, refusal=None, status=200):
        page = page or readings_form(link.account)
        return self.render_template(
            "meters/submit/submit.html", page=page, link=link, form=form, outcome=outcome or Outcome(),
            typed=typed, refusal=refusal, fields=fields, rules=rules), status

    @expose("/<int:account_id>/readings", methods=["GET", "POST"])
    @has_access
    def readings(self, account_id):
        link = ensure_linked_account(current_user, account_id)
        form = SubmitReadingsForm()
        if request.method != "POST":
            return self._render(link, form)
        if not form.validate_on_submit():  # the CSRF token is missing or stale
            return self._render(link, form, typed=form.typed(),
                                refusal=_("Страница устарела. Проверьте показания и передайте их снова."),
                                status=400)
        back = url_for(".readings", account_id=account_id)
        repeat = form_tokens.claim(current_user, fallback=back)
        if repeat is not None:  # a double click: sent already
            return repeat
        page = readings_form(link.account)
        try:
            outcome = submit_readings(current_user, link.account, form.inputs(page.meters), confirmed=form.confirmed())
        except (Invalid, Conflict) as exc:  # the page is rendered anew: the readings may have changed
            refused(exc, flash_message=False)
            return self._render(link, form, typed=form.typed(), refusal=exc.message, status=exc.status)
        if not outcome.ok():  # nothing stored: the page as it was, with the messages and questions
            return self._render(link, form, page=page, outcome=outcome, typed=form.typed(), status=400)
        form_tokens.produced(back)
        flash(_(rules.ACCEPTED) if outcome.stored else _("Показания не изменились"), "success")
        return redirect(back)


VIEWS = (SubmitReadingsView,)
MENU_LINKS = ()
PERMISSIONS: dict = {CONSUMER: [("can_access", PERMISSION)]}
