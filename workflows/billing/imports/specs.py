"""What each kind of billing file holds, as data (docs/billing/import.md says the same in words).

A kind lists its columns — the header name in the file, the model field it fills, its parser,
whether it is required, and the dictionary it refers to by code — and the key the billing
identifies a row by (the model's unique constraint): a row whose key exists updates that record
when its content changed, writes nothing when it did not, and inserts otherwise.

Columns named `branch` + `account` of a kind other than accounts name an account by the
billing's (branch code, account number) and fill `account_id`; `meter` of readings names a
meter by the billing's id and fills `meter_id`; `portal_id` of readings names a reading the
portal exported, which the row marks accepted (accepting.py).
"""
from dataclasses import dataclass, field
from typing import Callable

from app.models import (
    AccountPayment,
    AccountService,
    Charge,
    Meter,
    MeterReading,
    MonthlyBalance,
    PersonalAccount,
    Service,
    Tariff,
    TariffDocument,
)
from app.models.billing import CHARGE_KIND_LABELS, ChargeKind, ImportKind, ReadingSource, ReceiptDelivery
from workflows.billing.imports import values as v
from workflows.billing.imports.values import RowError

#: charge kinds whose amount may be below zero: a benefit lowers the bill, a recalculation may
CREDIT_KINDS = {ChargeKind.BENEFIT, ChargeKind.RECALCULATION}
DELIVERY_LABELS = {ReceiptDelivery.PAPER: "бумажная", ReceiptDelivery.ELECTRONIC: "электронная"}
ZONES = {"T1": "Т1", "T2": "Т2", "T3": "Т3"}


@dataclass(frozen=True)
class Column:
    #: the header in the file (ascii, lower case)
    name: str
    #: the model field it fills; None: used only to find a referenced row
    field: str | None
    parse: Callable = v.text
    required: bool = False
    #: a dictionary looked up by code: "branch", "supplier", "service", "document"
    ref: str | None = None


@dataclass(frozen=True)
class KindSpec:
    kind: str
    model: type
    columns: tuple[Column, ...]
    #: the model fields of the billing's key (the unique constraint the upsert targets)
    key: tuple[str, ...]
    #: fields every row gets regardless of the file
    constant: dict = field(default_factory=dict)
    #: rows name an account by (branch, account) → account_id; a reading names a meter → meter_id
    account: bool = False
    meter: bool = False
    #: a rule over the whole parsed row (after the cells): raises RowError
    check: Callable | None = None
    #: fields computed from the parsed row
    derive: Callable | None = None
    #: a row naming a reading made in the portal (`portal_id`) marks it accepted instead of being
    #: stored (accepting.py)
    portal: bool = False
    #: a row naming a payment made in the portal (`portal_id`) marks it registered and is stored
    #: too (confirming.py)
    confirms: bool = False

    @property
    def table(self):
        return self.model.__table__

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def fields(self) -> list[str]:
        """Model fields a row writes (besides timestamps and row_hash), in a fixed order."""
        names = [c.field for c in self.columns if c.field] + list(self.constant)
        if self.account:
            names.append("account_id")
        if self.meter:
            names.append("meter_id")
        if self.derive:
            names += list(self.derive({}))
        return [name for name in dict.fromkeys(names) if name in self.table.c]


def _charge_sign(row: dict) -> None:
    if row["amount"] < 0 and row.get("kind") not in CREDIT_KINDS:
        raise RowError("Сумма не может быть отрицательной (кроме льгот и перерасчетов)", "amount")


def _tariff_period(row: dict) -> None:
    if row.get("valid_to") and row["valid_to"] < row["valid_from"]:
        raise RowError("Дата окончания раньше даты начала", "valid_to")


def _meter_zones(row: dict) -> None:
    if row.get("zones") not in (None, 1, 2, 3):
        raise RowError("Число зон: 1, 2 или 3", "zones")


def _account_search(row: dict) -> dict:
    from app.models.search import search_key

    return {"search_text": search_key(row.get("number"), row.get("address"), row.get("owner_name"))}


BRANCH = Column("branch", "branch_id", required=True, ref="branch")
ACCOUNT = Column("account", None, required=True)
SUPPLIER = Column("supplier", "supplier_id", required=True, ref="supplier")
SERVICE = Column("service", "service_id", required=True, ref="service")

