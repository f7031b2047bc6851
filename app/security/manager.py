"""Kabinet's SecurityManager: FAB's, with our user model, versioned sessions and our
sign-in pages (app/views/accounts/signin.py)."""
import json
from functools import lru_cache

from flask import g, has_request_context, request
from flask_appbuilder.api import BaseApi
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import (
    Permission,
    PermissionView,
    Role,
    ViewMenu,
    assoc_group_role,
    assoc_permissionview_role,
    assoc_user_group,
    assoc_user_role,
)
from flask_login import current_user
from sqlalchemy import Text, bindparam, cast, func, or_, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.core import settings
from app.models import SettingValue
from app.models.base import utcnow
from app.models.user import KabinetUser
from app.views.admin import people_fab as fab_views
from app.views.accounts.signin import KabinetAuthView

# Every request runs these: built once, because building a statement with its loader options
# costs SQLAlchemy more than the indexed lookups themselves (1.4 ms → 0.4 ms per request).
#: roles given directly and through FAB groups (FAB reads both on every permission check)
ROLE_OF_USER = or_(
    Role.id.in_(select(assoc_user_role.c.role_id).where(assoc_user_role.c.user_id == bindparam("user_id"))),
    Role.id.in_(
        select(assoc_group_role.c.role_id)
        .join(assoc_user_group, assoc_user_group.c.group_id == assoc_group_role.c.group_id)
        .where(assoc_user_group.c.user_id == bindparam("user_id"))
    ),
)
#: separators of the (permission, view) pairs of a role read as one string (names never hold them)
PAIR_SEP, ROW_SEP = "\x1f", "\x1e"
#: the (permission, view) pairs of one role as one string, read with the user: FAB checks them
#: on every page, and a query of its own cost more than the user's (0.2 ms a request)
PERMISSIONS_OF_ROLE = (
    select(func.aggregate_strings(Permission.name + PAIR_SEP + ViewMenu.name, ROW_SEP))
    .select_from(assoc_permissionview_role)
    .join(PermissionView, PermissionView.id == assoc_permissionview_role.c.permission_view_id)
    .join(Permission, PermissionView.permission_id == Permission.id)
    .join(ViewMenu, PermissionView.view_menu_id == ViewMenu.id)
    .where(assoc_permissionview_role.c.role_id == Role.id)
    .scalar_subquery()
)
#: the organization's settings as one string («key<PAIR_SEP>JSON value», ROW_SEP between): the
#: header of every page shows some, and their own query cost a page 0.15 ms (app/core/settings.py)
SETTINGS = select(func.aggregate_strings(SettingValue.key + PAIR_SEP + cast(SettingValue.value, Text),
                                         ROW_SEP)).scalar_subquery()
#: the user with the consumer profile, the roles and their permissions, and the settings: one
#: round trip, a row per role
USER_WITH_ROLES = (
    select(KabinetUser, Role, PERMISSIONS_OF_ROLE, SETTINGS).outerjoin(Role, ROLE_OF_USER)
    .options(joinedload(KabinetUser.consumer)).where(KabinetUser.id == bindparam("user_id"))
)
PERMISSIONS_OF_ROLES = (
    select(Permission.name, ViewMenu.name)
    .select_from(PermissionView)
    .join(assoc_permissionview_role, assoc_permissionview_role.c.permission_view_id == PermissionView.id)
    .join(Permission, PermissionView.permission_id == Permission.id)
    .join(ViewMenu, PermissionView.view_menu_id == ViewMenu.id)
    .where(assoc_permissionview_role.c.role_id.in_(bindparam("role_ids", expanding=True)))
)


@lru_cache(maxsize=64)
def parse_permissions(joined: tuple[str, ...]) -> frozenset[tuple[str, str]]:
    """The (permission, view) pairs of the roles' PERMISSIONS_OF_ROLE strings; the same roles give
    the same strings on every request, so each set is parsed once (and hashed once, as a key)."""
    return frozenset(tuple(pair.split(PAIR_SEP, 1)) for text in joined if text for pair in text.split(ROW_SEP))


@lru_cache(maxsize=8)
def parse_settings(text: str | None) -> dict:
    """The settings of SETTINGS' string, as app/core/settings.py reads them (parsed once per text)."""
    pairs = (item.split(PAIR_SEP, 1) for item in text.split(ROW_SEP)) if text else ()
    return {key: json.loads(value) for key, value in pairs}


class ClosedSecurityApi(BaseApi):
    """Stands in for FAB's SecurityApi, which FAB registers even with FAB_ADD_SECURITY_API off:
    its JWT login (/api/v1/security/login) checked passwords without the login page's rate
    limits, audit or second factor. It exposes nothing, so every /api/v1/security/* is 404;
    a REST API of the portal brings its own sign-in."""

    resource_name = "security"


