"""«Доверенные сертификаты УЦ» (issue 10): admins upload the CA certificates that signers'
chains are checked against. Thin: the rules live in workflows/documents/trust_store.py."""
from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import defer, joinedload

from app.extensions import db
from app.models import TrustedCertificate
from app.core.paging import page_number, paginate
from app.views.admin import ADMIN_CATEGORY, AreaAccess
from forms.documents import ConfirmForm, TrustedCertificateForm
from workflows.documents import trust_store
from workflows.documents.bounded import TooLarge, read_at_most
from app.core.areas import Area


PERMISSION = "TrustedCertificates"
MENU = "Доверенные сертификаты УЦ"
PER_PAGE = 50

#: FAB's Admin holds every permission; organization admins get this screen too
ROLE_PERMISSIONS = {"OrgAdmin": [("can_access", PERMISSION), ("menu_access", MENU)]}


class TrustedCertificatesView(AreaAccess, BaseView):
    """The list, «Добавить сертификат», «Отключить»/«Включить», «Удалить» with confirmation."""

    route_base = "/admin/trusted-certificates"
    default_view = "index"
    class_permission_name = PERMISSION

    def _render(self, form, status=200):
        query = (select(TrustedCertificate).options(defer(TrustedCertificate.der),
                                                     joinedload(TrustedCertificate.added_by))
                 .order_by(TrustedCertificate.subject, TrustedCertificate.id))
        page = paginate(query, page_number(), PER_PAGE)
        return self.render_template("admin/trusted_certificates.html", form=form, page=page,
                                    confirm=ConfirmForm()), status

    def _row(self, certificate_id: int) -> TrustedCertificate:
        return trust_store.get(certificate_id) or abort(404)

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
            data = read_at_most(form.file.data.stream, trust_store.MAX_FILE_BYTES)
            result = trust_store.add_certificates(data, current_user)
        except TooLarge as exc:
            form.file.errors.append(_("Файл слишком большой: не более %(mb)s МБ", mb=exc.megabytes))
        except trust_store.TrustStoreError as exc:
            form.file.errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("Добавлено сертификатов: %(n)s", n=len(result.added)), "success")
            for reason in result.skipped:
                flash(reason, "warning")
            return redirect(url_for(".index"))
        db.session.rollback()
        return self._render(form, 400)

    @expose("/<int:certificate_id>/delete", methods=["GET", "POST"])
    @has_access
    def delete(self, certificate_id):
        row = self._row(certificate_id)
        form = ConfirmForm()
        if request.method == "GET":
            return self.render_template("admin/trusted_certificate_delete.html", row=row, form=form)
        if not form.validate_on_submit():
            abort(400)
        trust_store.remove(row.id, current_user)
        db.session.commit()
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
        row = self._row(certificate_id)
        if not ConfirmForm().validate_on_submit():
            abort(400)
        trust_store.set_active(row.id, active, current_user)
        db.session.commit()
        flash(_("Сертификат включён") if active else _("Сертификат отключён: подписи по нему не проверяются"),
              "success")
        return redirect(url_for(".index"))


def register(appbuilder) -> None:
    """The screen sits in «Администрирование», after the admin area's own entries."""
    appbuilder.add_view(TrustedCertificatesView(), MENU, icon="fa-certificate", category=ADMIN_CATEGORY)


AREA = Area(
    "trusted_certificates",
    register=register,
    permissions=ROLE_PERMISSIONS,
    seeders=(),
    notifications=(),
)
