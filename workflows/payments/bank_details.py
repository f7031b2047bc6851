"""A supplier's bank details checked as an admin enters them (issue 15, D5): what the receipt's
payment QR (ГОСТ Р 56042-2014) carries must be a payable account.

Pure functions: each returns the message to show under its field, or None when the value is right.
The control key of an account is the Bank of Russia's: the 23 digits «3 digits from the BIC + the
20 digits of the account», weighted 7, 1, 3, 7, 1, 3, … sum to a multiple of 10. For a settlement
account the 3 digits are the BIC's last three; for a correspondent account «0» and the BIC's 5th
and 6th digits (the code of its settlement network division).
"""
import re

from flask_babel import lazy_gettext as _l
from stdnum.exceptions import ValidationError
from stdnum.ru import inn as ru_inn

WEIGHTS = (7, 1, 3)

MSG_BIC = _l("БИК — 9 цифр, начинается с 04")
MSG_ACCOUNT_DIGITS = _l("Счет — 20 цифр")
MSG_ACCOUNT_KEY = _l("Неверный контрольный ключ счета: проверьте номер счета и БИК")
MSG_ACCOUNT_NEEDS_BIC = _l("Укажите верный БИК: по нему проверяется номер счета")
MSG_CORR_PREFIX = _l("Корреспондентский счет начинается с 301")
MSG_CORR_BIC = _l("Корреспондентский счет оканчивается тремя последними цифрами БИК")
MSG_INN = _l("ИНН организации — 10 цифр с верными контрольными цифрами")
MSG_KPP = _l("КПП — 9 знаков: 4 цифры, 2 цифры или заглавные латинские буквы, 3 цифры")

_BIC = re.compile(r"04\d{7}")
_TWENTY = re.compile(r"\d{20}")
_KPP = re.compile(r"\d{4}[\dA-Z]{2}\d{3}")


def control_sum_ok(digits: str) -> bool:
    """The 23 digits weighted 7, 1, 3, … sum to a multiple of 10."""
    return sum(int(d) * WEIGHTS[i % 3] for i, d in enumerate(digits)) % 10 == 0


def bic_problem(bic: str | None) -> str | None:
    return None if bic and _BIC.fullmatch(bic) else str(MSG_BIC)


def settlement_account_problem(account: str | None, bic: str | None) -> str | None:
    """A settlement (расчетный) account: 20 digits whose key checks with the BIC's last 3 digits."""
    if not account or not _TWENTY.fullmatch(account):
        return str(MSG_ACCOUNT_DIGITS)
    if bic_problem(bic):
        return str(MSG_ACCOUNT_NEEDS_BIC)
    return None if control_sum_ok(bic[-3:] + account) else str(MSG_ACCOUNT_KEY)


def correspondent_account_problem(account: str | None, bic: str | None) -> str | None:
    """A correspondent account: 20 digits, «301…», ending in the BIC's last 3 digits, its key
    checked with «0» + the BIC's 5th and 6th digits."""
    if not account or not _TWENTY.fullmatch(account):
        return str(MSG_ACCOUNT_DIGITS)
    if not account.startswith("301"):
        return str(MSG_CORR_PREFIX)
    if bic_problem(bic):
        return str(MSG_ACCOUNT_NEEDS_BIC)
    if account[-3:] != bic[-3:]:
        return str(MSG_CORR_BIC)
    return None if control_sum_ok("0" + bic[4:6] + account) else str(MSG_ACCOUNT_KEY)


def inn_problem(inn: str | None) -> str | None:
    """A company's INN: 10 digits with its check digit (python-stdnum)."""
    if not inn or len(inn) != 10:
        return str(MSG_INN)
    try:
        ru_inn.validate(inn)
    except ValidationError:
        return str(MSG_INN)
    return None


def kpp_problem(kpp: str | None) -> str | None:
    return None if kpp and _KPP.fullmatch(kpp) else str(MSG_KPP)


def problems(*, bic, account, corr_account, inn, kpp) -> dict[str, str]:
    """Field → message for each wrong value of a supplier's details (empty when all are right)."""
    found = {"bik": bic_problem(bic), "account": settlement_account_problem(account, bic),
             "corr_account": correspondent_account_problem(corr_account, bic), "inn": inn_problem(inn),
             "kpp": kpp_problem(kpp)}
    return {name: message for name, message in found.items() if message}
