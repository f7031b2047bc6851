"""Staff accounts for organization admins (F5): list, add, change role, block.

Organization admins manage only the organization's roles (Staff, OrgAdmin); FAB's own
Admin role stays with the installation's administrators, so an organization admin can
never raise anyone — themselves included — above their own level.
"""
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.core import audit
from app.core.errors import Forbidden, NotFound
from app.core.labels import ROLE_LABELS
from app.core.users import create_user, find_role
from app.extensions import db
from app.models import KabinetUser
from app.security.access import can_manage_staff_account
from app.security.roles import ORG_ADMIN, STAFF
from workflows.admin import FieldErrors
from workflows.admin.consumers import set_blocked

#: the roles an organization admin may give, with their names (app/core/labels.py)
MANAGED_ROLES = {STAFF: ROLE_LABELS[STAFF], ORG_ADMIN: ROLE_LABELS[ORG_ADMIN]}


class StaffError(FieldErrors):
    """A staff member's data or role refused: field → message."""


def staff_users() -> list[KabinetUser]:
    """Everyone holding an organization role, by name."""
    from flask_appbuilder.security.sqla.models import Role

    return list(db.session.execute(
        select(KabinetUser).join(KabinetUser.roles).where(Role.name.in_(list(MANAGED_ROLES)))
        .options(selectinload(KabinetUser.roles)).distinct()
        .order_by(KabinetUser.last_name, KabinetUser.first_name, KabinetUser.id)
    ).scalars())


def add_staff(*, last_name: str, first_name: str, email: str, role: str, actor=None) -> KabinetUser:
    """Create a staff login without a password and email a link to set one."""
    from workflows.accounts.passwords import send_password_setup

    email = email.strip().lower()
    if role not in MANAGED_ROLES:
        raise StaffError({"role": _("Выберите роль")})
    if db.session.scalar(select(KabinetUser.id).where(func.lower(KabinetUser.email) == email).limit(1)):
        raise StaffError({"email": _("Указанная электронная почта уже зарегистрирована в личном кабинете. "
                                     "Укажите другой адрес.")})
    user = create_user(email=email, first_name=first_name.strip(), last_name=last_name.strip(),
                       role_names=[role], password=None, confirmed=True)
    audit.record("staff.create", user, actor=actor, summary=user.display_name,
                 after={"email": email, "roles": [role]})
    send_password_setup(user)
    return user


def managed_staff(user_id: int, actor, *, own_refusal: str) -> KabinetUser:
    """A staff login the actor may manage; their own is refused with `own_refusal`, anyone
    else out of reach (FAB admins, consumers, unknown ids) is NotFound."""
    user = db.session.get(KabinetUser, user_id)
    if user is not None and user.id == actor.id:
        raise Forbidden(own_refusal)
    if not can_manage_staff_account(actor, user):
        raise NotFound()
    return user


def change_staff_role(user_id: int, role: str | None, *, actor) -> None:
    """«Роль»: a staff member becomes an ordinary employee or an organization admin; a role
    the form did not accept (None) changes nothing."""
    user = managed_staff(user_id, actor, own_refusal=_("Свою роль изменить нельзя"))
    if role is not None:
        set_role(user, role, actor=actor)


def block_staff(user_id: int, blocked: bool, *, actor) -> None:
    """Block or unblock a staff member's login (never one's own)."""
    user = managed_staff(user_id, actor, own_refusal=_("Нельзя заблокировать самого себя"))
    set_blocked(user, blocked, actor=actor)


def set_role(user: KabinetUser, role: str, *, actor=None) -> None:
    """Make a staff member an ordinary employee or an organization admin."""
    if role not in MANAGED_ROLES or not can_manage_staff_account(actor, user):
        raise StaffError({"role": _("Выберите роль")})
    others = [r for r in user.roles if r.name not in MANAGED_ROLES]
    user.roles = others + [find_role(role)]
    db.session.flush()  # the role change itself is audited by the user watcher (app.core.audit.watch)
