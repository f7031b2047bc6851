"""Sign-in through external OpenID Connect providers (A9) beside the password login: the
provider buttons on the login page, the redirect there and back, the linking page where an
unknown identity is linked only after the user signs in with the account's password;
«Вход через внешние сервисы» (link list, «Отвязать») for the signed-in user; and the admins'
providers under «Администрирование». Thin: workflows/accounts/oidc*.py decide."""
from flask import current_app, flash, redirect, request, session, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.errors import KabinetError
from app.extensions import db, limiter
from app.models import OidcProvider
from app.security.access import ensure_organization_row, ensure_own_oidc_identity
from app.security.roles import ORG_ADMIN
from app.views.accounts.common import code_limit, login_limit, refuse_under
from app.views.accounts.signin import finish_login
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.accounts import CodeForm, CodeRequestForm, LoginForm
from forms.oidc import ButtonForm, OidcProviderForm
from workflows.accounts import codes, oidc
from workflows.accounts.login import send_login_code
from workflows.accounts.oidc_providers import provider_list, save_provider
from workflows.admin import FieldErrors

#: session keys: the sign-in under way at the provider; the identity waiting for its proof
FLOW_KEY = "kb_oidc_flow"
PENDING_KEY = "kb_oidc_pending"
PERMISSION = "OidcProvidersAdmin"
MENU = "Вход через внешние сервисы"


class OidcSignInView(BaseView):
    """Open to everyone: the sign-in itself proves who the user is."""

    route_base = "/login/oidc"

    @expose("/<int:provider_id>/")
    @limiter.limit(login_limit)
    def start(self, provider_id):
        provider = oidc.enabled_provider(provider_id)
        url, flow = oidc.start(provider)
        session[FLOW_KEY] = flow
        return redirect(url)

    @expose("/callback")
    def callback(self):
        flow = session.pop(FLOW_KEY, None)
        try:
            provider, subject = oidc.finish(flow, request.args)
            user = oidc.linked_user(provider, subject)
        except KabinetError as exc:
            refused(exc)
            return redirect(url_for("KabinetAuthView.login"))
        if user is not None:
            return finish_login(user, remember=False)
        session[PENDING_KEY] = {"provider": provider.id, "sub": subject}
        return redirect(url_for(".link"))

    @staticmethod
    def _pending():
        """(the identity waiting for its proof, its provider), or (None, None)."""
        pending = session.get(PENDING_KEY)
        provider = db.session.get(OidcProvider, pending["provider"]) if pending else None
        return (pending, provider) if provider is not None else (None, None)

    def _linked(self, user, provider, remember):
        session.pop(PENDING_KEY, None)
        flash(_("Вход через %(name)s привязан к вашей учетной записи.", name=provider.name), "success")
        return finish_login(user, remember=remember)

    def _link_page(self, provider, form=None, code_form=None, error=None):
        return self.render_template("accounts/oidc_link.html", provider=provider, error=error,
                                    form=form or LoginForm(formdata=None), code_form=code_form or CodeRequestForm(
                                        formdata=None))

    @expose("/link", methods=["GET", "POST"])
    @limiter.limit(login_limit, methods=["POST"])
    def link(self):
        """Proof by the account's password."""
        pending, provider = self._pending()
        if provider is None:
            return redirect(url_for("KabinetAuthView.login"))
        form, error = LoginForm(), None
        if form.validate_on_submit():
            user, error = oidc.link_after_proof(provider.id, pending["sub"], form.username.data, form.password.data)
            if user is not None:
                return self._linked(user, provider, form.remember.data)
        return self._link_page(provider, form=form, error=error)

    @expose("/link/code", methods=["POST"])
    @limiter.limit(code_limit)
    def link_code(self):
        """Proof by a one-time code: «Направить код подтверждения»."""
        pending, provider = self._pending()
        if provider is None:
            return redirect(url_for("KabinetAuthView.login"))
        form = CodeRequestForm()
        if not form.validate_on_submit():
            return self._link_page(provider, code_form=form)
        session[PENDING_KEY] = {**pending, "dest": send_login_code(form.destination.data),
                                "remember": bool(form.remember.data)}
        flash(_("Если учетная запись существует, на указанный адрес отправлен код подтверждения."), "info")
        return redirect(url_for(".link_code_enter"))

    @expose("/link/code/enter", methods=["GET", "POST"])
    @limiter.limit(login_limit, methods=["POST"])
    def link_code_enter(self):
        pending, provider = self._pending()
        if provider is None or not pending.get("dest"):
            return redirect(url_for(".link" if provider else "KabinetAuthView.login"))
        form = CodeForm()
        form.submit.label.text = _("Войти и привязать")
        if form.validate_on_submit():
            try:
                user = oidc.link_after_code(provider.id, pending["sub"], pending["dest"], form.code.data)
            except codes.CodeError as exc:
                refuse_under(exc, {form.code: exc.message})
            else:
                return self._linked(user, provider, pending.get("remember"))
        return self.render_template("accounts/form.html", form=form, title=_("Привязка входа через %(name)s",
                                                                             name=provider.name),
                                    intro=_("Код подтверждения отправлен на %(dest)s.", dest=pending["dest"]))


