"""Billing files for the benchmark of issue 13, written as a billing system exports them: `;`
between columns, a header line, amounts «1 234,56», dates DD.MM.YYYY, months MM.YYYY; the
accounts and the charges in cp1251, the meters in UTF-8. Deterministic (the same arguments
write the same bytes), streamed (no memory proportional to the file). Not part of the test suite.

    .venv/bin/python bench/billing_data.py --dir /tmp/bench13 --accounts 100000 --months 36

writes accounts.csv (100,000 rows), meters.csv (3 per account: 300,000), charges.csv (one line
per account and month of the electricity service: 3,600,000) and charges_small.csv (the first
tenth of the accounts: 360,000), and prints the row counts. The reference rows the files name
(branches, suppliers, services) are in REFERENCE; bench/billing_import.py writes them first.

The column names are those of workflows/billing/imports/specs.py (docs/billing/import.md);
COLUMNS is the one place the benchmark names them.
"""
import argparse
import random
from datetime import date
from pathlib import Path

#: branch, supplier and service codes the files refer to (created by the benchmark, not imported)
REFERENCE = {
    "branches": [("01", "Центральный филиал", 15, 25), ("02", "Северный филиал", 25, 5)],
    "suppliers": [("ES", "АО «Энергосбыт»"), ("VK", "ООО «Водоканал»")],
    "services": [("EL", "Электроснабжение", "кВт·ч"), ("HV", "Холодное водоснабжение", "м³"),
                 ("GV", "Горячее водоснабжение", "м³")],
}
#: each file's header (docs/billing/import.md) — the one place the benchmark names the columns
COLUMNS = {
    "accounts": ["branch", "account", "title", "address", "owner", "area_total", "area_living", "owners_count",
                 "registered_count", "residing_count", "rooms", "stove_type", "electric_heating", "receipt_delivery",
                 "closed"],
    "meters": ["meter", "branch", "account", "service", "serial", "model", "location", "zones", "zone_names",
               "digits", "precision", "verification_due", "installed_on", "removed_on", "auto_read"],
    "charges": ["branch", "account", "month", "supplier", "service", "kind", "amount", "volume", "price"],
}
ENCODINGS = {"accounts": "cp1251", "meters": "utf-8", "charges": "cp1251"}
SURNAMES = ["Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Соколов", "Лебедев", "Козлов", "Новиков",
            "Морозов", "Волков", "Алексеев", "Фёдоров", "Егоров"]
NAMES = ["Иван Иванович", "Петр Сергеевич", "Анна Петровна", "Мария Ивановна", "Сергей Николаевич",
         "Ольга Викторовна"]
STREETS = ["ул. Ленина", "ул. Садовая", "пр-т Победы", "ул. Молодежная", "ул. Гагарина", "ул. Ново-Садовая"]
START_MONTH = date(2023, 1, 1)


def money(value: float) -> str:
    """«1 234,56»: a space between thousands, a comma before the kopecks (as billing exports)."""
    return f"{value:,.2f}".replace(",", " ").replace(".", ",")


def number(i: int) -> str:
    return f"{i:010d}"


def branch_of(i: int) -> str:
    return REFERENCE["branches"][i % 2][0]


def month_of(k: int) -> date:
    return date(START_MONTH.year + (START_MONTH.month - 1 + k) // 12, (START_MONTH.month - 1 + k) % 12 + 1, 1)


def account_line(i: int) -> list:
    rng = random.Random(i)
    area = rng.randint(300, 1200) / 10
    return [branch_of(i), number(i), "Квартира", f"г. Самара, {STREETS[i % 6]}, д. {i % 300 + 1}, кв. {i % 120 + 1}",
            f"{SURNAMES[i % 15]} {NAMES[i % 6]}", money(area), money(area * 0.7), str(rng.randint(1, 3)),
            str(rng.randint(1, 5)), str(rng.randint(1, 5)), str(rng.randint(1, 4)),
            "Электрическая" if i % 3 else "Газовая", "да" if i % 10 == 0 else "нет",
            "бумажная" if i % 4 else "электронная", "нет"]


def meter_lines(i: int) -> list[list]:
    rng = random.Random(-i)
    due = date(2027 + i % 4, 1 + i % 12, 1 + i % 28).strftime("%d.%m.%Y")
    return [
        [f"M{i:08d}{k}", branch_of(i), number(i), service, f"{rng.randint(10 ** 7, 10 ** 8 - 1)}", model, location,
         zones, names, digits, "0" if service == "EL" else "3", due, "01.01.2020", "", "да" if i % 20 == 0 else "нет"]
        for k, (service, model, location, zones, names, digits) in enumerate([
            ("EL", "Меркурий 201.5", "Лестничная площадка", "2", "День|Ночь", "6"),
            ("HV", "СВК-15", "Санузел", "1", "", "5"),
            ("GV", "СВК-15Г", "Санузел", "1", "", "5"),
        ])
    ]


def charge_lines(i: int, months: int) -> list[list]:
    rng = random.Random(i * 7919)
    lines = []
    for k in range(months):
        volume = rng.randint(80, 450)
        price = 5.47 if k < 12 else 5.85 if k < 24 else 6.43
        lines.append([branch_of(i), number(i), month_of(k).strftime("%m.%Y"), "ES", "EL", "Начисление",
                      money(volume * price), f"{volume},000", f"{price:.4f}".replace(".", ",")])
    return lines


def write(path: Path, kind: str, rows) -> int:
    """Rows (an iterable of lists) under the kind's header, in the kind's encoding; the count."""
    count = 0
    with open(path, "w", encoding=ENCODINGS[kind], newline="") as fh:
        fh.write(";".join(COLUMNS[kind]) + "\r\n")
        for row in rows:
            fh.write(";".join(row) + "\r\n")
            count += 1
    return count


def generate(directory: Path, accounts: int, months: int, *, small_share: int = 10) -> dict:
    directory.mkdir(parents=True, exist_ok=True)
    ids = range(1, accounts + 1)
    small = range(1, accounts // small_share + 1)
    return {
        "accounts": write(directory / "accounts.csv", "accounts", (account_line(i) for i in ids)),
        "meters": write(directory / "meters.csv", "meters", (line for i in ids for line in meter_lines(i))),
        "charges": write(directory / "charges.csv", "charges", (line for i in ids for line in charge_lines(i, months))),
        "charges_small": write(directory / "charges_small.csv", "charges",
                               (line for i in small for line in charge_lines(i, months))),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", default="/tmp/bench13")
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=36)
    args = parser.parse_args()
    print(generate(Path(args.dir), args.accounts, args.months))


if __name__ == "__main__":
    main()
