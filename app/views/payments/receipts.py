"""«Скачать квитанцию» (D5): the PDF receipt with the payment QR of a linked account's month
(ReceiptsView); the admins' monthly mailing screen joins this module (its own class).
Thin: workflows/payments/receipts.py renders; app.security.access decides (404 for anyone else)."""
from flask import Response, redirect, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_login import current_user

from app.security.roles import CONSUMER
from app.web.permissions import one_permission
from workflows.payments import receipts

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


VIEWS = (ReceiptsView,)
PERMISSIONS: dict = {CONSUMER: [("can_access", RECEIPT_PERMISSION)]}
