"""Factory functions for tests: users of each role, consumers with valid identifiers."""
import itertools
import random

from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

from app.extensions import db
from app.core.identifiers import make_snils, ogrnip_check_digit
from app.models import LegalForm
from app.core.users import create_consumer, create_user

PASSWORD = "Secret-123!"
_counter = itertools.count(1)


def unique_digits(length: int) -> str:
    return "".join(random.choice("0123456789") for _ in range(length - 1)).rjust(length - 1, "1")


def valid_snils() -> str:
    return make_snils(str(random.randint(2_000_000, 999_999_999)).rjust(9, "0"))


def valid_inn_person() -> str:
    base = "77" + "".join(random.choice("0123456789") for _ in range(8))
    return base + stdnum_inn.calc_personal_check_digits(base)


def valid_inn_company() -> str:
    base = "77" + "".join(random.choice("0123456789") for _ in range(7))
    return base + stdnum_inn.calc_company_check_digit(base)


def valid_ogrn() -> str:
    base = "1027" + "".join(random.choice("0123456789") for _ in range(8))
    return base + stdnum_ogrn.calc_check_digit(base + "0")


def valid_ogrnip() -> str:
    base = "3045" + "".join(random.choice("0123456789") for _ in range(10))
    return base + ogrnip_check_digit(base)


def unique_phone() -> str:
    return "+7912" + str(random.randint(0, 9_999_999)).rjust(7, "0")


def make_consumer(legal_form: LegalForm = LegalForm.INDIVIDUAL, *, password: str = PASSWORD,
                  confirmed: bool = True, commit: bool = True, **profile):
    """A consumer with a login and every identifier of its legal form; returns the user."""
    n = next(_counter)
    fields = {"legal_form": legal_form.value, "last_name": "Иванов", "first_name": "Пётр",
              "middle_name": "Сергеевич"}
    if legal_form is LegalForm.INDIVIDUAL:
        fields.update(snils=valid_snils(), inn=valid_inn_person())
    elif legal_form is LegalForm.ENTREPRENEUR:
        fields.update(inn=valid_inn_person(), ogrnip=valid_ogrnip(), org_name=f"ИП Иванов П. С. {n}")
    else:
        fields.update(inn=valid_inn_company(), ogrn=valid_ogrn(), kpp="773601001",
                      org_name=f"ООО «Тест {n}»", position="Директор")
    fields.update(profile)
    consumer = create_consumer(
        user_fields={"email": f"consumer{n}-{random.randint(0, 10**6)}@example.ru", "first_name": fields["first_name"],
                     "last_name": fields["last_name"], "phone": unique_phone(), "password": password,
                     "confirmed": confirmed},
        profile_fields=fields,
    )
    if commit:
        db.session.commit()
    return consumer.user


def make_staff(role: str = "Staff", *, password: str = PASSWORD, commit: bool = True):
    n = next(_counter)
    user = create_user(email=f"{role.lower()}{n}-{random.randint(0, 10**6)}@example.ru", first_name="Анна",
                       last_name="Сотрудникова", role_names=[role], password=password, confirmed=True)
    if commit:
        db.session.commit()
    return user
