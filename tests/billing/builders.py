"""Billing rows for tests, written directly (the import has its own tests): a branch, a supplier,
a service, an account with charges, balances, payments, meters and tariffs, and a consumer's link.

Every builder flushes; the test commits (or calls `commit()`) before requests read the rows.
"""
import itertools
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import (
    AccountLink,
    AccountPayment,
    AccountService,
    Branch,
    Charge,
    Meter,
    MonthlyBalance,
    PersonalAccount,
    Service,
    Supplier,
    Tariff,
    TariffDocument,
)
from app.models.search import search_key

_counter = itertools.count(1)


def _get_or_add(model, code: str, **fields):
    row = db.session.scalar(select(model).where(model.code == code))
    if row is None:
        row = model(code=code, **fields)
        db.session.add(row)
        db.session.flush()
    return row


def branch(code: str = "01", name: str = "Центральный филиал", reading_days=(15, 25)) -> Branch:
    return _get_or_add(Branch, code, name=name, reading_day_from=reading_days[0], reading_day_to=reading_days[1])


def supplier(code: str = "ES", name: str = "АО «Энергосбыт»") -> Supplier:
    return _get_or_add(Supplier, code, name=name, inn="7701234567", kpp="770101001", bank_name="ПАО Сбербанк",
                       bik="044525225", account="40702810938000000001", corr_account="30101810400000000225")


def service(code: str = "EL", name: str = "Электроснабжение", unit: str = "кВт·ч") -> Service:
    return _get_or_add(Service, code, name=name, unit=unit)


def account(number: str | None = None, *, owner_name: str = "Иванов Иван Иванович",
            address: str = "г. Самара, ул. Ленина, д. 1, кв. 1", of_branch: Branch | None = None,
            **fields) -> PersonalAccount:
    """An open account of `of_branch` (the default branch) with the seed's requisites."""
    number = number or f"{next(_counter):010d}"
    defaults = dict(area_total=Decimal("54.30"), area_living=Decimal("38.10"), owners_count=1, registered_count=2,
                    residing_count=2, rooms=2, stove_type="Электрическая", electric_heating=False)
    defaults.update(fields)
    row = PersonalAccount(branch_id=(of_branch or branch()).id, number=number, owner_name=owner_name,
                          address=address, search_text=search_key(number, address, owner_name), **defaults)
    db.session.add(row)
    db.session.flush()
    return row


def provide(acc: PersonalAccount, of_service: Service | None = None, by: Supplier | None = None) -> AccountService:
    row = AccountService(account_id=acc.id, service_id=(of_service or service()).id,
                         supplier_id=(by or supplier()).id, since=date(2020, 1, 1))
    db.session.add(row)
    db.session.flush()
    return row


def charge(acc: PersonalAccount, month: date, amount: str, *, kind: str = "charge", volume: str | None = None,
           of_service: Service | None = None, by: Supplier | None = None) -> Charge:
    row = Charge(account_id=acc.id, month=month, supplier_id=(by or supplier()).id,
                 service_id=(of_service or service()).id, kind=kind, amount=Decimal(amount),
                 volume=Decimal(volume) if volume else None)
    db.session.add(row)
    db.session.flush()
    return row


def balance(acc: PersonalAccount, month: date, closing: str, *, opening: str = "0", charged: str = "0",
            paid: str = "0", by: Supplier | None = None) -> MonthlyBalance:
    row = MonthlyBalance(account_id=acc.id, supplier_id=(by or supplier()).id, month=month,
                         opening=Decimal(opening), charged=Decimal(charged), paid=Decimal(paid),
                         closing=Decimal(closing))
    db.session.add(row)
    db.session.flush()
    return row


def payment(acc: PersonalAccount, paid_on: date, amount: str, *, by: Supplier | None = None,
            source: str = "Сбербанк") -> AccountPayment:
    row = AccountPayment(external_id=f"P{next(_counter)}", account_id=acc.id, supplier_id=(by or supplier()).id,
                         paid_on=paid_on, amount=Decimal(amount), source=source)
    db.session.add(row)
    db.session.flush()
    return row


def meter(acc: PersonalAccount, *, serial: str | None = None, zones: int = 1, of_service: Service | None = None,
          **fields) -> Meter:
    names = {1: {"T1": "Круглосуточно"}, 2: {"T1": "День", "T2": "Ночь"},
             3: {"T1": "Пик", "T2": "Полупик", "T3": "Ночь"}}[zones]
    n = next(_counter)
    row = Meter(external_id=f"M{n}", account_id=acc.id, service_id=(of_service or service()).id,
                serial=serial or f"{n:08d}", model="Меркурий 201.5", zones=zones, zone_names=names,
                digits=6, verification_due=date(2030, 6, 30), installed_on=date(2019, 3, 1), **fields)
    db.session.add(row)
    db.session.flush()
    return row


def tariff(price: str, valid_from: date, valid_to: date | None = None, *, zone: str | None = None,
           zone_name: str | None = None, of_service: Service | None = None,
           document: TariffDocument | None = None) -> Tariff:
    row = Tariff(external_id=f"T{next(_counter)}", service_id=(of_service or service()).id, zone=zone,
                 zone_name=zone_name, group_name="Население", price=Decimal(price), valid_from=valid_from,
                 valid_to=valid_to, document_id=document.id if document else None)
    db.session.add(row)
    db.session.flush()
    return row


def link(consumer_user, acc: PersonalAccount, **fields) -> AccountLink:
    """`consumer_user` (a login from tests.factories.make_consumer) has linked `acc`."""
    row = AccountLink(account_id=acc.id, consumer_id=consumer_user.consumer.id, **fields)
    db.session.add(row)
    db.session.flush()
    return row


def commit() -> None:
    db.session.commit()
