"""Views of the accounts area: registration and confirmation (A1, A2, A7), «Мои данные»
(A5), password change and two-factor login (A4, A10). Sign-in pages live in
app/security/auth_views.py. Views are thin; rules are in workflows/accounts/."""
from flask import Response, current_app, flash, redirect, request, session, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user

from app.extensions import db, limiter
from app.core.identifiers import mask_phone
from app.models import KabinetUser, LegalForm
from app.security.auth_views import MSG_TOTP_WRONG, code_limit, login_limit
from app.core.settings import get_setting
from forms.auth import ChangePasswordForm, CodeForm, RegistrationForm, ResendForm, SendLinkForm, TotpForm
from forms.profile import (
    READ_ONLY,
    EmailForm,
    NotificationsForm,
    PhoneForm,
    profile_form_class,
    profile_sections,
)
from workflows.accounts import captcha, codes, passwords, registration, totp
from workflows.accounts.profile import CONTACTS, REQUIRED_FIELDS, confirm_contact, missing_profile_fields
from workflows.accounts.profile import send_contact_code, update_profile
from app.core.areas import Area


PENDING_KEY = "kb_pending_uid"
CAPTCHA_KEY = "kb_captcha"
CAPTCHA_RATE_LIMIT = "30 per minute"
CONTACT_KEY = "kb_contact"

#: Consumers see «Мои данные» in the menu; everyone reaches password and 2FA pages
ROLE_PERMISSIONS = {
    "Consumer": [("menu_access", "MyProfile")],
}

MSG_INCOMPLETE = _l("Внимание! Для подачи заявки необходимо заполнить все обязательные поля")


def _registration_layout(form: RegistrationForm) -> tuple[list[str], dict]:
    """Field order and, per field, the legal forms that show / require it."""
    order = ["snils", "inn", "ogrnip", "ogrn", "kpp", "org_name", "last_name", "first_name", "middle_name",
             "email", "phone"]
    layout = {name: {"shown": [], "required": [], "help": None} for name in order}
    for legal_form, (required, optional) in form.FIELDS_BY_FORM.items():
        for name in required:
            layout[name]["shown"].append(legal_form.value)
            layout[name]["required"].append(legal_form.value)
        for name in optional:
            layout[name]["shown"].append(legal_form.value)
    layout["snils"]["help"] = _("11 цифр, например 049-114-804 49")
    layout["inn"]["help"] = _("12 цифр для физического лица и ИП, 10 цифр для юридического лица")
    layout["kpp"]["help"] = _("9 символов")
    layout["org_name"]["help"] = _("Наименование ИП или организации")
    layout["phone"]["help"] = _("+7 (XXX) XXX-XX-XX — на него придет код подтверждения")
    return order, layout


