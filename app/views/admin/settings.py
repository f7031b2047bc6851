"""«Данные и настройки» (F2): one form over every organization setting, and a test message
through the configured gateway. The commands are workflows/admin/settings.py."""
from flask import flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext as _

from app.core.files import UploadRejected
from app.core.identifiers import InvalidIdentifier
from app.views.admin.common import AdminView, acting_user
from app.web.boundary import refused
from forms.admin import TestMessageForm, settings_form_class
from workflows.admin import settings as service


class SettingsView(AdminView):
    """«Данные и настройки»: one form over every organization setting."""

    route_base = "/admin/settings"

    def _render(self, form, test_form, status=200):
        return self.render_template("admin/settings.html", form=form, test_form=test_form,
                                    sections=service.sections(), logo_url=service.logo_url(),
                                    gateway_section=service.GATEWAY_SECTION,
                                    gateway_locked=not service.can_change_gateway(acting_user())), status

    @staticmethod
    def _stored_form(form_class, **kwargs):
        return form_class(data={**service.current_values(), "loaded": service.fingerprint()}, **kwargs)

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self):
        form_class = settings_form_class(service.editable_specs())
        if request.method == "GET":
            return self._render(self._stored_form(form_class), TestMessageForm())
        form = form_class()
        if not form.validate_on_submit():
            return self._render(form, TestMessageForm(formdata=None), 400)
        values = {spec.key: form[spec.key].data for spec in service.editable_specs() if spec.kind != "image"}
        try:
            changes = service.update_settings(values, loaded=form.loaded.data, code=form.gateway_totp.data,
                                              logo=request.files.get("org_logo"), actor=acting_user())
        except service.SettingsChanged as exc:
            refused(exc)
            return self._render(form, TestMessageForm(formdata=None), 409)
        except service.GatewayChangeRefused as exc:
            # nothing was saved; returning normally keeps the audit record of the refused attempt
            form.gateway_totp.errors = [exc.message]
            if not service.can_change_gateway(acting_user()):
                flash(exc.message, exc.category)  # the code field is not shown to an admin without TOTP
            return self._render(form, TestMessageForm(formdata=None), 400)
        except UploadRejected as exc:  # refused before anything was written
            form.org_logo.errors = [exc.message]
            return self._render(form, TestMessageForm(formdata=None), 400)
        flash(_("Изменения сохранены") if changes else _("Изменений нет"), "success")
        return redirect(url_for(".index"))

    @expose("/test", methods=["POST"])
    @has_access
    def test_message(self):
        test_form = TestMessageForm()
        form = self._stored_form(settings_form_class(service.editable_specs()), formdata=None)
        if not test_form.validate_on_submit():
            return self._render(form, test_form, 400)
        try:
            service.send_test_message(test_form.channel.data, test_form.recipient.data, actor=acting_user())
        except InvalidIdentifier as exc:  # refused before anything was written
            test_form.recipient.errors.append(str(exc))
            return self._render(form, test_form, 400)
        flash(_("Тестовое сообщение поставлено в очередь отправки"), "success")
        return redirect(url_for(".index"))
