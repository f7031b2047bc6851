"""Sign-in through external OpenID Connect providers (A9): VK ID, ЕСИА-compatible OIDC,
Яндекс ID or any provider found by its discovery address. The admin configures providers;
a consumer's identity at a provider is linked to their portal account only after they prove
the account (workflows/accounts/oidc.py)."""
from datetime import datetime
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import TimestampMixin, utcnow


class OidcProvider(TimestampMixin, Model):
    """An OpenID Connect provider: endpoints from `discovery_url`, or given one by one."""

    __tablename__ = "oidc_provider"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the button's words: «Войти через <name>»
    name: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)
    #: …/.well-known/openid-configuration; when empty the endpoints below are used
    discovery_url: Mapped[Optional[str]] = mapped_column(String(500))
    issuer: Mapped[Optional[str]] = mapped_column(String(500))
    authorization_endpoint: Mapped[Optional[str]] = mapped_column(String(500))
    token_endpoint: Mapped[Optional[str]] = mapped_column(String(500))
    jwks_uri: Mapped[Optional[str]] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(200), nullable=False)
    #: sealed with app.core.sealing (never plain text at rest, never shown back)
    client_secret: Mapped[str] = mapped_column(Text, nullable=False, default="")
    scopes: Mapped[str] = mapped_column(String(300), nullable=False, default="openid")
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class OidcIdentity(Model):
    """A provider's subject linked to a portal account: the provider says «this is sub X»,
    the link says which account that is."""

    __tablename__ = "oidc_identity"
    __table_args__ = (
        UniqueConstraint("provider_id", "subject", name="uq_oidc_identity_subject"),
        Index("ix_oidc_identity_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("oidc_provider.id", ondelete="CASCADE"), nullable=False)
    #: the id_token's `sub`
    subject: Mapped[str] = mapped_column(String(255), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    linked_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    last_login_at: Mapped[Optional[datetime]] = mapped_column(DateTime)

    provider: Mapped[OidcProvider] = relationship()