SPECS: dict[str, KindSpec] = {spec.kind: spec for spec in (
    KindSpec(ImportKind.SERVICES, Service, (
        Column("code", "code", required=True),
        Column("name", "name", required=True),
        Column("unit", "unit"),
        Column("sort_order", "sort_order", v.integer),
        Column("active", "active", v.boolean),
    ), key=("code",)),
    KindSpec(ImportKind.ACCOUNTS, PersonalAccount, (
        BRANCH,
        Column("account", "number", required=True),
        Column("title", "title"),
        Column("address", "address", required=True),
        Column("owner", "owner_name", required=True),
        Column("area_total", "area_total", v.not_negative),
        Column("area_living", "area_living", v.not_negative),
        Column("owners_count", "owners_count", v.integer),
        Column("registered_count", "registered_count", v.integer),
        Column("residing_count", "residing_count", v.integer),
        Column("rooms", "rooms", v.integer),
        Column("stove_type", "stove_type"),
        Column("electric_heating", "electric_heating", v.boolean),
        Column("receipt_delivery", "receipt_delivery", v.choice(DELIVERY_LABELS)),
        Column("closed", "closed", v.boolean),
    ), key=("branch_id", "number"), derive=_account_search),
    KindSpec(ImportKind.ACCOUNT_SERVICES, AccountService, (
        BRANCH, ACCOUNT, SERVICE, SUPPLIER,
        Column("since", "since", v.day),
        Column("until", "until", v.day),
    ), key=("account_id", "service_id", "supplier_id"), account=True),
    KindSpec(ImportKind.TARIFF_DOCUMENTS, TariffDocument, (
        Column("code", "code", required=True),
        Column("title", "title", required=True),
    ), key=("code",)),
    KindSpec(ImportKind.TARIFFS, Tariff, (
        Column("tariff", "external_id", required=True),
        SERVICE,
        Column("branch", "branch_id", ref="branch"),
        Column("zone", "zone", v.choice(ZONES)),
        Column("zone_name", "zone_name"),
        Column("group", "group_name"),
        Column("price", "price", v.not_negative, required=True),
        Column("valid_from", "valid_from", v.day, required=True),
        Column("valid_to", "valid_to", v.day),
        Column("document", "document_id", ref="document"),
    ), key=("external_id",), check=_tariff_period),
    KindSpec(ImportKind.METERS, Meter, (
        Column("meter", "external_id", required=True),
        BRANCH, ACCOUNT, SERVICE,
        Column("serial", "serial", required=True),
        Column("model", "model"),
        Column("location", "location"),
        Column("zones", "zones", v.integer),
        Column("zone_names", "zone_names", v.zone_names),
        Column("digits", "digits", v.integer),
        Column("precision", "precision", v.integer),
        Column("verification_due", "verification_due", v.day),
        Column("installed_on", "installed_on", v.day),
        Column("removed_on", "removed_on", v.day),
        Column("auto_read", "auto_read", v.boolean),
    ), key=("external_id",), account=True, check=_meter_zones),
    KindSpec(ImportKind.READINGS, MeterReading, (
        Column("reading", "external_id", required=True),
        Column("meter", None, required=True),
        Column("period", "period", v.month, required=True),
        Column("taken_on", "taken_on", v.day, required=True),
        Column("t1", "t1", v.not_negative, required=True),
        Column("t2", "t2", v.not_negative),
        Column("t3", "t3", v.not_negative),
        # the id the export gave a reading made in the portal: the billing accepted that very one
        Column("portal_id", None, v.integer),
    ), key=("external_id",), meter=True, constant={"source": ReadingSource.BILLING, "accepted": True},
        portal=True),
    KindSpec(ImportKind.CHARGES, Charge, (
        BRANCH, ACCOUNT,
        Column("month", "month", v.month, required=True),
        SUPPLIER, SERVICE,
        Column("kind", "kind", v.choice(CHARGE_KIND_LABELS)),
        Column("amount", "amount", v.decimal, required=True),
        Column("volume", "volume", v.decimal),
        Column("price", "price", v.not_negative),
    ), key=("account_id", "month", "supplier_id", "service_id", "kind"), account=True, check=_charge_sign),
    KindSpec(ImportKind.PAYMENTS, AccountPayment, (
        Column("payment", "external_id", required=True),
        BRANCH, ACCOUNT, SUPPLIER,
        Column("paid_on", "paid_on", v.day, required=True),
        Column("amount", "amount", v.positive, required=True),
        Column("source", "source"),
        # the payment id the export gave a payment made in the portal: the billing registered it
        Column("portal_id", None, v.integer),
    ), key=("external_id",), account=True, confirms=True),
    KindSpec(ImportKind.BALANCES, MonthlyBalance, (
        BRANCH, ACCOUNT, SUPPLIER,
        Column("month", "month", v.month, required=True),
        Column("opening", "opening", v.decimal, required=True),
        Column("charged", "charged", v.decimal, required=True),
        Column("paid", "paid", v.decimal, required=True),
        Column("closing", "closing", v.decimal, required=True),
    ), key=("account_id", "supplier_id", "month"), account=True),
)}

#: defaults for optional model fields the file left empty (what the model would default to)
DEFAULTS = {"kind": ChargeKind.CHARGE, "zones": 1, "zone_names": {}, "digits": 6, "precision": 0,
            "auto_read": False, "closed": False, "receipt_delivery": ReceiptDelivery.PAPER,
            "sort_order": 0, "active": True}
