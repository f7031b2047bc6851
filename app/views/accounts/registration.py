"""Registration pages (A1, A2, A7): register, the captcha picture, confirm the phone by SMS
code, send the code again, confirm the email by link."""
from flask import Response, flash, redirect, request, session, url_for
from flask_appbuilder import BaseView, expose
from flask_babel import gettext as _
from flask_login import current_user

from app.core.identifiers import mask_phone
from app.core.settings import get_setting
from app.extensions import db, limiter
from app.models import KabinetUser
from app.views.accounts.common import code_limit, login_limit, refuse_under
from app.web.boundary import refused
from forms.accounts import CodeForm, RegistrationForm, ResendForm
from workflows.accounts import captcha, passwords, registration
from workflows.accounts.codes import CodeError, CodeThrottled
from workflows.accounts.registration import DuplicateError

PENDING_KEY = "kb_pending_uid"
CAPTCHA_KEY = "kb_captcha"
CAPTCHA_RATE_LIMIT = "30 per minute"

#: the registration form's fields in page order, and the hint under each
FIELD_ORDER = ("snils", "inn", "ogrnip", "ogrn", "kpp", "org_name", "last_name", "first_name", "middle_name",
               "email", "phone")


def _help_texts() -> dict:
    return {
        "snils": _("11 цифр, например 049-114-804 49"),
        "inn": _("12 цифр для физического лица и ИП, 10 цифр для юридического лица"),
        "kpp": _("9 символов"),
        "org_name": _("Наименование ИП или организации"),
        "phone": _("+7 (XXX) XXX-XX-XX — на него придет код подтверждения"),
    }


def _registration_layout(form: RegistrationForm) -> tuple[list[str], dict]:
    """Field order and, per field, the legal forms that show / require it."""
    helps = _help_texts()
    layout = {name: {"shown": [], "required": [], "help": helps.get(name)} for name in FIELD_ORDER}
    for legal_form, (required, optional) in form.FIELDS_BY_FORM.items():
        for name in required:
            layout[name]["shown"].append(legal_form.value)
            layout[name]["required"].append(legal_form.value)
        for name in optional:
            layout[name]["shown"].append(legal_form.value)
    return list(FIELD_ORDER), layout


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
        # one try per picture, used up at once even when the registration is refused
        captcha_solved = bool(request.method == "POST" and captcha_required and captcha.solve(
            session.pop(CAPTCHA_KEY, None), request.form.get("captcha")))
        form = RegistrationForm(captcha_solved=captcha_solved, captcha_required=captcha_required)
        if form.validate_on_submit():
            try:
                user = registration.register_consumer(
                    legal_form=form.form_choice, email=form.email.data, phone=form.phone.data,
                    password=form.password.data, profile=form.profile_data(),
                )
            except DuplicateError as exc:
                refuse_under(exc, {form[field]: message for field, message in exc.errors.items()})
            except CodeThrottled as exc:
                refuse_under(exc, {form.phone: exc.message})
            else:
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
            except CodeError as exc:
                refuse_under(exc, {form.code: exc.message})
            else:
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
                                    link_hours=registration.email_link_hours())

    @expose("/resend/", methods=["POST"])
    @limiter.limit(code_limit)
    def resend(self):
        user = self._pending_user()
        if user is None or user.phone_confirmed_at is not None:
            return redirect(url_for("RegistrationView.register"))
        form = ResendForm()
        if not form.validate_on_submit():
            for message in form.phone.errors:
                flash(message, "danger")
            return redirect(url_for("RegistrationView.confirm"))
        try:
            registration.resend_phone_code(user, form.phone.data)
        except (DuplicateError, CodeThrottled) as exc:
            refused(exc)
        else:
            flash(_("Код подтверждения отправлен на номер %(phone)s.", phone=mask_phone(user.phone)), "info")
        return redirect(url_for("RegistrationView.confirm"))

    @expose("/email/<token>")
    def confirm_email_link(self, token):
        try:
            registration.confirm_email_by_link(token)
        except CodeError as exc:
            refused(exc, flash_message=False)
            return self.render_template(
                "accounts/message.html", title=_("Подтверждение адреса электронной почты"), message=exc.message,
                hint=_("Новое письмо со ссылкой можно запросить в разделе «Мои данные» после входа."),
                links=[(url_for("ProfileView.profile"), _("Перейти в «Мои данные»"))])
        flash(_("Адрес электронной почты подтвержден"), "success")
        if current_user.is_authenticated:
            return redirect(url_for("ProfileView.profile"))
        return redirect(url_for("KabinetAuthView.login"))
