"""One-time form tokens (issue 10, point 12): a form posted twice does its work once."""
from datetime import datetime
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import utcnow


class FormToken(Model):
    """A form's hidden token, recorded by the first POST that carried it.

    The unique index is the guard: of two POSTs with one token (a double click, a resent
    request) only one can insert it, in the transaction that does the form's work.
    """

    __tablename__ = "form_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    #: the page the first POST led to (the new draft, the application …); a repeat goes there
    result_url: Mapped[Optional[str]] = mapped_column(String(500))

    __table_args__ = (Index("ix_form_token_user", "user_id", "created_at"),)
