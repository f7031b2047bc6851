"""«Начисления и оплаты» (D5, seed 004 §2.8): «Все события», «Начисления», «Оплата», «Баланс» of a
linked account by month and supplier («Статистика» is the meters area's page). Thin: the reading
lives in workflows/payments/charges.py; the account goes through
app.security.access.ensure_linked_account (404 for anyone else)."""
from flask import request
from flask_appbuilder import BaseView, expose, has_access
from flask_login import current_user

from app.security.roles import CONSUMER
from app.web.permissions import one_permission
from forms.payments.charges import ChargesForm
from workflows.payments import charges

PERMISSION = "AccountCharges"
FILTERS = ("period_from", "period_to", "supplier")


@one_permission
class ChargesView(BaseView):
    """The consumer's «Начисления и оплаты» of one account."""

    route_base = "/personal-accounts"
    class_permission_name = PERMISSION
    default_view = "charges"

    @expose("/<int:account_id>/charges")
    @has_access
    def charges(self, account_id):
        chosen = any(name in request.args for name in FILTERS)
        form = ChargesForm(formdata=request.args if chosen else None)
        valid = form.validate() if chosen else True
        first, last = (form.period_from.data, form.period_to.data) if chosen and valid else (None, None)
        tab = request.args.get("tab", "events")
        page = charges.charges_page(current_user, account_id, tab, first, last, form.supplier_id if valid else None)
        form.offer_suppliers(page.suppliers)
        if not chosen:
            form.period_from.data, form.period_to.data = page.first, page.last
        for name, message in page.period_errors.items():
            getattr(form, name).errors.append(message)
        shown = valid and not page.period_errors
        return self.render_template(
            "payments/charges/charges.html", p=page, form=form, shown=shown, tabs=charges.TAB_LABELS,
            earliest=charges.earliest_month(), latest=charges.latest_month()), 200 if shown else 400


VIEWS = (ChargesView,)
PERMISSIONS: dict = {CONSUMER: [("can_access", PERMISSION)]}
