"""Personal accounts and what the billing system knows of them (section D, seed 004).

The billing system owns these rows: they arrive by import (workflows/billing/imports) keyed by
the billing's own ids, and the portal never edits them — a consumer's «Редактировать» files a
data-change statement instead. Money is Numeric(14,2), never float; a month is the date of its
first day; meter values are Numeric(14,3).
"""
from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import (
    DDL,
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import TimestampMixin, utcnow

MONEY = Numeric(14, 2)
#: meter values and volumes: up to 3 decimals (кВт·ч, м³, Гкал)
VOLUME = Numeric(14, 3)
#: a price per unit may have more decimals than money (руб./Гкал)
PRICE = Numeric(14, 4)


class ReceiptDelivery:
    #: бумажная квитанция почтой (the billing's default)
    PAPER = "paper"
    #: электронная квитанция в личный кабинет и на электронную почту
    ELECTRONIC = "electronic"


class ChargeKind:
    #: начисление
    CHARGE = "charge"
    #: перерасчет
    RECALCULATION = "recalculation"
    #: льгота (a negative amount)
    BENEFIT = "benefit"
    #: пени
    PENALTY = "penalty"


CHARGE_KIND_LABELS = {
    ChargeKind.CHARGE: "Начисление",
    ChargeKind.RECALCULATION: "Перерасчет",
    ChargeKind.BENEFIT: "Льгота",
    ChargeKind.PENALTY: "Пени",
}


class ReadingSource:
    #: передано потребителем в личном кабинете
    CONSUMER = "consumer"
    #: внесено сотрудником (контрольное снятие, обращение в офис)
    STAFF = "staff"
    #: автоматическая система учета (АСКУЭ)
    AUTOMATIC = "automatic"
    #: пришло из биллинга (принятые к расчету)
    BILLING = "billing"


READING_SOURCE_LABELS = {
    ReadingSource.CONSUMER: "Личный кабинет",
    ReadingSource.STAFF: "Сотрудник",
    ReadingSource.AUTOMATIC: "Автоматически",
    ReadingSource.BILLING: "Биллинг",
}


class Service(TimestampMixin, Model):
    """A service billed to accounts (электроснабжение, ХВС, вывоз ТКО…)."""

    __tablename__ = "billing_service"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the billing system's code of the service
    code: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    #: unit of consumption, e.g. «кВт·ч», «м³»
    unit: Mapped[Optional[str]] = mapped_column(String(32))
    sort_order: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    def __repr__(self) -> str:
        return self.name


class PersonalAccount(TimestampMixin, Model):
    """A personal account («лицевой счет») as the billing system keeps it: number within a branch."""

    __tablename__ = "personal_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), nullable=False)
    number: Mapped[str] = mapped_column(String(32), nullable=False)
    #: наименование лицевого счета (e.g. «Квартира», «Дача»)
    title: Mapped[Optional[str]] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(500), nullable=False)
    owner_name: Mapped[str] = mapped_column(String(300), nullable=False)
    area_total: Mapped[Optional[Decimal]] = mapped_column(Numeric(10, 2))
    area_living: Mapped[Optional[Decimal]] = mapped_column(Numeric(10, 2))
    owners_count: Mapped[Optional[int]] = mapped_column(Integer)
    registered_count: Mapped[Optional[int]] = mapped_column(Integer)
    residing_count: Mapped[Optional[int]] = mapped_column(Integer)
    rooms: Mapped[Optional[int]] = mapped_column(Integer)
    #: «Газовая», «Электрическая», … as the billing names it
    stove_type: Mapped[Optional[str]] = mapped_column(String(64))
    electric_heating: Mapped[Optional[bool]] = mapped_column(Boolean)
    #: how the billing sends receipts (paper by post, or electronic)
    receipt_delivery: Mapped[str] = mapped_column(String(16), default=ReceiptDelivery.PAPER, nullable=False)
    #: closed accounts stay for history; they cannot be linked anew
    closed: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: folded «number / address / owner» for the staff search (app/models/search.py)
    search_text: Mapped[Optional[str]] = mapped_column(String(900))
    #: hash of the imported row: a re-import of the same row writes nothing
    row_hash: Mapped[Optional[str]] = mapped_column(String(32))

    branch = relationship("Branch")

    __table_args__ = (
        UniqueConstraint("branch_id", "number", name="uq_personal_account_branch_number"),
        Index("ix_personal_account_number", "number"),
        # the staff search finds any part of the folded text (LIKE '%…%'): a trigram index on
        # PostgreSQL (pg_trgm, created with the table); a plain one elsewhere
        Index("ix_personal_account_search_text", "search_text", postgresql_using="gin",
              postgresql_ops={"search_text": "gin_trgm_ops"}),
    )

    def __repr__(self) -> str:
        return self.number


