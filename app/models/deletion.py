"""A8 «Удалить учетную запись»: where the receipts of a deleted consumer's accounts go from now on."""
from datetime import datetime
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import utcnow


class ReceiptAfterDeletion(Model):
    """The consumer's last word on an account's receipt, given when deleting the cabinet: by
    email to `email`, or on paper to `postal_address`. The organization keeps it (the account
    lives on in billing); it is all that remains of the person's contacts, by their choice."""

    __tablename__ = "receipt_after_deletion"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("personal_account.id", ondelete="CASCADE"),
                                            nullable=False, index=True)
    #: the anonymized consumer («Удаленный пользователь №…») who chose
    consumer_id: Mapped[int] = mapped_column(ForeignKey("consumer.id", ondelete="CASCADE"), nullable=False)
    electronic: Mapped[bool] = mapped_column(Boolean, nullable=False)
    email: Mapped[Optional[str]] = mapped_column(String(320))
    postal_address: Mapped[Optional[str]] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