class OidcIdentitiesView(BaseView):
    """The signed-in user's links, each with «Отвязать»."""

    route_base = "/my/security/sign-in-services"
    default_view = "index"
    class_permission_name = "AccountSecurity"
    method_permission_name = {"index": "access", "unlink": "access"}

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("accounts/oidc_identities.html", identities=oidc.identities_of(current_user),
                                    providers=oidc.enabled_providers(), button=ButtonForm())

    @expose("/<int:identity_id>/unlink", methods=["POST"])
    @has_access
    def unlink(self, identity_id):
        identity = ensure_own_oidc_identity(current_user, identity_id)
        if ButtonForm().validate_on_submit():
            oidc.unlink(current_user, identity)
            flash(_("Вход через внешний сервис отвязан"), "success")
        return redirect(url_for(".index"))


@one_permission
class OidcProvidersAdminView(BaseView):
    """Admins add and change the providers; the secret is never shown back."""

    route_base = "/admin/oidc-providers"
    class_permission_name = PERMISSION
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("accounts/oidc_providers.html", providers=provider_list(),
                                    redirect_uri=oidc.redirect_uri())

    def _edit(self, provider):
        form = OidcProviderForm() if request.method == "POST" else OidcProviderForm(formdata=None, obj=provider)
        form.client_secret.data = form.client_secret.data if request.method == "POST" else ""
        if form.validate_on_submit():
            try:
                save_provider(provider, form.values(), current_user)
            except FieldErrors as exc:
                refused(exc, flash_message=False)
                form.put_errors(exc.errors)
            else:
                flash(_("Изменения сохранены"), "success")
                return redirect(url_for(".index"))
        status = 400 if form.errors else 200
        return self.render_template("accounts/oidc_provider.html", form=form, provider=provider,
                                    redirect_uri=oidc.redirect_uri()), status

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        return self._edit(None)

    @expose("/<int:provider_id>/", methods=["GET", "POST"])
    @has_access
    def edit(self, provider_id):
        return self._edit(ensure_organization_row(current_user, db.session.get(OidcProvider, provider_id)))


def sign_in_providers() -> list:
    """The login page's buttons (a template global: the login view is the security manager's)."""
    return oidc.enabled_providers()


def register(appbuilder) -> None:
    appbuilder.add_view_no_menu(OidcSignInView())
    appbuilder.add_view_no_menu(OidcIdentitiesView())
    current_app.add_template_global(sign_in_providers, "oidc_sign_in_providers")


PERMISSIONS: dict = {ORG_ADMIN: [("can_access", PERMISSION), ("menu_access", MENU)]}
ADMIN_VIEWS = ((OidcProvidersAdminView, MENU, "fa-sign-in"),)
