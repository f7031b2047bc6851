"""«Выгрузка в биллинг» and «Токены интеграции» (D1, org admins and admins).

The export page offers, per kind, the rows after a cursor as CSV or JSON; the cursor field holds
the one after the last download made from this page (kept in the settings table,
workflows/billing/exports.py). A token is shown once, on the page answering «Создать токен».
"""
from flask import Response, flash, redirect, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.errors import KabinetError
from app.core.paging import page_number
from app.security.roles import ORG_ADMIN
from app.views.documents.common import attachment_headers
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.billing.exchange import ConfirmForm, ExportForm, TokenForm
from workflows.billing import exports, tokens

EXPORT_PERMISSION = "BillingExports"
EXPORT_MENU = "Выгрузка в биллинг"
TOKEN_PERMISSION = "IntegrationTokens"
TOKEN_MENU = "Токены интеграции"
PER_PAGE = 50


def _export_forms(overview, sent: tuple[str, ExportForm] | None = None) -> dict:
    """One form per kind (prefixed with it), its cursor the one after the last download; the
    form that was sent as it was typed."""
    forms = {}
    for row in overview:
        if sent is not None and sent[0] == row["kind"]:
            forms[row["kind"]] = sent[1]
        else:
            forms[row["kind"]] = ExportForm(formdata=None, prefix=row["kind"], after=str(row["cursor"]))
    return forms


@one_permission
class BillingExportsView(BaseView):
    """Per kind: how many rows wait after the remembered cursor, and the download form."""

    route_base = "/billing/exports"
    default_view = "index"
    class_permission_name = EXPORT_PERMISSION

    def _render(self, sent=None, status=200):
        overview = exports.overview()
        return self.render_template("billing/exchange/exports.html", overview=overview,
                                    forms=_export_forms(overview, sent)), status

    @expose("/")
    @has_access
    def index(self):
        return self._render()

    @expose("/<kind>/download", methods=["POST"])
    @has_access
    def download(self, kind):
        exports.ensure_kind(kind)
        form = ExportForm(prefix=kind)
        if not form.validate_on_submit():
            return self._render((kind, form), 400)
        try:
            result = exports.download(kind, form.after.data.strip(), form.limit.data.strip(),
                                      form.file_format.data, actor=current_user)
        except KabinetError as exc:
            refused(exc, flash_message=False)
            form.after.errors.append(exc.message)
            return self._render((kind, form), 400)
        headers = attachment_headers(result.filename)
        headers["X-Next-Cursor"] = str(result.next_cursor)
        return Response(result.body, mimetype=result.media_type, headers=headers)


@one_permission
class IntegrationTokensView(BaseView):
    """The tokens (name, prefix, created, last used, revoked), «Создать токен», «Отозвать»."""

    route_base = "/billing/tokens"
    default_view = "index"
    class_permission_name = TOKEN_PERMISSION

    def _render(self, form, status=200, created=None, secret=None):
        response = self.render_template("billing/exchange/tokens.html", form=form, confirm=ConfirmForm(),
                                        page=tokens.listing(page_number(), PER_PAGE), created=created,
                                        secret=secret)
        return Response(response, status=status, headers={"Cache-Control": "no-store"})

    @expose("/")
    @has_access
    def index(self):
        return self._render(TokenForm(formdata=None))

    @expose("/create", methods=["POST"])
    @has_access
    def create(self):
        form = TokenForm()
        if not form.validate_on_submit():
            return self._render(form, 400)
        token, secret = tokens.create(form.name.data, actor=current_user)
        return self._render(TokenForm(formdata=None), created=token, secret=secret)

    @expose("/<int:token_id>/revoke", methods=["POST"])
    @has_access
    def revoke(self, token_id):
        if not ConfirmForm().validate_on_submit():
            raise KabinetError()
        token = tokens.revoke(token_id, actor=current_user)
        flash(_("Токен «%(name)s» отозван: запросы с ним больше не принимаются", name=token.name), "success")
        return redirect(url_for(".index"))


VIEWS = ()
MENU_LINKS = ()
PERMISSIONS: dict = {ORG_ADMIN: [("can_access", EXPORT_PERMISSION), ("menu_access", EXPORT_MENU),
                                 ("can_access", TOKEN_PERMISSION), ("menu_access", TOKEN_MENU)]}
ADMIN_VIEWS = ((BillingExportsView, EXPORT_MENU, "fa-download"), (IntegrationTokensView, TOKEN_MENU, "fa-key"))