class RegistrationView(BaseView):
    """Public pages: register, confirm the phone by SMS code, confirm the email by link."""

    route_base = "/register"
    default_view = "register"

    def _pending_user(self) -> KabinetUser | None:
        if current_user.is_authenticated:
            return db.session.get(KabinetUser, current_user.id)
        uid = session.get(PENDING_KEY)
        return db.session.get(KabinetUser, uid) if uid else None

    @expose("/", methods=["GET", "POST"])
    @limiter.limit(login_limit, methods=["POST"])  # the SMS it sends is capped by the code limits
    def register(self):
        if current_user.is_authenticated:
            return redirect(url_for("KabinetIndexView.index"))
        captcha_required = bool(get_setting("captcha_enabled"))
        captcha_solved = False
        if request.method == "POST" and captcha_required:
            # one try per picture, used up at once: a failure below rolls back, the try stays
            captcha_solved = captcha.solve(session.pop(CAPTCHA_KEY, None), request.form.get("captcha"))
            db.session.commit()
        form = RegistrationForm(captcha_solved=captcha_solved, captcha_required=captcha_required)
        if form.validate_on_submit():
            try:
                user = registration.register_consumer(
                    legal_form=form.form_choice, email=form.email.data, phone=form.phone.data,
                    password=form.password.data, profile=form.profile_data(),
                )
            except registration.DuplicateError as exc:
                db.session.rollback()
                for field, message in exc.errors.items():
                    form[field].errors = [message]
            except codes.CodeThrottled as exc:
                db.session.rollback()
                form.phone.errors = [exc.message]
            else:
                db.session.commit()
                session[PENDING_KEY] = user.id
                flash(_("На номер %(phone)s отправлен код подтверждения.", phone=mask_phone(user.phone)), "info")
                return redirect(url_for("RegistrationView.confirm"))
        order, layout = _registration_layout(form)
        return self.render_template(
            "accounts/register.html", form=form, order=order, layout=layout, current_form=form.form_choice.value,
            captcha_required=captcha_required, password_help=passwords.password_problem(""),
        )

    @expose("/captcha.png")
    @limiter.limit(CAPTCHA_RATE_LIMIT)  # each picture is a row until it is used or expires
    def captcha_image(self):
        from captcha.image import ImageCaptcha

        token, text = captcha.new_challenge(replacing=session.get(CAPTCHA_KEY))
        db.session.commit()
        session[CAPTCHA_KEY] = token  # the answer stays on the server (the cookie is readable)
        data = ImageCaptcha(width=200, height=70).generate(text).getvalue()
        return Response(data, mimetype="image/png", headers={"Cache-Control": "no-store"})

    @expose("/confirm/", methods=["GET", "POST"])
    @limiter.limit(login_limit, methods=["POST"])
    def confirm(self):
        user = self._pending_user()
        if user is None:
            return redirect(url_for("RegistrationView.register"))
        if user.phone_confirmed_at is not None:
            return redirect(url_for("KabinetIndexView.index"))
        form = CodeForm()
        if form.validate_on_submit():
            try:
                registration.confirm_phone(user, form.code.data)
            except codes.CodeError as exc:
                db.session.commit()  # keep the attempt count
                form.code.errors.append(exc.message)
            else:
                db.session.commit()
                session.pop(PENDING_KEY, None)
                if current_user.is_authenticated:
                    flash(_("Номер телефона подтвержден."), "success")
                    return redirect(url_for("ProfileView.profile"))
                flash(_("Номер телефона подтвержден. Регистрация завершена, войдите в личный кабинет."), "success")
                return redirect(url_for("KabinetAuthView.login"))
        resend = ResendForm(formdata=None, data={"phone": user.phone})
        return self.render_template("accounts/confirm_phone.html", form=form, resend=resend,
                                    phone=mask_phone(user.phone), email=user.email,
                                    email_confirmed=user.email_confirmed_at is not None,
                                    link_hours=registration.EMAIL_LINK_TTL_SECONDS // 3600)

    @expose("/resend/", methods=["POST"])
    @limiter.limit(code_limit)
    def resend(self):
        user = self._pending_user()
        if user is None or user.phone_confirmed_at is not None:
            return redirect(url_for("RegistrationView.register"))
        form = ResendForm()
        if form.validate_on_submit():
            try:
                registration.resend_phone_code(user, form.phone.data)
            except registration.DuplicateError as exc:
                db.session.rollback()
                flash(exc.errors["phone"], "danger")
            except codes.CodeThrottled as exc:
                db.session.rollback()
                flash(exc.message, "danger")
            else:
                db.session.commit()
                flash(_("Код подтверждения отправлен на номер %(phone)s.", phone=mask_phone(user.phone)), "info")
        else:
            for message in form.phone.errors:
                flash(message, "danger")
        return redirect(url_for("RegistrationView.confirm"))

    @expose("/email/<token>")
    def confirm_email_link(self, token):
        try:
            registration.confirm_email_by_link(token)
        except codes.CodeError as exc:
            db.session.rollback()
            return self.render_template(
                "accounts/message.html", title=_("Подтверждение адреса электронной почты"), message=exc.message,
                hint=_("Новое письмо со ссылкой можно запросить в разделе «Мои данные» после входа."),
                links=[(url_for("ProfileView.profile"), _("Перейти в «Мои данные»"))])
        db.session.commit()
        flash(_("Адрес электронной почты подтвержден"), "success")
        if current_user.is_authenticated:
            return redirect(url_for("ProfileView.profile"))
        return redirect(url_for("KabinetAuthView.login"))


class ProfileView(BaseView):
    """«Мои данные» of a consumer, and the change of phone or email by a code."""

    route_base = "/my"
    default_view = "profile"
    class_permission_name = "ConsumerCabinet"
    method_permission_name = {name: "access" for name in (
        "profile", "contact", "contact_confirm", "notifications", "email_link")}

    def _consumer(self):
        user = db.session.get(KabinetUser, current_user.id)
        return user, user.consumer

    @expose("/profile/", methods=["GET", "POST"])
    @has_access
    def profile(self):
        user, consumer = self._consumer()
        if consumer is None:
            return redirect(url_for("SecurityView.security"))
        legal_form = consumer.form
        form = profile_form_class(legal_form)(obj=consumer)
        if form.validate_on_submit():
            values = {f.name: f.data for f in form if f.name not in ("submit", "csrf_token")}
            update_profile(consumer, values)
            db.session.commit()
            flash(_("Данные сохранены"), "success")
            return redirect(url_for("ProfileView.profile"))
        missing = missing_profile_fields(consumer)
        notify_form = NotificationsForm(obj=user, formdata=None)
        return self.render_template(
            "accounts/profile.html", form=form, sections=profile_sections(form, legal_form), consumer=consumer,
            user=user, required=REQUIRED_FIELDS[legal_form], read_only=READ_ONLY[legal_form], missing=missing,
            incomplete_message=MSG_INCOMPLETE if missing else None, notify_form=notify_form,
            link_form=SendLinkForm(formdata=None),
            legal_forms=LegalForm,
        )

    @expose("/notify-settings/", methods=["POST"])
    @has_access
    def notifications(self):
        user, _consumer = self._consumer()
        form = NotificationsForm()
        if form.validate_on_submit():
            from app.core import audit

            before = {"notify_email": user.notify_email, "notify_sms": user.notify_sms}
            user.notify_email, user.notify_sms = form.notify_email.data, form.notify_sms.data
            audit.record("account.notifications_changed", user, before=before,
                         after={"notify_email": user.notify_email, "notify_sms": user.notify_sms})
            db.session.commit()
            flash(_("Настройки уведомлений сохранены"), "success")
        return redirect(request.referrer if request.referrer and "/my/" in request.referrer
                        else url_for("ProfileView.profile"))

    @expose("/<any(phone, email):kind>/", methods=["GET", "POST"])
    @has_access
    @limiter.limit(code_limit, methods=["POST"])
    def contact(self, kind):
        user, _consumer = self._consumer()
        form = PhoneForm() if kind == "phone" else EmailForm()
        if form.validate_on_submit():
            value = form[kind].data
            try:
                send_contact_code(user, kind, value)
            except registration.DuplicateError as exc:
                db.session.rollback()
                form[kind].errors = [exc.errors[kind]]
            except codes.CodeThrottled as exc:
                db.session.rollback()
                form[kind].errors = [exc.message]
            else:
                db.session.commit()
                session[CONTACT_KEY] = {"kind": kind, "value": codes.normalize_destination(CONTACTS[kind][1], value)}
                flash(_("Код подтверждения отправлен на %(dest)s", dest=value), "info")
                return redirect(url_for("ProfileView.contact_confirm", kind=kind))
        title = _("Изменение номера телефона") if kind == "phone" else _("Изменение адреса электронной почты")
        return self.render_template("accounts/form.html", form=form, title=title,
                                    intro=_("Код подтверждения из сообщения действителен в течение 5 минут."),
                                    links=[(url_for("ProfileView.profile"), _("Вернуться к «Мои данные»"))])

    @expose("/email/link/", methods=["POST"])
    @has_access
    @limiter.limit(code_limit)
    def email_link(self):
        """«Отправить письмо повторно»: a new link confirming the unconfirmed email."""
        user, _consumer = self._consumer()
        if SendLinkForm().validate_on_submit() and user.email_confirmed_at is None:
            try:
                registration.send_email_link(user)
            except codes.CodeThrottled as exc:
                db.session.rollback()
                flash(exc.message, "danger")
            else:
                db.session.commit()
                flash(_("Письмо со ссылкой для подтверждения отправлено на %(email)s. Перейдите по ссылке из "
                        "письма.", email=user.email), "info")
        return redirect(url_for("ProfileView.profile"))

    @expose("/<any(phone, email):kind>/confirm/", methods=["GET", "POST"])
    @has_access
    @limiter.limit(login_limit, methods=["POST"])
    def contact_confirm(self, kind):
        state = session.get(CONTACT_KEY)
        if not state or state.get("kind") != kind:
            return redirect(url_for("ProfileView.contact", kind=kind))
        user, _consumer = self._consumer()
        form = CodeForm()
        form.submit.label.text = _("Сохранить")
        if form.validate_on_submit():
            try:
                message = confirm_contact(user, kind, state["value"], form.code.data)
            except registration.DuplicateError as exc:
                db.session.rollback()
                form.code.errors.append(exc.errors[kind])
            except codes.CodeError as exc:
                db.session.commit()
                form.code.errors.append(exc.message)
            else:
                db.session.commit()
                session.pop(CONTACT_KEY, None)
                flash(str(message), "success")
                return redirect(url_for("ProfileView.profile"))
        return self.render_template("accounts/form.html", form=form, title=_("Код подтверждения"),
                                    intro=_("Введите код, отправленный на %(dest)s.", dest=state["value"]),
                                    links=[(url_for("ProfileView.contact", kind=kind), _("Отправить код повторно"))])


class SecurityView(BaseView):
    """Password change and two-factor login, for every signed-in user."""

    route_base = "/my"
    default_view = "security"
    class_permission_name = "AccountSecurity"
    method_permission_name = {name: "access" for name in ("security", "change_password", "totp", "totp_disable")}

    @expose("/security/")
    @has_access
    def security(self):
        user = db.session.get(KabinetUser, current_user.id)
        return self.render_template("accounts/security.html", user=user, totp_required=totp.totp_required(user),
                                    notify_form=NotificationsForm(obj=user, formdata=None),
                                    disable_form=TotpForm(formdata=None))

    @expose("/password/", methods=["GET", "POST"])
    @has_access
    @limiter.limit(login_limit, methods=["POST"])
    def change_password(self):
        user = db.session.get(KabinetUser, current_user.id)
        form = ChangePasswordForm()
        if form.validate_on_submit():
            try:
                passwords.change_password(user, form.current.data, form.password.data)
            except ValueError as exc:
                db.session.rollback()
                form.current.errors.append(str(exc))
            else:
                db.session.commit()
                login_user(user, remember=bool(request.cookies.get(current_app.config.get(
                    "REMEMBER_COOKIE_NAME", "remember_token"))))
                flash(_("Пароль изменен"), "success")
                return redirect(url_for("ProfileView.profile") if user.is_consumer else url_for("SecurityView.security"))
        return self.render_template("accounts/form.html", form=form, title=_("Изменить пароль"),
                                    intro=_("Для смены пароля необходимо знать действующий пароль. "
                                            "После смены пароля вход на других устройствах будет завершен."))

    @expose("/security/totp/", methods=["GET", "POST"])
    @has_access
    @limiter.limit(login_limit, methods=["POST"])
    def totp(self):
        user = db.session.get(KabinetUser, current_user.id)
        if user.totp_enabled:
            return redirect(url_for("SecurityView.security"))
        totp.start_enrolment(user)
        db.session.commit()
        form = TotpForm()
        if form.validate_on_submit():
            if totp.enable_totp(user, form.code.data):
                db.session.commit()
                flash(_("Двухфакторный вход включен"), "success")
                return redirect(url_for("SecurityView.security"))
            db.session.commit()  # keep the counted try
            form.code.errors.append(totp.lock_message(user) or str(MSG_TOTP_WRONG))
        return self.render_template("accounts/totp.html", form=form, qr=totp.qr_svg(user), secret=user.totp_secret,
                                    required=totp.totp_required(user))

    @expose("/security/totp/disable/", methods=["POST"])
    @has_access
    @limiter.limit(login_limit)
    def totp_disable(self):
        user = db.session.get(KabinetUser, current_user.id)
        form = TotpForm()
        if totp.totp_required(user):
            flash(_("Двухфакторный вход обязателен для сотрудников"), "danger")
        elif form.validate_on_submit() and totp.verify_totp(user, form.code.data):
            totp.disable_totp(user)
            db.session.commit()
            flash(_("Двухфакторный вход отключен"), "success")
        else:
            db.session.commit()  # keep the counted try
            flash(totp.lock_message(user) or str(MSG_TOTP_WRONG), "danger")
        return redirect(url_for("SecurityView.security"))


def _too_many_requests(error):
    from flask import render_template

    return render_template("accounts/message.html", title=_("Слишком много попыток"),
                           message=_("Слишком много попыток. Повторите попытку позже."),
                           appbuilder=current_app.appbuilder), 429


def register(appbuilder) -> None:
    """Add this area's views and menu entries."""
    from app.web.gate import init_gate

    appbuilder.add_view_no_menu(RegistrationView())
    appbuilder.add_view_no_menu(ProfileView())
    appbuilder.add_view_no_menu(SecurityView())
    appbuilder.add_link("MyProfile", label=_l("Мои данные"), href="/my/profile/", icon="fa-id-card")
    app = current_app._get_current_object()
    init_gate(app)
    app.register_error_handler(429, _too_many_requests)


AREA = Area(
    "accounts",
    register=register,
    permissions=ROLE_PERMISSIONS,
    seeders=(),
    notifications=("account_code", "account_confirm_email", "account_password_changed", "account_password_setup", "account_registered"),
)
