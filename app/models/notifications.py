"""«Уведомления» and the notification part of «Профиль» (E7): what a user chose about notices
(channels per kind of event, «Рассылка уведомлений и рекламной продукции», «Отображать подсказки»),
the hints they dismissed, and the admins' marketing mailings.

The notices themselves are app.models.outbox.Notification; kinds of event and channels are data in
workflows/notifications/kinds.py.
"""
from datetime import datetime
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import utcnow


class NotificationSettings(Model):
    """One user's notification choices; a user without a row has the defaults (hints on, no consent)."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True)
    #: «Отображать подсказки»
    show_hints: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true(), nullable=False)
    #: «Рассылка уведомлений и рекламной продукции»: marketing is sent only while this is on
    marketing_consent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), nullable=False)
    #: when and where the consent was last given or withdrawn (MarketingSource)
    marketing_changed_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    marketing_source: Mapped[Optional[str]] = mapped_column(String(32))
    #: bumped on every change of the consent: an unsubscribe link names the version it was sent
    #: under, so it works once and a link from before a new consent withdraws nothing
    marketing_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0", nullable=False)


class MarketingSource:
    #: the consumer's own settings page
    SETTINGS = "settings"
    #: the unsubscribe link of a marketing email
    UNSUBSCRIBE_LINK = "unsubscribe_link"


class NotificationOptOut(Model):
    """A channel a user switched off for a kind of event; every pair without a row is on."""

    __tablename__ = "notification_opt_out"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    #: workflows/notifications/kinds.py KINDS
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    #: portal | email | sms
    channel: Mapped[str] = mapped_column(String(8), nullable=False)

    __table_args__ = (UniqueConstraint("user_id", "kind", "channel", name="uq_notification_opt_out"),)


class DismissedHint(Model):
    """A hint a user closed: it is not shown to them again."""

    __tablename__ = "dismissed_hint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    hint: Mapped[str] = mapped_column(String(64), nullable=False)
    dismissed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    __table_args__ = (UniqueConstraint("user_id", "hint", name="uq_dismissed_hint"),)


class MarketingMailingState:
    #: recorded, its job not started yet
    QUEUED = "queued"
    #: its job is queueing the emails
    RUNNING = "running"
    #: every consenting consumer's email is in the outbox
    DONE = "done"


class MarketingMailing(Model):
    """An admin's marketing mailing: its subject and text, queued to every consenting consumer."""

    __tablename__ = "marketing_mailing"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    state: Mapped[str] = mapped_column(String(16), default=MarketingMailingState.QUEUED, nullable=False)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    finished_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    #: emails queued so far
    sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0", nullable=False)


class MarketingSending(Model):
    """One consumer's email of one mailing: the unique key keeps a rerun from sending it twice."""

    __tablename__ = "marketing_sending"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mailing_id: Mapped[int] = mapped_column(ForeignKey("marketing_mailing.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    __table_args__ = (UniqueConstraint("mailing_id", "user_id", name="uq_marketing_sending"),)