# the trigram operator class of ix_personal_account_search_text comes with pg_trgm (a trusted
# extension: the database owner may create it)
event.listen(PersonalAccount.__table__, "before_create",
             DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))


class AccountService(Model):
    """A service provided on an account, by which supplier (D4 «Услуги»)."""

    __tablename__ = "account_service"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("personal_account.id", ondelete="CASCADE"), nullable=False)
    service_id: Mapped[int] = mapped_column(ForeignKey("billing_service.id"), nullable=False)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), nullable=False)
    since: Mapped[Optional[date]] = mapped_column(Date)
    until: Mapped[Optional[date]] = mapped_column(Date)
    row_hash: Mapped[Optional[str]] = mapped_column(String(32))

    service = relationship("Service")
    supplier = relationship("Supplier")

    __table_args__ = (UniqueConstraint("account_id", "service_id", "supplier_id", name="uq_account_service"),)


class TariffDocument(TimestampMixin, Model):
    """The act approving tariffs («Приказ … об утверждении тарифов»), downloadable by consumers (D4)."""

    __tablename__ = "tariff_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the billing system's code of the document
    code: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(500), nullable=False)
    #: the document's file, uploaded by an admin (None until then)
    file_id: Mapped[Optional[int]] = mapped_column(ForeignKey("stored_file.id", ondelete="SET NULL"))

    file = relationship("StoredFile")

    def __repr__(self) -> str:
        return self.title


class Tariff(TimestampMixin, Model):
    """A price per unit of a service in a day zone for a period; branch None = every branch."""

    __tablename__ = "tariff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    service_id: Mapped[int] = mapped_column(ForeignKey("billing_service.id"), nullable=False)
    branch_id: Mapped[Optional[int]] = mapped_column(ForeignKey("branch.id"))
    #: day zone: None (одноставочный), "T1", "T2", "T3"
    zone: Mapped[Optional[str]] = mapped_column(String(2))
    #: the zone's name, e.g. «День», «Ночь», «Пик», «Полупик»
    zone_name: Mapped[Optional[str]] = mapped_column(String(64))
    #: the consumer group the price applies to, e.g. «Население городское»
    group_name: Mapped[Optional[str]] = mapped_column(String(200))
    price: Mapped[Decimal] = mapped_column(PRICE, nullable=False)
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    #: last day the price holds; None = until further notice
    valid_to: Mapped[Optional[date]] = mapped_column(Date)
    document_id: Mapped[Optional[int]] = mapped_column(ForeignKey("tariff_document.id", ondelete="SET NULL"))
    row_hash: Mapped[Optional[str]] = mapped_column(String(32))

    service = relationship("Service")
    document = relationship("TariffDocument")

    __table_args__ = (Index("ix_tariff_service_period", "service_id", "valid_from"),)


class Meter(TimestampMixin, Model):
    """A meter («прибор учета») on an account; a replaced meter is removed and a new one starts."""

    __tablename__ = "meter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    account_id: Mapped[int] = mapped_column(ForeignKey("personal_account.id", ondelete="CASCADE"), nullable=False)
    service_id: Mapped[int] = mapped_column(ForeignKey("billing_service.id"), nullable=False)
    serial: Mapped[str] = mapped_column(String(64), nullable=False)
    #: type / model, e.g. «Меркурий 201.5»
    model: Mapped[Optional[str]] = mapped_column(String(200))
    #: where it hangs, e.g. «Лестничная площадка»
    location: Mapped[Optional[str]] = mapped_column(String(200))
    #: 1, 2 or 3 day zones (Т1–Т3)
    zones: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    #: zone names by code: {"T1": "День", "T2": "Ночь"}
    zone_names: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    #: digits before the decimal point: the meter wraps past 10**digits − 1
    digits: Mapped[int] = mapped_column(Integer, default=6, nullable=False)
    #: digits after the decimal point
    precision: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    #: дата очередной поверки
    verification_due: Mapped[Optional[date]] = mapped_column(Date)
    installed_on: Mapped[Optional[date]] = mapped_column(Date)
    removed_on: Mapped[Optional[date]] = mapped_column(Date)
    #: read by an automatic system: no manual readings
    auto_read: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    row_hash: Mapped[Optional[str]] = mapped_column(String(32))

    service = relationship("Service")

    __table_args__ = (Index("ix_meter_account", "account_id"),)


#: a reading made in the portal (by the consumer or staff) that no later one replaced
LIVE_PORTAL_READING = "superseded_at IS NULL AND source IN ('consumer', 'staff')"


