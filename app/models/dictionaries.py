"""Reference dictionaries an admin keeps (F3): branches, suppliers, offices, topics.

Rows in use are never deleted: they are retired with active=False and disappear from
the choices offered to consumers while old records keep pointing at them.
"""
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import TimestampMixin


class Branch(TimestampMixin, Model):
    """A branch (филиал / участок) of the organization; reading windows are per branch (D8)."""

    __tablename__ = "branch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    address: Mapped[Optional[str]] = mapped_column(String(500))
    phone: Mapped[Optional[str]] = mapped_column(String(64))
    email: Mapped[Optional[str]] = mapped_column(String(320))
    #: days of the month when meter readings are accepted, e.g. 15–25
    reading_day_from: Mapped[Optional[int]] = mapped_column(Integer)
    reading_day_to: Mapped[Optional[int]] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    offices = relationship("Office", back_populates="branch")

    def __repr__(self) -> str:
        return self.name


class Supplier(TimestampMixin, Model):
    """A supplier (поставщик услуг) whose charges and payments consumers see (D5, D6)."""

    __tablename__ = "supplier"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    inn: Mapped[Optional[str]] = mapped_column(String(12))
    kpp: Mapped[Optional[str]] = mapped_column(String(9))
    bank_name: Mapped[Optional[str]] = mapped_column(String(300))
    bik: Mapped[Optional[str]] = mapped_column(String(9))
    account: Mapped[Optional[str]] = mapped_column(String(20))
    corr_account: Mapped[Optional[str]] = mapped_column(String(20))
    phone: Mapped[Optional[str]] = mapped_column(String(64))
    sort_order: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    def __repr__(self) -> str:
        return self.name


class Office(TimestampMixin, Model):
    """An office where consumers are received (E4, E6; A6 accounts opened at the office)."""

    __tablename__ = "office"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_id: Mapped[Optional[int]] = mapped_column(ForeignKey("branch.id"))
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    address: Mapped[str] = mapped_column(String(500), nullable=False)
    phone: Mapped[Optional[str]] = mapped_column(String(64))
    work_hours: Mapped[Optional[str]] = mapped_column(String(300))
    sort_order: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    branch = relationship("Branch", back_populates="offices")

    __table_args__ = (Index("ix_office_branch", "branch_id"),)

    def __repr__(self) -> str:
        return self.name


class TopicKind:
    #: тема обращения (E1)
    APPEAL = "appeal"
    #: тема заявления (E2)
    STATEMENT = "statement"
    #: тема записи на прием (E4)
    APPOINTMENT = "appointment"
    #: тема обратного звонка (E4)
    CALLBACK = "callback"


TOPIC_KIND_LABELS = {TopicKind.APPEAL: "Обращение", TopicKind.STATEMENT: "Заявление",
                     TopicKind.APPOINTMENT: "Запись на прием", TopicKind.CALLBACK: "Обратный звонок"}


class Topic(TimestampMixin, Model):
    """A topic of an appeal («Обращения», E1) or a statement («Подать заявление», E2)."""

    __tablename__ = "topic"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[Optional[str]] = mapped_column(Text)
    sort_order: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    __table_args__ = (UniqueConstraint("kind", "code"), Index("ix_topic_kind", "kind", "sort_order"))

    def __repr__(self) -> str:
        return self.name
