"""Creating users and setting passwords — shared by registration, staff tools and demo data."""
import secrets

from flask import current_app
from werkzeug.security import generate_password_hash

from app.extensions import appbuilder, db
from app.models import ConsumerProfile, KabinetUser
from app.models.base import utcnow
from app.security.roles import CONSUMER


def hash_password(raw: str) -> str:
    return generate_password_hash(
        raw,
        method=current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
        salt_length=current_app.config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16),
    )


def set_password(user: KabinetUser, raw: str, *, end_other_sessions: bool = True) -> None:
    """Store the new password hash; bumping the version ends every other session (A4)."""
    user.password = hash_password(raw)
    user.must_set_password = False
    if end_other_sessions and user.id is not None:
        user.session_version = (user.session_version or 0) + 1


def find_role(name: str):
    return appbuilder.sm.find_role(name)


def create_user(
    *,
    email: str,
    first_name: str,
    last_name: str,
    role_names: list[str],
    password: str | None = None,
    phone: str | None = None,
    username: str | None = None,
    confirmed: bool = False,
) -> KabinetUser:
    """Add a user with the given roles (flushes; the caller commits)."""
    user = KabinetUser(
        username=username or f"u{secrets.token_hex(6)}",
        email=email.lower(),
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        active=True,
        session_version=1,
    )
    user.password = hash_password(password) if password else None
    user.must_set_password = password is None
    user.roles = [role for role in (find_role(name) for name in role_names) if role is not None]
    if confirmed:
        user.email_confirmed_at = utcnow()
        if phone:
            user.phone_confirmed_at = utcnow()
    db.session.add(user)
    db.session.flush()
    return user


def create_consumer(*, user_fields: dict, profile_fields: dict) -> ConsumerProfile:
    user = create_user(role_names=[CONSUMER], **user_fields)
    profile = ConsumerProfile(user=user, **profile_fields)
    db.session.add(profile)
    db.session.flush()
    return profile
