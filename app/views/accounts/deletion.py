"""«Удалить учетную запись» (A8): the consumer chooses where each account's receipt goes, gets a
code, and with it deletes the cabinet (workflows/accounts/deletion.py)."""
from flask import redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm

from app.core.errors import Invalid
from app.extensions import db, limiter
from app.models import KabinetUser
from app.views.accounts.common import code_limit, login_limit, refuse_under
from app.web.boundary import refused
from forms.accounts import CodeForm
from workflows.accounts import deletion
from workflows.accounts.codes import CodeError
from workflows.billing.delivery import receipt_address


def _raw_choices(links) -> dict[int, dict]:
    """The per-account fields «delivery-<id>», «email-<id>», «address-<id>» of the form."""
    return {link.id: {key: request.form.get(f"{key}-{link.id}") for key in ("delivery", "email", "address")}
            for link in links}


class AccountDeletionView(BaseView):
    """The consumer's own «Удалить учетную запись»; staff and admins are refused."""

    route_base = "/my/delete"
    default_view = "index"
    class_permission_name = "ConsumerCabinet"
    method_permission_name = {"index": "access", "confirm": "access"}

    @staticmethod
    def _user():
        user = db.session.get(KabinetUser, current_user.id)
        deletion.ensure_consumer(user)
        return user

    @expose("/", methods=["GET", "POST"])
    @has_access
    @limiter.limit(code_limit, methods=["POST"])
    def index(self):
        user = self._user()
        links = deletion.active_links(user.consumer)
        form, errors, values = FlaskForm(), {}, {}
        if request.method == "POST":
            values = _raw_choices(links)
            if form.validate_on_submit():
                try:
                    deletion.request_deletion(user, values)
                except Invalid as exc:
                    refused(exc, flash_message=not getattr(exc, "field_errors", None))
                    errors = getattr(exc, "field_errors", {})
                else:
                    return redirect(url_for("AccountDeletionView.confirm"))
        defaults = {link.id: {"delivery": "electronic" if link.receipt_electronic else "paper",
                              "email": receipt_address(user, link), "address": user.consumer.postal_address}
                    for link in links}
        return self.render_template("accounts/deletion.html", form=form, links=links, errors=errors,
                                    values={k: values.get(k) or defaults[k] for k in defaults},
                                    erased=deletion.ERASED_FOR_PEOPLE, kept=deletion.KEPT_FOR_PEOPLE), \
            400 if errors else 200

    @expose("/confirm/", methods=["GET", "POST"])
    @has_access
    @limiter.limit(login_limit, methods=["POST"])
    def confirm(self):
        user = self._user()
        form = CodeForm()
        form.submit.label.text = _("Удалить")
        if form.validate_on_submit():
            try:
                number = deletion.confirm_deletion(user, form.code.data)
            except CodeError as exc:
                refuse_under(exc, {form.code: exc.message})
            else:
                logout_user()
                return self.render_template(
                    "accounts/message.html", title=_("Личный кабинет удален"), level="success",
                    message=_("Личный кабинет удален. Ваши персональные данные удалены; сведения, которые "
                              "организация обязана хранить, сохранены под обезличенным номером %(n)s.", n=number),
                    links=[(self.appbuilder.get_url_for_login, _("Вход в личный кабинет"))])
        _channel, destination = deletion.code_destination(user)
        return self.render_template("accounts/deletion_confirm.html", form=form, destination=destination)
