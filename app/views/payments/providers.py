"""The sandbox provider's pages, its admin switch, and provider callbacks (D6, D9).

- /sandbox-pay/<id> — the sandbox's own payment page (the payer only: everyone else 404): a card
  form or the СБП QR, «Оплатить» / «Отменить», then back to where the portal asked;
- «Песочница платежей» (org admins, admins) — what happens after «Оплатить»;
- POST /payments/callback/<provider> — notifications of providers: CSRF-exempt (a provider has
  no session), rate-limited, answered in JSON (workflows/payments/callbacks.py decides).
"""
from flask import Blueprint, current_app, flash, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.errors import Invalid, NotFound
from app.extensions import csrf, limiter
from app.models.payments import PaymentMethod
from app.security.roles import CONSUMER, ORG_ADMIN
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.payments.providers import SandboxActionForm, SandboxCardForm, SandboxSwitchForm
from workflows.payments import callbacks
from workflows.payments.providers import sandbox
from workflows.payments.states import STATE_LABELS

PAGE_PERMISSION = "PaymentSandboxPage"
SWITCH_PERMISSION = "PaymentSandbox"
SWITCH_MENU = "Песочница платежей"
CALLBACK_RATE_LIMIT = "600/minute"


@one_permission
class SandboxPayView(BaseView):
    """The page a payer of the sandbox provider pays on."""

    route_base = "/sandbox-pay"
    class_permission_name = PAGE_PERMISSION
    default_view = "page"

    def _render(self, provider_payment_id, card=None, status=200):
        view = sandbox.page(current_user, provider_payment_id, request.args.get("t"))
        card = card or SandboxCardForm(formdata=None)
        return self.render_template("payments/sandbox/page.html", view=view, card=card, labels=STATE_LABELS,
                                    action=SandboxActionForm(formdata=None), token=request.args.get("t")), status

    @expose("/<provider_payment_id>")
    @has_access
    def page(self, provider_payment_id):
        return self._render(provider_payment_id)

    @expose("/<provider_payment_id>/pay", methods=["POST"])
    @has_access
    def pay(self, provider_payment_id):
        view = sandbox.page(current_user, provider_payment_id, request.args.get("t"))
        if view.payment.method == PaymentMethod.CARD:
            card = SandboxCardForm()
            if not card.validate_on_submit():
                return self._render(provider_payment_id, card, 400)
        elif not SandboxActionForm().validate_on_submit():
            raise Invalid(_("Страница устарела. Обновите ее и повторите оплату."))
        return self._pressed(provider_payment_id, "pay", view.return_url)

    @expose("/<provider_payment_id>/cancel", methods=["POST"])
    @has_access
    def cancel(self, provider_payment_id):
        view = sandbox.page(current_user, provider_payment_id, request.args.get("t"))
        if not SandboxActionForm().validate_on_submit():
            raise Invalid(_("Страница устарела. Обновите ее и повторите."))
        return self._pressed(provider_payment_id, "cancel", view.return_url)

    @staticmethod
    def _pressed(provider_payment_id, action, return_url):
        try:
            sandbox.press(current_user, provider_payment_id, action)
        except Invalid as exc:
            refused(exc)
        return redirect(return_url)


@one_permission
class SandboxSwitchView(BaseView):
    """«Песочница платежей»: the admin picks what the sandbox does after «Оплатить»."""

    route_base = "/payments/sandbox"
    class_permission_name = SWITCH_PERMISSION
    default_view = "index"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self):
        form = SandboxSwitchForm(data=None if request.method == "POST" else
                                 {"mode": sandbox.mode(), "delay": str(sandbox.delay_seconds())})
        if request.method == "POST":
            if form.validate_on_submit():
                sandbox.switch(form.mode.data, int(form.delay.data.strip()), actor=current_user)
                flash(_("Настройки песочницы сохранены"), "success")
                return redirect(url_for(".index"))
            return self.render_template("payments/sandbox/switch.html", form=form, active=sandbox.is_active()), 400
        return self.render_template("payments/sandbox/switch.html", form=form, active=sandbox.is_active())


callback_blueprint = Blueprint("payment_callbacks", __name__)
csrf.exempt(callback_blueprint)


def _callback_rate_limit() -> str:
    return current_app.config.get("PAYMENT_CALLBACK_RATE_LIMIT", CALLBACK_RATE_LIMIT)


@callback_blueprint.post("/payments/callback/<provider>")
@limiter.limit(_callback_rate_limit)
def callback(provider):
    """A provider's notification: verified, kept once, applied (workflows/payments/callbacks.py)."""
    try:
        answer = callbacks.handle(provider, request.headers, request.get_data())
    except NotFound:
        return jsonify(outcome=callbacks.REFUSED, reason="unknown provider"), 404
    return jsonify(answer.json()), answer.status


VIEWS = (SandboxPayView,)
MENU_LINKS = ()
BLUEPRINTS = (callback_blueprint,)
PERMISSIONS: dict = {CONSUMER: [("can_access", PAGE_PERMISSION)],
                     ORG_ADMIN: [("can_access", SWITCH_PERMISSION), ("menu_access", SWITCH_MENU)]}
ADMIN_VIEWS = ((SandboxSwitchView, SWITCH_MENU, "fa-flask"),)
NOTIFICATIONS = ("payment_succeeded", "payment_failed", "payment_receipt")