class MeterReading(Model):
    """One reading of a meter, per zone; `accepted` = «принято к расчету» by the billing."""

    __tablename__ = "meter_reading"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the billing's id of a reading it sent; None for readings made in the portal
    external_id: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meter.id", ondelete="CASCADE"), nullable=False)
    #: the month the reading counts for
    period: Mapped[date] = mapped_column(Date, nullable=False)
    taken_on: Mapped[date] = mapped_column(Date, nullable=False)
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    t1: Mapped[Decimal] = mapped_column(VOLUME, nullable=False)
    t2: Mapped[Optional[Decimal]] = mapped_column(VOLUME)
    t3: Mapped[Optional[Decimal]] = mapped_column(VOLUME)
    accepted: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    submitted_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    row_hash: Mapped[Optional[str]] = mapped_column(String(32))
    #: the consumer confirmed «Счетчик прошел через ноль?» (a value below the last one is a wrap)
    rollover: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: a photo of the meter kept as evidence (D8)
    photo_id: Mapped[Optional[int]] = mapped_column(ForeignKey("stored_file.id", ondelete="SET NULL"))
    #: a later reading replaced this one (the consumer within the window, or staff correcting it);
    #: superseded readings stay as history and are never exported again
    superseded_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    superseded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("meter_reading.id", ondelete="SET NULL"))
    #: why this reading replaced an earlier one (staff must say; a consumer's replacement says so)
    change_reason: Mapped[Optional[str]] = mapped_column(Text)

    meter = relationship("Meter")
    photo = relationship("StoredFile")

    __table_args__ = (
        Index("ix_meter_reading_meter_period", "meter_id", "period"),
        # one live reading made in the portal per meter and month: of two sent at the same moment
        # (two tabs, two owners) one is stored and the other is told the reading changed
        Index("uq_meter_reading_live", "meter_id", "period", unique=True,
              sqlite_where=text(LIVE_PORTAL_READING), postgresql_where=text(LIVE_PORTAL_READING)),
    )


class Charge(Model):
    """A charge line of a month: account × supplier × service × kind («начисление», «перерасчет»…)."""

    __tablename__ = "charge"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("personal_account.id", ondelete="CASCADE"), nullable=False)
    month: Mapped[date] = mapped_column(Date, nullable=False)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), nullable=False)
    service_id: Mapped[int] = mapped_column(ForeignKey("billing_service.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), default=ChargeKind.CHARGE, nullable=False)
    amount: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    volume: Mapped[Optional[Decimal]] = mapped_column(VOLUME)
    price: Mapped[Optional[Decimal]] = mapped_column(PRICE)
    row_hash: Mapped[Optional[str]] = mapped_column(String(32))

    __table_args__ = (
        UniqueConstraint("account_id", "month", "supplier_id", "service_id", "kind", name="uq_charge_line"),
    )


class AccountPayment(Model):
    """A payment the billing registered on an account (bank, post office, the portal)."""

    __tablename__ = "account_payment"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    account_id: Mapped[int] = mapped_column(ForeignKey("personal_account.id", ondelete="CASCADE"), nullable=False)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), nullable=False)
    paid_on: Mapped[date] = mapped_column(Date, nullable=False)
    amount: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    #: where it was paid, as the billing names it («Сбербанк», «Почта России», «Личный кабинет»)
    source: Mapped[Optional[str]] = mapped_column(String(200))
    row_hash: Mapped[Optional[str]] = mapped_column(String(32))

    __table_args__ = (Index("ix_account_payment_account_date", "account_id", "paid_on"),)


class MonthlyBalance(Model):
    """The balance of an account with one supplier for a month (сальдо): positive = debt."""

    __tablename__ = "monthly_balance"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("personal_account.id", ondelete="CASCADE"), nullable=False)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), nullable=False)
    month: Mapped[date] = mapped_column(Date, nullable=False)
    opening: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    charged: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    paid: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    closing: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    row_hash: Mapped[Optional[str]] = mapped_column(String(32))

    __table_args__ = (
        UniqueConstraint("account_id", "supplier_id", "month", name="uq_monthly_balance"),
    )


class AccountLink(TimestampMixin, Model):
    """A consumer's link to an account (D2); several owners may link one account. Unlinking keeps
    the row (who, when, why) for staff."""

    __tablename__ = "account_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("personal_account.id", ondelete="CASCADE"), nullable=False)
    consumer_id: Mapped[int] = mapped_column(ForeignKey("consumer.id", ondelete="CASCADE"), nullable=False)
    #: the consumer's choice (D10): electronic receipt, to `receipt_email`
    receipt_electronic: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    #: where the electronic receipt goes; None = the profile's confirmed email
    receipt_email: Mapped[Optional[str]] = mapped_column(String(320))
    unlinked_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    unlinked_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    unlink_reason: Mapped[Optional[str]] = mapped_column(Text)

    account = relationship("PersonalAccount")
    consumer = relationship("ConsumerProfile")

    __table_args__ = (
        Index("ix_account_link_consumer", "consumer_id", "unlinked_at"),
        Index("ix_account_link_account", "account_id"),
    )
