"""Bad input in a billing file (D1): a file that cannot be read is refused whole with its reason
and nothing applied; a bad row is refused with its line, column and reason, and every other row
is applied."""
import pytest
from sqlalchemy import func, select

from app.core.errors import Invalid
from app.extensions import db
from app.models import AccountPayment, Charge, ImportRowError, PersonalAccount
from tests.billing import builders
from tests.billing.test_import_samples import dictionaries, import_file  # noqa: F401
from workflows.billing.imports import commands, progress, start_import

ACCOUNTS_HEADER = "branch;account;address;owner\n"


def refused(run) -> list[tuple]:
    rows = db.session.scalars(select(ImportRowError).where(ImportRowError.run_id == run.id)
                              .order_by(ImportRowError.row_number))
    return [(row.row_number, row.column, row.reason) for row in rows]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_file_in_neither_encoding_is_refused_whole(dictionaries):
    data = (ACCOUNTS_HEADER + "01;1;г. Самара;Иванов\n").encode() + b"01;2;\x98\xff\xfe;x\n"
    run = import_file("accounts", "accounts.csv", data)
    assert progress(run)["state"] == "failed"
    assert "UTF-8" in run.failure and "Windows-1251" in run.failure
    assert count(PersonalAccount) == 0 and refused(run) == []


@pytest.mark.parametrize("name, data, reason", [
    ("accounts.csv", b"branch;account;address\n01;1;x\n", "Нет столбца «owner»"),
    ("accounts.json", b'[{"branch": "01", "account": "1", "owner": "x"}]', "Нет столбца «address»"),
    ("accounts.json", b'[{"branch": "01", "account": "1", "address": "a", "owner": "x"},', "массив не закрыт"),
    ("accounts.json", b'[{"branch": "01" "account": "1"}]', "поврежден"),
])
def test_a_missing_column_or_a_broken_json_refuses_the_file(dictionaries, name, data, reason):
    run = import_file("accounts", name, data)
    assert run.state == "failed" and reason in run.failure
    assert count(PersonalAccount) == 0


def test_a_key_twice_in_one_file_refuses_the_later_row_even_across_batches(dictionaries, monkeypatch):
    monkeypatch.setattr(commands, "BATCH_ROWS", 2)
    data = (ACCOUNTS_HEADER + "01;1;Адрес 1;Иванов\n01;2;Адрес 2;Петров\n02;1;Адрес 3;Сидоров\n"
            "01;1;Адрес 4;Другой\n01;2;Адрес 5;Снова\n").encode()
    run = import_file("accounts", "accounts.csv", data)
    assert refused(run) == [
        (5, None, "Повтор: такая же запись уже есть в строке 2 этого файла"),
        (6, None, "Повтор: такая же запись уже есть в строке 3 этого файла"),
    ]
    assert (run.created, run.errors, run.processed) == (3, 2, 5)
    first = db.session.scalar(select(PersonalAccount).where(PersonalAccount.number == "1",
                                                            PersonalAccount.address == "Адрес 1"))
    assert first.owner_name == "Иванов"


def test_bad_cells_are_refused_with_line_column_and_reason(dictionaries):
    builders.account("0001", of_branch=builders.branch("01"))
    db.session.commit()
    data = ("payment;branch;account;supplier;paid_on;amount;source\n"
            "P1;01;0001;ES;05.03.2026;1 234,56;Сбербанк\n"
            "P2;01;0001;ES;05.03.2026;-5,00;Сбербанк\n"
            "P3;01;0001;ES;05.03.2026;12,3,4;Сбербанк\n"
            "P4;01;0001;ES;31.02.2026;10,00;\n"
            "P5;01;0001;ES;2026/03/05;10,00;\n"
            "P6;99;0001;ES;05.03.2026;10,00;\n"
            "P7;01;0001;XX;05.03.2026;10,00;\n"
            "P8;01;0009;ES;05.03.2026;10,00;\n"
            ";01;0001;ES;05.03.2026;10,00;\n").encode()
    run = import_file("payments", "payments.csv", data)
    assert refused(run) == [
        (3, "amount", "Сумма должна быть больше нуля: «-5,00»"),
        (4, "amount", "«12,3,4» — не число (пример: 1 234,56)"),
        (5, "paid_on", "Такой даты нет: «31.02.2026»"),
        (6, "paid_on", "Дата «2026/03/05» записана неверно: нужно ДД.ММ.ГГГГ"),
        (7, "branch", "Неизвестный филиал «99»"),
        (8, "supplier", "Неизвестный поставщик «XX»"),
        (9, "account", "Лицевой счет не найден в этом филиале"),
        (10, "payment", "Не заполнено обязательное значение"),
    ]
    payment = db.session.scalar(select(AccountPayment))
    assert count(AccountPayment) == 1 and str(payment.amount) == "1234.56"
    assert progress(run) | {"failure": None} == {
        "state": "done", "total": 9, "processed": 9, "created": 1, "updated": 0, "unchanged": 0, "errors": 8,
        "percent": 100, "failure": None}
    raw = db.session.scalar(select(ImportRowError.raw).where(ImportRowError.row_number == 3))
    assert raw == "P2;01;0001;ES;05.03.2026;-5,00;Сбербанк"


def test_a_benefit_may_be_negative_a_charge_may_not(dictionaries):
    acc = builders.account("0001", of_branch=builders.branch("01"))
    builders.service("EL")
    db.session.commit()
    data = ("branch;account;month;supplier;service;kind;amount\n"
            "01;0001;03.2026;ES;EL;Льгота;-250,00\n"
            "01;0001;01.03.2026;ES;EL;Начисление;-1,00\n"
            "01;0001;15.03.2026;ES;EL;penalty;1,00\n").encode()
    run = import_file("charges", "charges.csv", data)
    assert refused(run) == [
        (3, "amount", "Сумма не может быть отрицательной (кроме льгот и перерасчетов)"),
        (4, "month", "Месяц «15.03.2026» записан неверно: нужно ММ.ГГГГ или 01.ММ.ГГГГ"),
    ]
    charge = db.session.scalar(select(Charge))
    assert (charge.account_id, charge.kind, str(charge.amount)) == (acc.id, "benefit", "-250.00")


@pytest.mark.parametrize("kind, upload, message", [
    ("nonsense", ("a.csv", b"x;y\n1;2\n"), "Неизвестный вид загрузки «nonsense»"),
    ("accounts", ("a.csv", b""), "Файл пуст"),
    ("accounts", ("a.csv", b"\xef\xbb\xbf\r\n"), "Файл пуст"),
    ("accounts", ("a.xlsx", b"x;y\n1;2\n"), "Загрузить можно только файл CSV или JSON"),
    ("accounts", ("a.csv", b"%PDF-1.4\n1 0 obj<<>>endobj\n"), "Файл не текстовый"),
    ("accounts", ("a.json", b'{"branch": "01"}'), "Ожидается массив объектов JSON"),
])
def test_start_import_refuses_what_it_cannot_import(ctx, kind, upload, message):
    with pytest.raises(Invalid) as refusal:
        start_import(kind, upload)
    assert message in refusal.value.message


def test_a_run_whose_file_is_gone_fails_with_its_reason(dictionaries):
    from app.core.files import stored_path
    from workflows.billing.imports import run_import

    run = start_import("accounts", ("accounts.csv", (ACCOUNTS_HEADER + "01;1;Адрес;Иванов\n").encode()))
    db.session.commit()
    stored_path(run.file).unlink()
    run_import(run.id)
    db.session.expire_all()
    assert (run.state, run.failure) == ("failed", "Файл загрузки не найден в хранилище")
