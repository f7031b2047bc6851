"""«Мои данные» of a consumer (A5): the profile, notification settings, a new phone or email
confirmed by a code, the email confirmation letter again."""
from flask import flash, redirect, request, session, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import db, limiter
from app.models import KabinetUser, LegalForm
from app.views.accounts.common import code_limit, login_limit, refuse_under
from app.web.boundary import refused
from forms.accounts import (READ_ONLY, CodeForm, EmailForm, NotificationsForm, PhoneForm, SendLinkForm,
                            profile_form_class, profile_sections)
from workflows.accounts import registration
from workflows.accounts.codes import CodeError, CodeThrottled
from workflows.accounts.profile import (REQUIRED_FIELDS, change_notifications, confirm_contact,
                                        missing_profile_fields, send_contact_code, update_profile)
from workflows.accounts.registration import DuplicateError

CONTACT_KEY = "kb_contact"
MSG_INCOMPLETE = _l("Внимание! Для подачи заявки необходимо заполнить все обязательные поля")


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
            update_profile(consumer, {f.name: f.data for f in form if f.name not in ("submit", "csrf_token")})
            flash(_("Данные сохранены"), "success")
            return redirect(url_for("ProfileView.profile"))
        missing = missing_profile_fields(consumer)
        return self.render_template(
            "accounts/profile.html", form=form, sections=profile_sections(form, legal_form), consumer=consumer,
            user=user, required=REQUIRED_FIELDS[legal_form], read_only=READ_ONLY[legal_form], missing=missing,
            incomplete_message=MSG_INCOMPLETE if missing else None,
            notify_form=NotificationsForm(obj=user, formdata=None), link_form=SendLinkForm(formdata=None),
            legal_forms=LegalForm,
        )

    @expose("/notify-settings/", methods=["POST"])
    @has_access
    def notifications(self):
        user, _consumer = self._consumer()
        form = NotificationsForm()
        if form.validate_on_submit():
            change_notifications(user, email=form.notify_email.data, sms=form.notify_sms.data)
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
                row = send_contact_code(user, kind, value)
            except DuplicateError as exc:
                refuse_under(exc, {form[kind]: exc.errors[kind]})
            except CodeThrottled as exc:
                refuse_under(exc, {form[kind]: exc.message})
            else:
                session[CONTACT_KEY] = {"kind": kind, "value": row.destination}
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
            except CodeThrottled as exc:
                refused(exc)
            else:
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
            except DuplicateError as exc:
                refuse_under(exc, {form.code: exc.errors[kind]})
            except CodeError as exc:
                refuse_under(exc, {form.code: exc.message})
            else:
                session.pop(CONTACT_KEY, None)
                flash(str(message), "success")
                return redirect(url_for("ProfileView.profile"))
        return self.render_template("accounts/form.html", form=form, title=_("Код подтверждения"),
                                    intro=_("Введите код, отправленный на %(dest)s.", dest=state["value"]),
                                    links=[(url_for("ProfileView.contact", kind=kind), _("Отправить код повторно"))])
