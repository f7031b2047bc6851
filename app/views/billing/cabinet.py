"""«Лицевые счета» (D2, D3, D10): the consumer's linked accounts — the home page with the selected
account's figures, «+ Добавить лицевой счет», «Удалить», and «Способ получения квитанции».

Object routes go through app.security.access.ensure_linked_account: only a consumer who linked the
account (each co-owner through their own link) sees it; everyone else, staff included, gets 404.
"""
from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.security.access import current_consumer, ensure_linked_account
from app.security.roles import CONSUMER
from app.web import form_tokens
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.billing.cabinet import AddAccountForm, DeliveryForm, RemoveAccountForm
from workflows.billing import delivery, links

MENU = "Лицевые счета"
PERMISSION = "PersonalAccounts"


@one_permission
class PersonalAccountsView(BaseView):
    """Consumers: their personal accounts."""

    route_base = "/personal-accounts"
    class_permission_name = PERMISSION
    default_view = "index"

    def _home(self, selected=None):
        page = links.home(current_user, selected)
        show_all = request.args.get("all") == "1" or (
            selected is not None and selected in page.links[2:])
        return self.render_template("billing/cabinet/home.html", page=page, show_all=show_all)

    @expose("/")
    @has_access
    def index(self):
        current_consumer(current_user) or abort(404)
        return self._home()

    @expose("/<int:account_id>/")
    @has_access
    def account(self, account_id):
        return self._home(ensure_linked_account(current_user, account_id))

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        current_consumer(current_user) or abort(404)
        form = AddAccountForm(links.active_branches(), links.proof_kind())
        refusal = None
        if form.validate_on_submit():
            try:
                link = links.link_account(current_user, branch_id=form.branch_id.data, number=form.number.data,
                                          proof=form.proof.data, electronic=form.electronic.data)
            except (links.LinkRefused, links.LinkThrottled) as exc:
                refused(exc, flash_message=False)
                refusal = exc
            else:
                flash(_("Лицевой счет %(number)s добавлен в Личный кабинет", number=link.account.number), "success")
                return redirect(url_for(".account", account_id=link.account_id))
        status = refusal.status if refusal else (400 if form.errors else 200)
        return self.render_template("billing/cabinet/add.html", form=form,
                                    refusal=refusal.message if refusal else None), status

    @expose("/<int:account_id>/remove", methods=["GET", "POST"])
    @has_access
    def remove(self, account_id):
        back = url_for(".index")
        form = RemoveAccountForm()
        if request.method == "POST" and form.validate_on_submit():
            repeat = form_tokens.claim(current_user, fallback=back)
            if repeat is not None:  # a double click: removed already
                return repeat
            account = links.unlink_account(current_user, ensure_linked_account(current_user, account_id))
            form_tokens.produced(back)
            flash(_("Лицевой счет %(number)s отключен от Личного кабинета", number=account.number), "success")
            return redirect(back)
        link = ensure_linked_account(current_user, account_id)
        return self.render_template("billing/cabinet/remove.html", link=link, form=form)

    @expose("/<int:account_id>/receipt", methods=["GET", "POST"])
    @has_access
    def receipt(self, account_id):
        link = ensure_linked_account(current_user, account_id)
        form = DeliveryForm(data={"delivery": "electronic" if link.receipt_electronic else "paper",
                                  "other_email": link.receipt_email or ""})
        code_sent = False
        if form.validate_on_submit():
            try:
                result = delivery.set_delivery(current_user, link, electronic=form.delivery.data == "electronic",
                                               other_email=form.other_email.data, code=form.code.data)
            except delivery.DeliveryRefused as exc:
                refused(exc, flash_message=False)
                getattr(form, exc.field).errors.append(exc.message)
            else:
                if result != delivery.CODE_SENT:
                    flash(_("Способ получения квитанции сохранен") if result == delivery.SAVED
                          else _("Изменений нет"), "success")
                    return redirect(url_for(".account", account_id=account_id))
                code_sent = True
                form.code.data = ""
        return self.render_template("billing/cabinet/receipt.html", link=link, form=form, code_sent=code_sent,
                                    profile_email=delivery.profile_email(current_user)), 400 if form.errors else 200


VIEWS = (PersonalAccountsView,)
MENU_LINKS = ((MENU, "/personal-accounts/", "fa-id-card-o"),)
PERMISSIONS: dict = {CONSUMER: [("can_access", PERMISSION), ("menu_access", MENU)]}
ADMIN_VIEWS = ()
