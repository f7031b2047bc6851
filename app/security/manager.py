"""Kabinet's SecurityManager: FAB's, with our user model, versioned sessions and our
sign-in pages (app/security/auth_views.py)."""
from flask_appbuilder.security.sqla.manager import SecurityManager

from app.models.user import KabinetUser
from app.security.auth_views import KabinetAuthView


class KabinetSecurityManager(SecurityManager):
    user_model = KabinetUser
    authdbview = KabinetAuthView

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
