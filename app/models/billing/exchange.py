"""The exchange with the billing system (D1): import runs and their refused rows, integration
tokens, and the export stream with its cursor."""
from datetime import datetime
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import TimestampMixin, utcnow


class ImportKind:
    ACCOUNTS = "accounts"
    SERVICES = "services"
    ACCOUNT_SERVICES = "account_services"
    TARIFF_DOCUMENTS = "tariff_documents"
    TARIFFS = "tariffs"
    METERS = "meters"
    READINGS = "readings"
    CHARGES = "charges"
    PAYMENTS = "payments"
    BALANCES = "balances"


IMPORT_KIND_LABELS = {
    ImportKind.ACCOUNTS: "Лицевые счета",
    ImportKind.SERVICES: "Услуги",
    ImportKind.ACCOUNT_SERVICES: "Услуги по лицевым счетам",
    ImportKind.TARIFF_DOCUMENTS: "Документы об утверждении тарифов",
    ImportKind.TARIFFS: "Тарифы",
    ImportKind.METERS: "Приборы учета",
    ImportKind.READINGS: "Показания, принятые к расчету",
    ImportKind.CHARGES: "Начисления",
    ImportKind.PAYMENTS: "Оплаты",
    ImportKind.BALANCES: "Сальдо",
}


class ImportState:
    #: waiting for a worker
    QUEUED = "queued"
    RUNNING = "running"
    #: every row read; some may be in the error file
    DONE = "done"
    #: the file could not be read at all (encoding, header): nothing applied
    FAILED = "failed"


class ImportRun(Model):
    """One import of one file (D1): its progress, counts and the rows refused."""

    __tablename__ = "import_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    #: "csv" | "json"
    file_format: Mapped[str] = mapped_column(String(8), nullable=False)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"), nullable=False)
    state: Mapped[str] = mapped_column(String(16), default=ImportState.QUEUED, nullable=False)
    #: the encoding detected (utf-8, cp1251)
    encoding: Mapped[Optional[str]] = mapped_column(String(16))
    total: Mapped[Optional[int]] = mapped_column(Integer)
    processed: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    created: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    updated: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    unchanged: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    errors: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    #: why the whole file was refused (state FAILED)
    failure: Mapped[Optional[str]] = mapped_column(Text)
    started_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    #: pushed through the API by this integration token (None = uploaded by an admin)
    token_id: Mapped[Optional[int]] = mapped_column(ForeignKey("integration_token.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    started_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    finished_at: Mapped[Optional[datetime]] = mapped_column(DateTime)

    file = relationship("StoredFile")

    __table_args__ = (Index("ix_import_run_created", "created_at"),)


class ImportRowError(Model):
    """A row an import refused: its number in the file and why (the downloadable error file)."""

    __tablename__ = "import_row_error"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("import_run.id", ondelete="CASCADE"), nullable=False)
    #: the row's line in a CSV (the header is line 1), its position in a JSON array (from 1)
    row_number: Mapped[int] = mapped_column(Integer, nullable=False)
    #: the column at fault, if one
    column: Mapped[Optional[str]] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    #: the row as read (for the error file), trimmed
    raw: Mapped[Optional[str]] = mapped_column(Text)

    __table_args__ = (Index("ix_import_row_error_run", "run_id", "row_number"),)


class IntegrationToken(TimestampMixin, Model):
    """A billing system's token for the exchange API; only its SHA-256 is kept."""

    __tablename__ = "integration_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: the first characters, shown to tell tokens apart
    prefix: Mapped[str] = mapped_column(String(12), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"))
    last_used_at: Mapped[Optional[datetime]] = mapped_column(DateTime)
    revoked_at: Mapped[Optional[datetime]] = mapped_column(DateTime)


class ExportKind:
    READINGS = "readings"
    DATA_CHANGES = "data_changes"
    APPEALS = "appeals"
    PAYMENTS = "payments"


EXPORT_KIND_LABELS = {
    ExportKind.READINGS: "Переданные показания",
    ExportKind.DATA_CHANGES: "Заявления на изменение данных",
    ExportKind.APPEALS: "Обращения",
    ExportKind.PAYMENTS: "Оплаты",
}


class ExportItem(Model):
    """One row for the billing system (D1 export), written in the transaction of the change it
    reports. `seq` is stamped at export time under a lock, in commit order, so a cursor over it
    never skips a row committed late nor repeats one."""

    __tablename__ = "billing_export_item"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    #: the exported row, as the export formats it (docs/billing-exchange.md)
    payload: Mapped[dict] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    #: position in the export stream; None until an export stamps it
    seq: Mapped[Optional[int]] = mapped_column(BigInteger)

    __table_args__ = (
        UniqueConstraint("kind", "seq", name="uq_billing_export_item_kind_seq"),
        Index("ix_billing_export_item_unstamped", "kind", "id"),
    )


class ExportSequence(Model):
    """The last `seq` stamped, per kind; its row is locked while stamping (one stamper at a time)."""

    __tablename__ = "billing_export_sequence"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0, nullable=False)
