"""«Доверенные сертификаты УЦ» (issue 10): admins upload the CA certificates that signers'
chains are checked against. Thin: the rules live in workflows/documents/trust_store.py."""
from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.paging import page_number
from app.web.permissions import one_permission
from app.web.boundary import refused
from forms.documents import ConfirmForm, TrustedCertificateForm
from workflows.documents import queries, trust_store
from workflows.documents.bounded import TooLarge

PERMISSION = "TrustedCertificates"
MENU = "Доверенные сертификаты УЦ"
PER_PAGE = 50


@one_permission
class TrustedCertificatesView(BaseView):
    """The list, «Добавить сертификат», «Отключить»/«Включить», «Удалить» with confirmation."""

    route_base = "/admin/trusted-certificates"
    default_view = "index"
    class_permission_name = PERMISSION

    def _render(self, form, status=200):
        page = queries.trusted_certificates(page_number(), PER_PAGE)
        return self.render_template("documents/trusted_certificates.html", form=form, page=page,
                                    confirm=ConfirmForm()), status

    @expose("/")
    @has_access
    def index(self):
        return self._render(TrustedCertificateForm(formdata=None))

    @expose("/add", methods=["POST"])
    @has_access
    def add(self):
        form = TrustedCertificateForm()
        if not form.validate_on_submit():
            return self._render(form, 400)
        try:
            result = trust_store.add_from_upload(form.file.data.stream, current_user)
        except (TooLarge, trust_store.TrustStoreError) as exc:
            refused(exc, flash_message=False)
            form.file.errors.append(exc.message)
            return self._render(form, 400)
        flash(_("Добавлено сертификатов: %(n)s", n=len(result.added)), "success")
        for reason in result.skipped:
            flash(reason, "warning")
        return redirect(url_for(".index"))

    @expose("/<int:certificate_id>/delete", methods=["GET", "POST"])
    @has_access
    def delete(self, certificate_id):
        row = queries.trusted_certificate(certificate_id)
        form = ConfirmForm()
        if request.method == "GET":
            return self.render_template("documents/trusted_certificate_delete.html", row=row, form=form)
        if not form.validate_on_submit():
            abort(400)
        trust_store.remove(row.id, current_user)
        flash(_("Сертификат удалён из списка доверенных"), "success")
        return redirect(url_for(".index"))

    @expose("/<int:certificate_id>/disable", methods=["POST"])
    @has_access
    def disable(self, certificate_id):
        return self._set_active(certificate_id, False)

    @expose("/<int:certificate_id>/enable", methods=["POST"])
    @has_access
    def enable(self, certificate_id):
        return self._set_active(certificate_id, True)

    def _set_active(self, certificate_id: int, active: bool):
        row = queries.trusted_certificate(certificate_id)
        if not ConfirmForm().validate_on_submit():
            abort(400)
        trust_store.set_active(row.id, active, current_user)
        flash(_("Сертификат включён") if active else _("Сертификат отключён: подписи по нему не проверяются"),
              "success")
        return redirect(url_for(".index"))
