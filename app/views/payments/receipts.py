"""«Скачать квитанцию» (D5): the PDF receipt with the payment QR of a linked account's month
(ReceiptsView); the admins' monthly mailing screen joins this module (its own class).
Thin: workflows/payments/receipts.py renders; app.security.access decides (404 for anyone else)."""
from flask import Response, jsonify, redirect, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_login import current_user

from app.core.errors import KabinetError
from app.core.paging import page_number
from app.models.payments import ReceiptRunState
from app.security.roles import CONSUMER, ORG_ADMIN
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.payments.mailing import MailingForm
from workflows.payments import mailing, receipts

RECEIPT_PERMISSION = "AccountReceipts"


@one_permission
class ReceiptsView(BaseView):
    """The consumer's receipts of one account."""

    route_base = "/personal-accounts"
    class_permission_name = RECEIPT_PERMISSION
    default_view = "latest"

    @expose("/<int:account_id>/receipts/<month>.pdf")
    @has_access
    def receipt(self, account_id, month):
        name, pdf = receipts.account_receipt(current_user, account_id, month)
        return Response(pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"})

    @expose("/<int:account_id>/receipts/latest")
    @has_access
    def latest(self, account_id):
        month = receipts.latest_receipt_month(current_user, account_id)
        return redirect(url_for(".receipt", account_id=account_id, month=month.strftime("%Y-%m")))


# ---- «Рассылка квитанций» (org admins and admins) ------------------------------------------------
# The month's receipts emailed to every account subscribed to the electronic receipt
# (workflows/payments/mailing.py), the list of runs, a run's page with a live progress bar
# (static/js/run-progress.js polls the progress JSON every second; without script the page shows
# the figures as they are and a refresh link).

MAILING_PERMISSION = "ReceiptMailing"
MAILING_MENU = "Рассылка квитанций"
MAILING_PER_PAGE = 30

#: a mailing run's state in words
MAILING_STATES = {
    ReceiptRunState.QUEUED: "В очереди",
    ReceiptRunState.RUNNING: "Выполняется",
    ReceiptRunState.DONE: "Завершена",
    ReceiptRunState.FAILED: "Прервана",
}


def mailing_progress(run) -> dict:
    figures = mailing.progress(run)
    figures["state_label"] = MAILING_STATES.get(run.state, run.state)
    return figures


@one_permission
class ReceiptMailingView(BaseView):
    """The month form and the runs (newest first); a run's page and its progress JSON."""

    route_base = "/payments/receipts/mailing"
    default_view = "index"
    class_permission_name = MAILING_PERMISSION

    def _render(self, form, status=200):
        return self.render_template("payments/mailing/index.html", form=form, states=MAILING_STATES,
                                    page=mailing.listing(page_number(), MAILING_PER_PAGE)), status

    @expose("/")
    @has_access
    def index(self):
        return self._render(MailingForm(formdata=None))

    @expose("/start", methods=["POST"])
    @has_access
    def start(self):
        form = MailingForm()
        if not form.validate_on_submit():
            return self._render(form, 400)
        try:
            run = mailing.start_mailing(form.month.data, current_user)
        except KabinetError as exc:  # a run of that month still going: said under the month
            refused(exc, flash_message=False)
            form.month.errors.append(exc.message)
            return self._render(form, exc.status)
        return redirect(url_for(".run", run_id=run.id))

    @expose("/<int:run_id>")
    @has_access
    def run(self, run_id):
        run = mailing.get_run(run_id)
        return self.render_template("payments/mailing/run.html", run=run, progress=mailing_progress(run),
                                    started_by=mailing.started_by(run), errors=mailing.run_errors(run))

    @expose("/<int:run_id>/progress")
    @has_access
    def progress(self, run_id):
        response = jsonify(mailing_progress(mailing.get_run(run_id)))
        response.headers["Cache-Control"] = "no-store"
        return response


VIEWS = (ReceiptsView,)
PERMISSIONS: dict = {CONSUMER: [("can_access", RECEIPT_PERMISSION)],
                     ORG_ADMIN: [("can_access", MAILING_PERMISSION), ("menu_access", MAILING_MENU)]}
ADMIN_VIEWS = ((ReceiptMailingView, MAILING_MENU, "fa-envelope"),)
NOTIFICATIONS = ("receipt_monthly",)
