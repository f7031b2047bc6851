"""Online payments (D6, D9) and monthly receipts (D5).

A payment covers one or more (account, supplier) parts — «Оплатить по всем лицевым счетам» is one
payment split into parts. Its state moves only through workflows/payments/states.py; every move
appends a PaymentEvent. Provider callbacks are kept (PaymentCallback) so a replay is recognised.
Money is Numeric(14,2).
"""
from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import TimestampMixin, utcnow
from app.models.billing import MONEY


class PaymentState:
    #: the consumer confirmed the form; nothing sent to the provider yet
    CREATED = "created"
    #: the provider has it; the consumer is paying (or the provider is processing)
    PENDING = "pending"
    #: money received («Платеж прошел успешно»)
    SUCCEEDED = "succeeded"
    #: the consumer or the provider cancelled it
    CANCELED = "canceled"
    #: the provider refused it (its reason in failure_reason)
    FAILED = "failed"
    #: returned to the consumer after it succeeded
    REFUNDED = "refunded"


class PaymentMethod:
    #: Система быстрых платежей, by QR
    SBP = "sbp"
    #: банковская карта
    CARD = "card"


class Payment(TimestampMixin, Model):
    """One online payment of a consumer through a provider."""

    __tablename__ = "payment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consumer_id: Mapped[int] = mapped_column(ForeignKey("consumer.id", ondelete="CASCADE"), nullable=False)
    #: "sandbox" | "yookassa" (workflows/payments/providers)
    provider: Mapped[str] = mapped_column(String(16), nullable=False)
    method: Mapped[str] = mapped_column(String(8), nullable=False)
    state: Mapped[str] = mapped_column(String(16), default=PaymentState.CREATED, nullable=False)
    amount: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    #: sent to the provider with the creation request: a retry never creates a second payment
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    #: the provider's id of the payment (None until created there)
    provider_payment_id: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    #: where the consumer pays (the provider's page)
    confirmation_url: Mapped[Optional[str]] = mapped_column(String(1000))
    failure_reason: Mapped[Optional[str]] = mapped_column(String(500))
    #: «Получить квитанцию»: the email the payment receipt goes to (None = not asked)
    receipt_email: Mapped[Optional[str]] = mapped_column(String(320))
    paid_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    #: the billing registered it (import of payments with portal_id); until then «в обработке»
    billing_confirmed_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    #: optimistic lock: two callbacks at once move the state once
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    parts = relationship("PaymentPart", back_populates="payment", order_by="PaymentPart.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_payment_consumer_created", "consumer_id", "created_at"),)


class PaymentPart(Model):
    """What a payment pays: an account with one supplier, and how much."""

    __tablename__ = "payment_part"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id", ondelete="CASCADE"), nullable=False)
    account_id: Mapped[int] = mapped_column(ForeignKey("personal_account.id", ondelete="CASCADE"), nullable=False)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), nullable=False)
    amount: Mapped[Decimal] = mapped_column(MONEY, nullable=False)

    payment = relationship("Payment", back_populates="parts")
    account = relationship("PersonalAccount")
    supplier = relationship("Supplier")

    __table_args__ = (
        UniqueConstraint("payment_id", "account_id", "supplier_id", name="uq_payment_part"),
        Index("ix_payment_part_account", "account_id"),
    )


class PaymentEvent(Model):
    """Append-only history of a payment: each state change, who or what caused it."""

    __tablename__ = "payment_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payment.id", ondelete="CASCADE"), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    from_state: Mapped[Optional[str]] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16), nullable=False)
    #: "consumer" | "callback" | "status" (fetched from the provider) | "admin" | "billing"
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    detail: Mapped[Optional[dict]] = mapped_column(JSON)

    __table_args__ = (Index("ix_payment_event_payment", "payment_id", "at"),)


class PaymentCallback(Model):
    """A provider's notification as received: kept once per (provider, event key), so a replay or
    a duplicate is answered without crediting twice."""

    __tablename__ = "payment_callback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider: Mapped[str] = mapped_column(String(16), nullable=False)
    #: the provider's unique key of the notification (event id, or a hash of its body)
    event_key: Mapped[str] = mapped_column(String(128), nullable=False)
    payment_id: Mapped[Optional[int]] = mapped_column(ForeignKey("payment.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    #: "applied" | "duplicate" | "refused" and why
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)
    reason: Mapped[Optional[str]] = mapped_column(Text)
    body: Mapped[Optional[dict]] = mapped_column(JSON)

    __table_args__ = (UniqueConstraint("provider", "event_key", name="uq_payment_callback_event"),)


class ReceiptRunState:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ReceiptRun(Model):
    """«Рассылка квитанций» for a month: receipts generated for every account subscribed to the
    electronic receipt and emailed through the outbox, with progress for the admin page."""

    __tablename__ = "receipt_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[date] = mapped_column(Date, nullable=False)
    state: Mapped[str] = mapped_column(String(16), default=ReceiptRunState.QUEUED, nullable=False)
    total: Mapped[Optional[int]] = mapped_column(Integer)
    processed: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    sent: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    errors: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    failure: Mapped[Optional[str]] = mapped_column(Text)
    started_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    finished_at: Mapped[Optional[datetime]] = mapped_column(DateTime)


class ReceiptSending(Model):
    """One account's receipt of a month sent by a run: never twice (unique per link and month)."""

    __tablename__ = "receipt_sending"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("receipt_run.id", ondelete="CASCADE"), nullable=False)
    link_id: Mapped[int] = mapped_column(ForeignKey("account_link.id", ondelete="CASCADE"), nullable=False)
    month: Mapped[date] = mapped_column(Date, nullable=False)
    file_id: Mapped[Optional[int]] = mapped_column(ForeignKey("stored_file.id", ondelete="SET NULL"))
    sent: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    error: Mapped[Optional[str]] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("link_id", "month", name="uq_receipt_sending_link_month"),)
