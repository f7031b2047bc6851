"""The receipt's payment QR (issue 15, D5): ГОСТ Р 56042-2014 «Стандарты финансовых операций.
Двумерные символы штрихового кода для осуществления платежей физических лиц».

The text is the format identifier «ST0001» with its encoding digit («2» = UTF-8) and the
separator «|», then Name=value pairs: the five required ones (Name, PersonalAcc, BankName, BIC,
CorrespAcc) first, then the additional ones. No value may contain the separator: it is removed.
Sum is in kopecks; it is an additional field, so a month with nothing to pay leaves it out and
the payer's bank asks for the amount. The symbol is made by segno and embedded as a PNG.
"""
import io
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import segno

#: «ST0001» + «2»: UTF-8 (ГОСТ Р 56042-2014 п. 5.2.1); the separator «|»
HEADER = "ST00012"
SEPARATOR = "|"
#: the standard's longest values of the fields that may be long (п. 5.3, таблицы 1 и 2)
MAX_LENGTHS = {"Name": 160, "BankName": 45, "Purpose": 210}


@dataclass(frozen=True)
class PaymentDetails:
    """What one supplier's QR on one receipt says."""

    name: str
    personal_acc: str
    bank_name: str
    bic: str
    corresp_acc: str
    payee_inn: str
    kpp: str
    #: what to pay in roubles; None or ≤ 0 → no Sum field
    amount: Decimal | None
    purpose: str
    pers_acc: str
    period: date


def clean(value) -> str:
    """A field value as the standard allows it: no separator, no line breaks, trimmed."""
    text = " ".join(str(value or "").replace(SEPARATOR, " ").split())
    return text


def kopecks(amount: Decimal) -> int:
    return int((Decimal(amount) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def payload(details: PaymentDetails) -> str:
    """The QR text: «ST00012|Name=…|PersonalAcc=…|…|PaymPeriod=MMYYYY»."""
    pairs = [("Name", details.name), ("PersonalAcc", details.personal_acc), ("BankName", details.bank_name),
             ("BIC", details.bic), ("CorrespAcc", details.corresp_acc), ("PayeeINN", details.payee_inn),
             ("KPP", details.kpp)]
    if details.amount is not None and details.amount > 0:
        pairs.append(("Sum", str(kopecks(details.amount))))
    pairs += [("Purpose", details.purpose), ("PersAcc", details.pers_acc),
              ("PaymPeriod", details.period.strftime("%m%Y"))]
    fields = []
    for key, value in pairs:
        text = clean(value)[:MAX_LENGTHS.get(key, 1000)].strip()
        if text:
            fields.append(f"{key}={text}")
    return SEPARATOR.join([HEADER, *fields])


#: any of the 8 masks is a valid symbol (ISO/IEC 18004 §7.8): a fixed one spares segno scoring all
#: eight, two thirds of its time — what the monthly mailing of 100k receipts spends most on
MASK = 2


def png(text: str, scale: int = 3) -> bytes:
    """The QR symbol of `text` as a PNG (error correction M, UTF-8 bytes, quiet zone 4 modules)."""
    symbol = segno.make(text, error="m", micro=False, encoding="utf-8", mask=MASK)
    buffer = io.BytesIO()
    symbol.save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
