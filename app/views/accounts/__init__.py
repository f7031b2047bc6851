"""The accounts area: registration and confirmation (A1, A2, A7), signing in and out, «Забыли
пароль?» (A3, A4, A10), «Мои данные» (A5), password and two-factor login (A4, A10).

Pages parse the form, call one command of workflows/accounts/ and render; the request
boundary (app/web/boundary.py) commits.
"""
from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.areas import Area
from app.security.roles import CONSUMER
from app.views.accounts import oidc
from app.views.accounts.deletion import AccountDeletionView
from app.views.accounts.profile import ProfileView
from app.views.accounts.qr import QrLoginView
from app.views.accounts.registration import RegistrationView
from app.views.accounts.security import SecurityView

#: Consumers see «Мои данные» in the menu; everyone reaches password and 2FA pages
ROLE_PERMISSIONS = {
    CONSUMER: [("menu_access", "MyProfile")],
}


def _too_many_requests(error):
    return render_template("accounts/message.html", title=_("Слишком много попыток"),
                           message=_("Слишком много попыток. Повторите попытку позже."),
                           appbuilder=current_app.appbuilder), 429


def register(appbuilder) -> None:
    """Add this area's views and menu entries (the sign-in pages come with the security
    manager: app/views/accounts/signin.py)."""
    from app.web.gate import init_gate

    appbuilder.add_view_no_menu(RegistrationView())
    appbuilder.add_view_no_menu(ProfileView())
    appbuilder.add_view_no_menu(SecurityView())
    appbuilder.add_view_no_menu(AccountDeletionView())
    appbuilder.add_view_no_menu(QrLoginView())
    oidc.register(appbuilder)
    appbuilder.add_link("MyProfile", label=_l("Мои данные"), href="/my/profile/", icon="fa-id-card")
    app = current_app._get_current_object()
    init_gate(app)
    app.register_error_handler(429, _too_many_requests)


AREA = Area(
    "accounts",
    register=register,
    permissions={**ROLE_PERMISSIONS, **oidc.PERMISSIONS},
    admin_views=oidc.ADMIN_VIEWS,
    seeders=(),
    notifications=("account_code", "account_confirm_email", "account_password_changed", "account_password_setup",
                   "account_registered"),
)
