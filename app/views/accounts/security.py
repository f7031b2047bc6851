"""Password change and two-factor login (A4, A10), for every signed-in user."""
from flask import current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user, login_user

from app.core.errors import KabinetError
from app.extensions import db, limiter
from app.models import KabinetUser
from app.views.accounts.common import login_limit, refuse_under
from app.web.boundary import refused
from forms.accounts import ChangePasswordForm, NotificationsForm, TotpForm
from workflows.accounts import passwords, totp


class SecurityView(BaseView):
    """Password change and two-factor login, for every signed-in user."""

    route_base = "/my"
    default_view = "security"
    class_permission_name = "AccountSecurity"
    method_permission_name = {name: "access" for name in ("security", "change_password", "totp", "totp_disable")}

    @staticmethod
    def _user() -> KabinetUser:
        return db.session.get(KabinetUser, current_user.id)

    @expose("/security/")
    @has_access
    def security(self):
        user = self._user()
        return self.render_template("accounts/security.html", user=user, totp_required=totp.totp_required(user),
                                    notify_form=NotificationsForm(obj=user, formdata=None),
                                    disable_form=TotpForm(formdata=None))

    @expose("/password/", methods=["GET", "POST"])
    @has_access
    @limiter.limit(login_limit, methods=["POST"])
    def change_password(self):
        user = self._user()
        form = ChangePasswordForm()
        if form.validate_on_submit():
            try:
                passwords.change_password(user, form.current.data, form.password.data)
            except passwords.WrongPassword as exc:
                refuse_under(exc, {form.current: exc.message})
            else:
                # the new session version ends the other sessions; this one carries it on
                login_user(user, remember=bool(request.cookies.get(current_app.config.get(
                    "REMEMBER_COOKIE_NAME", "remember_token"))))
                flash(_("Пароль изменен"), "success")
                return redirect(url_for("ProfileView.profile" if user.is_consumer else "SecurityView.security"))
        return self.render_template("accounts/form.html", form=form, title=_("Изменить пароль"),
                                    intro=_("Для смены пароля необходимо знать действующий пароль. "
                                            "После смены пароля вход на других устройствах будет завершен."))

    @expose("/security/totp/", methods=["GET", "POST"])
    @has_access
    @limiter.limit(login_limit, methods=["POST"])
    def totp(self):
        user = self._user()
        if user.totp_enabled:
            return redirect(url_for("SecurityView.security"))
        totp.start_enrolment(user)
        form = TotpForm()
        if form.validate_on_submit():
            try:
                totp.enable_totp(user, form.code.data)
            except totp.TotpError as exc:
                form.code.errors.append(exc.message)  # nothing to undo: the secret stays for the next try
            else:
                flash(_("Двухфакторный вход включен"), "success")
                return redirect(url_for("SecurityView.security"))
        return self.render_template("accounts/totp.html", form=form, qr=totp.qr_svg(user), secret=user.totp_secret,
                                    required=totp.totp_required(user))

    @expose("/security/totp/disable/", methods=["POST"])
    @has_access
    @limiter.limit(login_limit)
    def totp_disable(self):
        form = TotpForm()
        try:
            totp.disable_totp(self._user(), form.code.data if form.validate_on_submit() else "")
        except KabinetError as exc:
            refused(exc)
        else:
            flash(_("Двухфакторный вход отключен"), "success")
        return redirect(url_for("SecurityView.security"))
