"""Sign-in pages (A3, A4, A10) replacing FAB's AuthDBView: login by any identifier and
password or by a one-time code, TOTP second step, «Выход», «Забыли пароль?», setting a
password. The security manager (app/security/manager.py) installs them."""
from flask import current_app, flash, g, redirect, request, session, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.views import AuthDBView
from flask_appbuilder.utils.base import get_safe_redirect
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from app.extensions import db, limiter
from app.models import KabinetUser
from app.views.accounts.common import code_limit, login_key, login_limit, refuse_under
from app.web.gate import pending_step
from forms.accounts import (CodeForm, CodeRequestForm, ForgotPasswordForm, LoginForm, LogoutForm, NewPasswordForm,
                            ResetByCodeForm, TotpForm)
from workflows.accounts import codes
from workflows.accounts import login as login_flow
from workflows.accounts import passwords, totp
from workflows.accounts.profile import profile_is_complete

#: session keys of multi-step sign-in
TWO_FACTOR_KEY = "kb_2fa"
LOGIN_CODE_KEY = "kb_login_code"
RESET_KEY = "kb_reset"

MSG_PASSWORD_SET = _l("Пароль изменен. Войдите в личный кабинет с новым паролем.")


def landing_url(user, *, first_login: bool = False, next_url: str | None = None) -> str:
    """Where a user goes after signing in: what they must do first, else `next` or home."""
    step = pending_step(user)
    if step:
        return url_for(step)
    if user.is_consumer and (first_login or not profile_is_complete(user.consumer)):
        return url_for("ProfileView.profile")
    return next_url or url_for("KabinetIndexView.index")


def finish_login(user: KabinetUser, *, remember: bool, next_url: str | None = None, fresh_2fa: bool = False):
    """Sign `user` in, or ask for the TOTP code first when they use two-factor login."""
    if user.totp_enabled and not fresh_2fa:
        session[TWO_FACTOR_KEY] = {"uid": user.id, "v": user.session_version, "remember": bool(remember),
                                   "next": next_url}
        return redirect(url_for("KabinetAuthView.login_totp"))
    first_login = login_flow.record_login(user)
    login_user(user, remember=bool(remember))
    return redirect(landing_url(user, first_login=first_login, next_url=next_url))


