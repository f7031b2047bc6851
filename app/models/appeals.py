"""«Обращения» (E1): what an appeal adds to its application — the requisites the history lists and
filters by. The text, the answers and the files are the application's (data, events, attachments);
its statuses and deadline come from the applications workflow.
"""
from datetime import datetime
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import utcnow


class Appeal(Model):
    """One appeal a consumer wrote in the cabinet, beside its application of kind «appeal»."""

    __tablename__ = "appeal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="CASCADE"), unique=True,
                                                nullable=False)
    consumer_id: Mapped[int] = mapped_column(ForeignKey("consumer.id", ondelete="CASCADE"), nullable=False)
    #: «Номер лицевого счета»: None when the consumer has linked no account
    account_id: Mapped[Optional[int]] = mapped_column(ForeignKey("personal_account.id", ondelete="SET NULL"))
    supplier_id: Mapped[Optional[int]] = mapped_column(ForeignKey("supplier.id", ondelete="SET NULL"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), nullable=False)
    #: «ФИО», «Номер телефона», «E-mail» as the consumer wrote them (they may differ from the profile)
    full_name: Mapped[str] = mapped_column(String(300), nullable=False)
    phone: Mapped[str] = mapped_column(String(16), nullable=False)
    email: Mapped[str] = mapped_column(String(320), nullable=False)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    application = relationship("Application")
    topic = relationship("Topic")
    account = relationship("PersonalAccount")
    supplier = relationship("Supplier")

    __table_args__ = (
        # «История обращений» of one account, newest first, or of all the consumer's accounts
        Index("ix_appeal_history", "consumer_id", "account_id", "submitted_at"),
        Index("ix_appeal_consumer_submitted", "consumer_id", "submitted_at"),
    )
