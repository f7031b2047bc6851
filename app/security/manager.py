"""Kabinet's SecurityManager: FAB's, with our user model, versioned sessions and our
sign-in pages (app/security/auth_views.py)."""
from flask_appbuilder.security.sqla.manager import SecurityManager

from app.models.user import KabinetUser
from app.security.auth_views import KabinetAuthView


class KabinetSecurityManager(SecurityManager):
    user_model = KabinetUser
    authdbview = KabinetAuthView

    def auth_user_db(self, username, password):
        """FAB's own password check (its JSON API login): our identifiers and rules, and never
        for users with two-factor login, which that API cannot ask for."""
        from workflows.accounts.login import authenticate
        from workflows.accounts.totp import totp_required

        user, _error = authenticate(username, password)
        if user is None or user.totp_enabled or totp_required(user):
            return None
        self.update_user_auth_stat(user, True)
        return user

    def load_user(self, pk):
        """Flask-Login loader: «<id>:<session_version>» — a stale version logs out."""
        user_id, _, version = str(pk).partition(":")
        if not user_id.isdigit():
            return None
        user = self.get_user_by_id(int(user_id))
        if user is None or not user.is_active:
            return None
        if version != str(user.session_version):
            return None
        return user
