"""«Передать показания по всем лицевым счетам» (D9, seed 004 §2.12): the linked accounts whose
reading window is open today on one page; each account checked and stored on its own, one
confirmation for the questions of all. Thin: workflows/meters/bulk.py decides; only the
consumer's own live links are listed (workflows.billing.links.linked)."""
from flask import flash, redirect, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.security.roles import CONSUMER
from app.web import form_tokens
from app.web.permissions import one_permission
from forms.meters import submit as fields
from forms.meters.bulk import BulkReadingsForm, asked_field
from workflows.meters import bulk, rules

PERMISSION = "MeterReadingsBulk"


@one_permission
class BulkReadingsView(BaseView):
    """The consumer's readings for all linked accounts at once."""

    route_base = "/readings"
    class_permission_name = PERMISSION
    default_view = "all"

    def _render(self, page, form, *, typed=None, stamps=None, refusal=None, status=200):
        form.confirm_all.data = False  # a question asked anew is answered anew
        return self.render_template("meters/bulk/bulk.html", page=page, form=form, typed=typed,
                                    stamps=stamps or {}, refusal=refusal, fields=fields, rules=rules,
                                    asked_field=asked_field), status

    @expose("/all", methods=["GET", "POST"])
    @has_access
    def all(self):
        page = bulk.bulk_page(current_user)
        form = BulkReadingsForm()
        if not form.is_submitted():
            return self._render(page, form)
        if not form.validate_on_submit():  # the CSRF token is missing or stale
            return self._render(page, form, typed=form.typed(), status=400,
                                refusal=_("Страница устарела. Проверьте показания и передайте их снова."))
        back = url_for(".all")
        repeat = form_tokens.claim(current_user, fallback=back)
        if repeat is not None:  # a double click: sent already
            return repeat
        inputs = form.inputs_by_account(page)
        bulk.submit_all(current_user, page, inputs, form.confirmed_of(inputs))
        stored = [item.account.number for item in page.accounts if item.stored]
        if stored:
            form_tokens.produced(back)
        if page.refusal is None and not page.failed:
            flash(_("Показания приняты по лицевым счетам: %(numbers)s", numbers=", ".join(stored)) if stored
                  else _("Показания не изменились"), "success")
            return redirect(back)
        stamps = {item.meter_id: bulk.values_stamp(item.values) for items in inputs.values() for item in items}
        return self._render(page, form, typed=form.typed(), stamps=stamps, status=400)


VIEWS = (BulkReadingsView,)
MENU_LINKS = ()
PERMISSIONS: dict = {CONSUMER: [("can_access", PERMISSION)]}
