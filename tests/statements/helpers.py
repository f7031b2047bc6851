"""The statements tests' world: a consumer with «Мои данные» filled in and a linked account with
a supplier, the statement types and topics seeded; a helper that sends «Подать заявление»."""
import io
from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, Attachment, StoredFile
from tests.billing import builders as b
from tests.factories import make_consumer
from workflows.admin.defaults import seed_topics
from workflows.statements.types import SPECS, seed_statement_types

#: «Мои данные» filled in: a statement is submitted like every application
PROFILE = dict(birth_date=date(1980, 5, 1), passport_series="4510", passport_number="123456",
               passport_issued_by="ОВД Тверского района", passport_issued_on=date(2005, 6, 1),
               registration_address="г. Самара, ул. Ленина, 1", postal_address="г. Самара, ул. Ленина, 1")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NEW = "/my/statements/new"
#: a valid value of every own field code the 18 topics use
OWN_VALUES = {
    "period_from": "01.01.2026", "period_to": "31.03.2026", "on_date": "01.06.2026", "debt_amount": "12500,50",
    "term_months": "6", "object_address": "г. Самара, ул. Гагарина, д. 5, кв. 12", "area": "54,3", "residents": "3",
    "basis": "Выписка из ЕГРН от 01.02.2026", "close_on": "30.06.2026", "final_readings": "12345",
    "new_owner": "Петрова Мария Ивановна", "owned_since": "15.05.2026", "what_to_change": "Площадь: 54,3 → 60,1",
    "meter": "№ 01234567, Меркурий 201.5, лестничная площадка", "wanted_on": "15.12.2030",
    "readings": "T1 4321", "amount": "1500,00", "bik": "044525225", "bank_account": "40817810099910004312",
    "recipient": "Иванов Пётр Сергеевич", "paid_on": "10.11.2026", "target_account": "0000123456",
    "persons": "2", "zones": "Двухзонный (день/ночь)",
    "reducing_basis": "Дом оборудован стационарными электроплитами",
}


def seed(*codes: str) -> None:
    """The statement topics, and the types of `codes` (all 18 when none: seeding them all costs
    a third of a second a test)."""
    seed_statement_types(codes or None)
    seed_topics()


def consumer_with_account(supplier_code="ES", supplier_name="АО «Энергосбыт»"):
    """A consumer with a linked account served by one supplier: (user, account, supplier)."""
    user = make_consumer(**PROFILE)
    account = b.account()
    supplier = b.supplier(supplier_code, supplier_name)
    b.provide(account, by=supplier)
    b.link(user, account)
    b.commit()
    return user, account, supplier


def own_fields(code: str) -> list[dict]:
    """The own fields of a shipped topic (none for a topic an admin added)."""
    spec = next((s for s in SPECS if s["code"] == code), {"fields": []})
    return [f for f in spec["fields"] if f["code"] not in
            ("full_name", "account_number", "supplier", "text", "phone", "email")]


def form_data(topic: str, account, supplier, /, **changes) -> dict:
    """Everything a consumer types into a valid statement of `topic`."""
    data = {"topic": topic, "full_name": "Иванов Пётр Сергеевич", "account_id": str(account.id),
            "supplier_id": str(supplier.id), "text": "Прошу рассмотреть заявление", "phone": "+7 912 000-11-22",
            "email": "ivanov@example.ru", "consent": "y"}
    data.update({f"f_{f['code']}": OWN_VALUES[f["code"]] for f in own_fields(topic)})
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def post(client, data: dict, files=()):
    body = dict(data)
    if files:
        body["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(NEW, data=body, content_type="multipart/form-data")


def counts() -> tuple[int, int, int]:
    """(applications, attachments, stored files): what a refused statement must leave unchanged."""
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Application, Attachment, StoredFile))


def text(response) -> str:
    return response.get_data(as_text=True).replace("\u00a0", " ")
