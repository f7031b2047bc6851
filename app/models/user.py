"""Users: FAB's ab_user extended with what a consumer portal needs."""
from datetime import datetime
from typing import Optional

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import Boolean, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.security.roles import ORGANIZATION_ROLES


class KabinetUser(User):
    """One login: a consumer (with a ConsumerProfile), a staff member or an admin."""

    __tablename__ = "ab_user"

    #: normalized as +7XXXXXXXXXX; unique among all users
    phone: Mapped[Optional[str]] = mapped_column(String(16), unique=True, nullable=True)
    phone_confirmed_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    email_confirmed_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    #: bumped on logout, password change and blocking: every session and remember-me cookie
    #: made before dies (get_id carries it; security/manager.load_user compares)
    session_version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    #: base32 TOTP secret (A10); totp_enabled once the user has proved a code
    totp_secret: Mapped[Optional[str]] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: 30-second window of the last accepted TOTP code: a code is never accepted twice
    totp_last_counter: Mapped[Optional[int]] = mapped_column(Integer)
    #: TOTP codes tried since totp_failures_since without success; at the limit the account
    #: takes no code until the window ends, whatever address the tries come from
    totp_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0", nullable=False)
    totp_failures_since: Mapped[Optional[datetime]] = mapped_column(DateTime)
    notify_email: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    notify_sms: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    #: the user has to set a password before anything else (accounts opened at the office)
    must_set_password: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    locale: Mapped[Optional[str]] = mapped_column(String(8))

    consumer = relationship("ConsumerProfile", back_populates="user", uselist=False)

    def get_id(self) -> str:
        # Flask-Login keeps this in the session and the remember-me cookie; the version
        # part lets a password change invalidate both (see security/session.py).
        return f"{self.id}:{self.session_version}"

    @property
    def effective_roles(self) -> list:
        """Roles given directly and through FAB groups. The security manager's load_user sets
        them in one statement; a user loaded otherwise reads both relationships."""
        roles = self.__dict__.get("_effective_roles")
        if roles is None:
            roles = list({role.id: role for role in [*self.roles, *(r for g in self.groups for r in g.roles)]}.values())
        return roles

    @effective_roles.setter
    def effective_roles(self, roles: list) -> None:
        self.__dict__["_effective_roles"] = list(roles)

    @property
    def role_names(self) -> set[str]:
        return {role.name for role in self.effective_roles}

    @property
    def is_consumer(self) -> bool:
        return self.consumer is not None

    @property
    def is_staff(self) -> bool:
        return bool(self.role_names & ORGANIZATION_ROLES)

    @property
    def display_name(self) -> str:
        if self.consumer is not None:
            return self.consumer.display_name
        return f"{self.last_name} {self.first_name}".strip()
