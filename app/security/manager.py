"""Kabinet's SecurityManager: FAB's, with our user model, versioned sessions and our
sign-in pages (app/security/auth_views.py)."""
from flask import has_request_context, request
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import assoc_permissionview_role
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

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
        # One round trip for what every page reads: the user, their roles and consumer profile.
        user = self.session.scalar(
            select(KabinetUser)
            .options(selectinload(KabinetUser.roles), joinedload(KabinetUser.consumer))
            .where(KabinetUser.id == int(user_id))
        )
        if user is None or not user.is_active:
            return None
        if version != str(user.session_version):
            return None
        return user

    # FAB asks the database once per menu entry and per permission check (17 queries
    # on a staff page). Each request loads its roles' (permission, view) pairs once.
    _PERMISSIONS_KEY = "kabinet.role_permissions"

    def _role_permission_pairs(self, role_ids: list[int]) -> frozenset[tuple[str, str]]:
        pv, perm, view = self.permissionview_model, self.permission_model, self.viewmenu_model
        rows = self.session.execute(
            select(perm.name, view.name)
            .select_from(pv)
            .join(assoc_permissionview_role, assoc_permissionview_role.c.permission_view_id == pv.id)
            .join(perm, pv.permission_id == perm.id)
            .join(view, pv.view_menu_id == view.id)
            .where(assoc_permissionview_role.c.role_id.in_(role_ids))
        ).all()
        return frozenset((p, v) for p, v in rows)

    def exist_permission_on_roles(self, view_name, permission_name, role_ids):
        if not has_request_context():
            return super().exist_permission_on_roles(view_name, permission_name, role_ids)
        cache = request.environ.setdefault(self._PERMISSIONS_KEY, {})
        key = tuple(sorted(role_ids))
        if key not in cache:
            cache[key] = self._role_permission_pairs(list(key))
        return (permission_name, view_name) in cache[key]

    def get_public_role(self):
        if not has_request_context():
            return super().get_public_role()
        key = "kabinet.public_role"
        if key not in request.environ:
            request.environ[key] = super().get_public_role()
        return request.environ[key]
