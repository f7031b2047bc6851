"""«Лицевые счета» in the API: GET /personal-accounts (the consumer's linked accounts with their
balance, workflows/billing/links.py + balance.py) and GET /personal-accounts/{id}/charges (a cursor
over the charges, workflows/api/charges.py; 404 for an account the consumer has not linked)."""
from marshmallow import Schema, fields

from app.api.v1.blueprint import ApiBlueprint
from app.api.v1.paging import CursorArgs, cursor_page, page_schema
from app.extensions import db
from app.models.billing.accounts import CHARGE_KIND_LABELS
from app.security.access import current_consumer
from workflows.api import charges
from workflows.billing import links
from workflows.billing.balance import balance_of

api = ApiBlueprint("billing", "Лицевые счета, баланс и начисления")


def money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _money_field(description: str, **kwargs):
    return fields.String(metadata={"description": f"{description}, рублей («1234.56»)"}, **kwargs)


class PersonalAccountSchema(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    address = fields.String(required=True)
    branch = fields.String(required=True)
    balance = _money_field("Задолженность (+) или переплата (−)", required=True)
    receipt_electronic = fields.Boolean(required=True, metadata={"description": "Квитанция по email"})


class PersonalAccountListSchema(Schema):
    items = fields.List(fields.Nested(PersonalAccountSchema), required=True)


class ChargeSchema(Schema):
    id = fields.Integer(required=True)
    month = fields.Date(required=True, metadata={"description": "Первое число месяца"})
    supplier = fields.String(required=True)
    service = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": ", ".join(CHARGE_KIND_LABELS)})
    kind_label = fields.String(required=True)
    amount = _money_field("Сумма", required=True)
    volume = fields.String(allow_none=True, metadata={"description": "Объем"})
    unit = fields.String(allow_none=True)


def _account(link) -> dict:
    account = link.account
    return {"id": account.id, "number": account.number, "address": account.address,
            "branch": account.branch.name, "balance": money(balance_of(account.id)),
            "receipt_electronic": bool(link.receipt_electronic)}


def _charge(row) -> dict:
    return {"id": row.id, "month": row.month, "supplier": row.supplier, "service": row.service, "kind": row.kind,
            "kind_label": CHARGE_KIND_LABELS.get(row.kind, row.kind), "amount": money(row.amount),
            "volume": None if row.volume is None else str(row.volume.normalize()), "unit": row.unit}


@api.route("/personal-accounts", methods=["GET"])
@api.auth()
@api.response(200, PersonalAccountListSchema)
def personal_accounts(user):
    """Мои лицевые счета с балансом."""
    return {"items": [_account(link) for link in links.linked(current_consumer(user))]}


@api.route("/personal-accounts/<int:account_id>/charges", methods=["GET"])
@api.auth()
@api.arguments(CursorArgs, location="query")
@api.response(200, page_schema(ChargeSchema))
@api.alt_response(400, response="BAD_REQUEST")
def account_charges(user, args, account_id):
    """Начисления по лицевому счету, новые сначала (за последние 3 года)."""
    page = cursor_page(charges.charges_of(user, account_id), charges.KEYS, args, rows=db.session.execute)
    return {"items": [_charge(row) for row in page.items], "next_cursor": page.next_cursor}
