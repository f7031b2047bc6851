"""Kabinet's SecurityManager: FAB's, with our user model and versioned sessions."""
from flask_appbuilder.security.sqla.manager import SecurityManager

from app.models.user import KabinetUser


class KabinetSecurityManager(SecurityManager):
    user_model = KabinetUser

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
