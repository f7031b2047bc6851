"""«Оплата» of one account (D6, seed 004 §2.8), «Оплатить по всем лицевым счетам» (D9, §2.12) and
the page the provider sends the consumer back to (the payment's state).

Thin: workflows/payments/checkout.py offers and checks, workflows/payments/commands.py creates the
payment with the provider and refreshes its state. The account route goes through
app.security.access.ensure_linked_account, the payment's through payment_for (ensure_own_payment) (everyone
else, staff included, 404).
"""
from flask import redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.errors import Invalid
from app.core.urls import absolute_url
from app.models.payments import PaymentState
from app.security.access import ensure_linked_account, latest_own_payment
from app.security.roles import CONSUMER
from app.web import form_tokens
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.payments import pay as fields
from forms.payments.pay import PayForm
from workflows.payments import checkout
from workflows.payments.checkout import Outcome
from workflows.payments.commands import payment_for, refresh_status

PERMISSION = "PaymentsPay"
#: a pending payment's page asks again after this many seconds (static/js/payments-pay.js)
POLL_SECONDS = 3
STALE = "Страница устарела. Проверьте данные и нажмите «Оплатить» снова."


class _Checkout:
    """The payment page shared by one account and all accounts: render, check, pay."""

    title = ""

    def _render(self, page, form, *, back, outcome=None, typed=None, refusal=None, status=200):
        return self.render_template(
            "payments/pay/pay.html", page=page, form=form, outcome=outcome or Outcome(), typed=typed,
            refusal=refusal, fields=fields, checkout=checkout, title=self.title, action=request.path,
            back=back), status

    def _post(self, page, *, back):
        form = PayForm()
        if not form.validate_on_submit():  # the CSRF token is missing or stale
            return self._render(page, form, back=back, typed=form.choice(page.lines), refusal=_(STALE), status=400)
        repeat = form_tokens.claim(current_user, fallback=request.path)
        if repeat is not None:  # a double click: the payment is made already
            return repeat
        choice = form.choice(page.lines)
        try:
            outcome = checkout.pay(current_user, page, choice, return_url=absolute_url("PaymentsView.returned"))
        except Invalid as exc:
            refused(exc, flash_message=False)
            return self._render(page, form, back=back, typed=choice, refusal=exc.message, status=exc.status)
        if outcome.payment is None:  # nothing paid: the page again, with the messages (or the question)
            return self._render(page, form, back=back, outcome=outcome, typed=choice, status=400)
        form_tokens.produced(outcome.payment.confirmation_url)
        return redirect(outcome.payment.confirmation_url)


@one_permission
class PayAccountView(_Checkout, BaseView):
    """«Оплата» of one linked account."""

    route_base = "/personal-accounts"
    class_permission_name = PERMISSION
    default_view = "pay"
    title = "Оплата"

    @expose("/<int:account_id>/pay", methods=["GET", "POST"])
    @has_access
    def pay(self, account_id):
        link = ensure_linked_account(current_user, account_id)
        page = checkout.account_checkout(current_user, link)
        back = url_for("PersonalAccountsView.account", account_id=account_id)
        if request.method != "POST":
            return self._render(page, PayForm(), back=back)
        return self._post(page, back=back)


@one_permission
class PaymentsView(_Checkout, BaseView):
    """«Оплатить по всем лицевым счетам» and a payment's own page."""

    route_base = "/payments"
    class_permission_name = PERMISSION
    default_view = "all"
    title = "Оплатить по всем лицевым счетам"

    @expose("/all", methods=["GET", "POST"])
    @has_access
    def all(self):
        page = checkout.all_checkout(current_user)
        if len(page.accounts) < 2:  # §2.12: only with more than one account linked
            only = page.accounts[0].id if page.accounts else None
            return redirect(url_for("PayAccountView.pay", account_id=only) if only
                            else url_for("PersonalAccountsView.index"))
        back = url_for("PersonalAccountsView.index")
        if request.method != "POST":
            return self._render(page, PayForm(), back=back)
        return self._post(page, back=back)

    @expose("/returned")
    @has_access
    def returned(self):
        """Where the provider sends the consumer back: their latest payment's page."""
        payment = latest_own_payment(current_user)
        if payment is None:
            return redirect(url_for("PersonalAccountsView.index"))
        return redirect(url_for(".show", payment_id=payment.id))

    @expose("/<int:payment_id>")
    @has_access
    def show(self, payment_id):
        """«Платеж прошел успешно» / the reason it failed / «Платеж обрабатывается»."""
        payment = payment_for(current_user, payment_id)
        notice = None
        if payment.state in (PaymentState.CREATED, PaymentState.PENDING):
            try:
                refresh_status(payment)
            except Invalid as exc:  # the provider could not be asked: the state as we know it
                refused(exc, flash_message=False)
                notice = exc.message
        waiting = payment.state in (PaymentState.CREATED, PaymentState.PENDING)
        return self.render_template("payments/pay/payment.html", payment=payment, states=PaymentState,
                                    methods=checkout.METHOD_LABELS, notice=notice,
                                    poll=POLL_SECONDS if waiting else None)


VIEWS = (PayAccountView, PaymentsView)
MENU_LINKS = ()
PERMISSIONS: dict = {CONSUMER: [("can_access", PERMISSION)]}