class KabinetAuthView(AuthDBView):
    login_template = "accounts/login.html"
    title = _l("Вход в личный кабинет")

    def _next(self) -> str | None:
        value = request.args.get("next")
        return get_safe_redirect(value) if value else None

    def _render(self, template, **context):
        return self.render_template(template, appbuilder=self.appbuilder, **context)

    def _form_page(self, form, title, intro=None, links=None, action=None):
        return self._render("accounts/form.html", form=form, title=title, intro=intro, links=links, action=action)

    # ---- login by password -----------------------------------------------------------
    @expose("/login/", methods=["GET", "POST"])
    @limiter.limit(login_limit, methods=["POST"])
    @limiter.limit(login_limit, methods=["POST"], key_func=login_key)
    def login(self):
        if g.user is not None and g.user.is_authenticated:
            return redirect(landing_url(g.user, next_url=self._next()))
        form = LoginForm()
        error = None
        if form.validate_on_submit():
            user, error = login_flow.authenticate(form.username.data, form.password.data)
            if user is not None:
                return finish_login(user, remember=form.remember.data, next_url=self._next())
            # the failed-login counters are kept: the page is answered, not refused
        return self._render(self.login_template, form=form, error=error, next=self._next(), title=self.title)

    # ---- login by a one-time code --------------------------------------------------------
    @expose("/login/code/", methods=["GET", "POST"])
    @limiter.limit(code_limit, methods=["POST"])
    def login_code(self):
        form = CodeRequestForm()
        if form.validate_on_submit():
            destination = login_flow.send_login_code(form.destination.data)
            session[LOGIN_CODE_KEY] = {"dest": destination, "remember": bool(form.remember.data),
                                       "next": self._next()}
            flash(str(login_flow.MSG_CODE_SENT), "info")
            return redirect(url_for("KabinetAuthView.login_code_enter"))
        return self._form_page(form, _("Вход по коду"),
                               intro=_("Укажите email или номер телефона, указанные при регистрации. "
                                       "Код подтверждения действителен 5 минут."),
                               links=[(url_for("KabinetAuthView.login"), _("Вход по паролю"))])

    @expose("/login/code/enter/", methods=["GET", "POST"])
    @limiter.limit(login_limit, methods=["POST"])
    def login_code_enter(self):
        state = session.get(LOGIN_CODE_KEY)
        if not state:
            return redirect(url_for("KabinetAuthView.login_code"))
        form = CodeForm()
        form.submit.label.text = _("Войти")
        if form.validate_on_submit():
            try:
                user = login_flow.login_by_code(state["dest"], form.code.data)
            except codes.CodeError as exc:
                refuse_under(exc, {form.code: exc.message})
            else:
                session.pop(LOGIN_CODE_KEY, None)
                return finish_login(user, remember=state.get("remember"), next_url=state.get("next"))
        return self._form_page(form, _("Вход по коду"),
                               intro=_("Код подтверждения отправлен на %(dest)s.", dest=state["dest"]),
                               links=[(url_for("KabinetAuthView.login_code"), _("Отправить код повторно"))])

    # ---- second factor -----------------------------------------------------------------------
    @expose("/login/totp/", methods=["GET", "POST"])
    @limiter.limit(login_limit, methods=["POST"])
    def login_totp(self):
        state = session.get(TWO_FACTOR_KEY)
        user = db.session.get(KabinetUser, state["uid"]) if state else None
        if user is None or user.session_version != state.get("v"):
            session.pop(TWO_FACTOR_KEY, None)
            return redirect(url_for("KabinetAuthView.login"))
        form = TotpForm()
        if form.validate_on_submit():
            try:
                totp.check_code(user, form.code.data)
            except totp.TotpError as exc:
                refuse_under(exc, {form.code: exc.message})
            else:
                session.pop(TWO_FACTOR_KEY, None)
                return finish_login(user, remember=state.get("remember"), next_url=state.get("next"), fresh_2fa=True)
        return self._form_page(form, _("Двухфакторный вход"),
                               intro=_("Введите 6-значный код из приложения-аутентификатора."))

    # ---- «Выход» -------------------------------------------------------------------------------
    @expose("/logout/", methods=["GET", "POST"])
    def logout(self):
        """A POST with the CSRF token ends every session of the user on the server (their session
        version changes): a cookie copied before is dead too. A GET only offers the button."""
        form = LogoutForm()
        if request.method == "GET" or not form.validate_on_submit():
            if not current_user.is_authenticated:
                return redirect(url_for("KabinetAuthView.login"))
            return self._form_page(form, _("Выход"), intro=_("Выйти из личного кабинета?"))
        if current_user.is_authenticated:
            login_flow.sign_out(db.session.get(KabinetUser, current_user.id))
        locale = session.get("locale")
        session.clear()  # also any half-done sign-in step
        logout_user()
        if locale:
            session["locale"] = locale
        return redirect(current_app.config.get("LOGOUT_REDIRECT_URL") or self.appbuilder.get_url_for_index)

    # ---- «Забыли пароль?» --------------------------------------------------------------------
    @expose("/password/forgot/", methods=["GET", "POST"])
    @limiter.limit(code_limit, methods=["POST"])
    def forgot_password(self):
        form = ForgotPasswordForm()
        if form.validate_on_submit():
            passwords.send_reset_code(form.destination.data)
            session[RESET_KEY] = form.destination.data
            flash(_("Если учетная запись с таким логином существует, код подтверждения отправлен на ее "
                    "подтвержденный адрес электронной почты или номер телефона."), "info")
            return redirect(url_for("KabinetAuthView.reset_by_code"))
        return self._form_page(form, _("Восстановление пароля"),
                               intro=_("Укажите логин: email, номер телефона, СНИЛС, ОГРН или ОГРНИП. Код "
                                       "подтверждения придет на подтвержденный адрес электронной почты (в письме "
                                       "есть и ссылка для смены пароля), а если адрес не подтвержден — в SMS."),
                               links=[(url_for("KabinetAuthView.login"), _("Вход в личный кабинет"))])

    @expose("/password/forgot/code/", methods=["GET", "POST"])
    @limiter.limit(login_limit, methods=["POST"])
    def reset_by_code(self):
        login = session.get(RESET_KEY)
        if not login:
            return redirect(url_for("KabinetAuthView.forgot_password"))
        form = ResetByCodeForm()
        if form.validate_on_submit():
            try:
                passwords.reset_by_code(login, form.code.data, form.password.data)
            except codes.CodeError as exc:
                refuse_under(exc, {form.code: exc.message})
            else:
                session.pop(RESET_KEY, None)
                flash(str(MSG_PASSWORD_SET), "success")
                return redirect(url_for("KabinetAuthView.login"))
        return self._form_page(form, _("Восстановление пароля"),
                               intro=_("Введите код подтверждения из письма или SMS и новый пароль. Логин: "
                                       "%(login)s.", login=login),
                               links=[(url_for("KabinetAuthView.forgot_password"), _("Отправить код повторно"))])

    def _password_by_link(self, purpose: str, token: str, title: str):
        try:
            row = codes.find_link(purpose, token)
        except codes.CodeError as exc:
            return self._render("accounts/message.html", title=title, message=exc.message,
                                links=[(url_for("KabinetAuthView.forgot_password"), _("Восстановить пароль"))])
        form = NewPasswordForm()
        if form.validate_on_submit():
            passwords.reset_by_link(purpose, token, form.password.data)
            flash(str(MSG_PASSWORD_SET), "success")
            return redirect(url_for("KabinetAuthView.login"))
        return self._form_page(form, title, intro=_("Логин: %(login)s", login=row.destination))

    @expose("/password/reset/<token>", methods=["GET", "POST"])
    @limiter.limit(login_limit, methods=["POST"])
    def reset_by_link(self, token):
        return self._password_by_link("reset_password", token, _("Восстановление пароля"))

    @expose("/password/set/<token>", methods=["GET", "POST"])
    @limiter.limit(login_limit, methods=["POST"])
    def set_by_link(self, token):
        return self._password_by_link("set_password", token, _("Установка пароля"))

    # ---- a signed-in user who has to set a password first ---------------------------------------
    @expose("/password/new/", methods=["GET", "POST"])
    def new_password(self):
        if not current_user.is_authenticated:
            return redirect(url_for("KabinetAuthView.login"))
        form = NewPasswordForm()
        if form.validate_on_submit():
            user = db.session.get(KabinetUser, current_user.id)
            passwords.reset_password(user, form.password.data, how="first")
            login_user(user)
            flash(_("Пароль установлен"), "success")
            return redirect(landing_url(user))
        return self._form_page(form, _("Установка пароля"),
                               intro=_("Установите пароль для входа в личный кабинет."))