class KabinetSecurityManager(SecurityManager):
    user_model = KabinetUser
    authdbview = KabinetAuthView
    security_api = ClosedSecurityApi
    #: FAB's «User's Statistics» draws with Google's chart loader from the internet, which the
    #: CSP (app/web/headers.py) and the no-CDN rule (static/vendor/README.md) exclude
    userstatschartview = None
    # FAB's user/role/group screens with roles and permissions in words (app/views/admin/people_fab.py)
    userdbmodelview = fab_views.UserDBModelView
    rolemodelview = fab_views.RoleModelView
    groupmodelview = fab_views.UserGroupModelView
    permissionmodelview = fab_views.PermissionModelView
    viewmenumodelview = fab_views.ViewMenuModelView
    permissionviewmodelview = fab_views.PermissionViewModelView

    def auth_user_db(self, username, password):
        """FAB's own password check, should any FAB path still ask (its JSON login is closed):
        our identifiers and rules, and never for users with two-factor login."""
        from workflows.accounts.login import authenticate
        from workflows.accounts.totp import totp_required

        user, _error = authenticate(username, password)
        if user is None or user.totp_enabled or totp_required(user):
            return None
        self.update_user_auth_stat(user, True)
        return user

    def update_user_auth_stat(self, user, success=True):
        """FAB's login counters, each changed by one UPDATE: FAB read the count, added one and
        wrote it back (and committed), so concurrent failures were lost. Flushes; the caller commits."""
        if success:
            values = {"login_count": func.coalesce(KabinetUser.login_count, 0) + 1, "last_login": utcnow(),
                      "fail_login_count": 0}
        else:
            values = {"fail_login_count": func.coalesce(KabinetUser.fail_login_count, 0) + 1}
        counted = self.session.execute(
            update(KabinetUser).where(KabinetUser.id == user.id).values(**values)
            .returning(KabinetUser.login_count, KabinetUser.fail_login_count, KabinetUser.last_login)
            .execution_options(synchronize_session=False)
        ).one()
        for name, value in zip(("login_count", "fail_login_count", "last_login"), counted):
            set_committed_value(user, name, value)
        if success:
            self.on_user_login(user)
        else:
            self.on_user_login_failed(user)

    def reset_password(self, userid, password):
        """FAB's «Reset Password» pages (an admin for a user, or for oneself): our hashing, and the
        user's other sessions end, as with every password change; the changing browser stays in.
        Flushes; the request boundary commits (app/web/boundary.py)."""
        from flask_login import login_user

        from app.core import audit
        from app.core.users import set_password

        user = self.get_user_by_id(userid)
        set_password(user, password)
        audit.record("account.password_reset", user, summary="Пароль изменен (страница FAB)")
        self.session.flush()
        if current_user.is_authenticated and current_user.id == user.id:
            login_user(user)

    def load_user(self, pk):
        """Flask-Login loader: «<id>:<session_version>» — a stale version logs out."""
        user_id, _, version = str(pk).partition(":")
        if not user_id.isdigit():
            return None
        rows = self.session.execute(USER_WITH_ROLES, {"user_id": int(user_id)}).all()
        user = rows[0][0] if rows else None
        if user is None or not user.is_active:
            return None
        if version != str(user.session_version):
            return None
        user.effective_roles = [role for _, role, _, _ in rows if role is not None]
        if has_request_context():
            key = tuple(sorted(role.id for role in user.effective_roles))
            request.environ.setdefault(self._PERMISSIONS_KEY, {})[key] = parse_permissions(
                tuple(sorted(text or "" for _, role, text, _ in rows if role is not None)))
            request.environ.setdefault(settings.CACHE_KEY, dict(parse_settings(rows[0][3])))
        return user

    def get_user_roles(self, user):
        """FAB's: roles given directly and through groups; loaded with the user in load_user."""
        if not user.is_authenticated:
            return [self.get_public_role()]
        return user.effective_roles

    # FAB asks the database once per menu entry and per permission check (17 queries
    # on a staff page). Each request has its roles' (permission, view) pairs once: read with the
    # signed-in user (load_user), else (the public role) by one query.
    _PERMISSIONS_KEY = "kabinet.role_permissions"

    def _role_permission_pairs(self, role_ids: list[int]) -> frozenset[tuple[str, str]]:
        return frozenset(tuple(row) for row in self.session.execute(PERMISSIONS_OF_ROLES, {"role_ids": role_ids}))

    def _permissions_of_roles(self, role_ids) -> frozenset[tuple[str, str]]:
        cache = request.environ.setdefault(self._PERMISSIONS_KEY, {})
        key = tuple(sorted(role_ids))
        if key not in cache:
            cache[key] = self._role_permission_pairs(list(key))
        return cache[key]

    def exist_permission_on_roles(self, view_name, permission_name, role_ids):
        if not has_request_context():
            return super().exist_permission_on_roles(view_name, permission_name, role_ids)
        return (permission_name, view_name) in self._permissions_of_roles(role_ids)

    def current_permissions(self) -> frozenset[tuple[str, str]]:
        """The (permission, view) pairs of the signed-in user's roles, or of the public role:
        what the menu shows depends on nothing else (app/core/templating.py caches it by this)."""
        user = g.user if getattr(g, "user", None) is not None else current_user
        return self._permissions_of_roles(role.id for role in self.get_user_roles(user))

    def get_public_role(self):
        if not has_request_context():
            return super().get_public_role()
        key = "kabinet.public_role"
        if key not in request.environ:
            request.environ[key] = super().get_public_role()
        return request.environ[key]
