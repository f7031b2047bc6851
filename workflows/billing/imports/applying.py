"""Applying a batch of rows of one kind (specs.py) on the import's connection.

Each row is read cell by cell; a row with any fault becomes an ImportRowError and nothing of
it is written. The references by code (branch, supplier, service, document) are looked up in
dictionaries read once per run; accounts and meters — too many to hold — with one query per
batch. The valid rows go to the database in one bulk upsert per batch (writing.py: INSERT … ON
CONFLICT (the billing's key) DO UPDATE … WHERE row_hash IS DISTINCT FROM the new one): a new key
inserts, a changed row updates, an identical row writes nothing.
"""
from dataclasses import dataclass

from sqlalchemy import insert, select

from app.models import Branch, ImportRowError, Meter, PersonalAccount, Service, Supplier, TariffDocument
from app.models.base import utcnow
from workflows.billing.imports.accepting import mark_accepted
from workflows.billing.imports.confirming import mark_confirmed
from workflows.billing.imports.reading import raw_text
from workflows.billing.imports.seen import digest
from workflows.billing.imports.specs import DEFAULTS, KindSpec
from workflows.billing.imports.values import RowError, fitting
from workflows.billing.imports.writing import among, copy_rows, writer_for

DICTIONARIES = {
    "branch": (Branch, "Неизвестный филиал"),
    "supplier": (Supplier, "Неизвестный поставщик"),
    "service": (Service, "Неизвестная услуга"),
    "document": (TariffDocument, "Неизвестный документ"),
}


@dataclass
class Counts:
    processed: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0


class Applier:
    """Applies batches of one run and keeps its counts; writing.py keeps the keys seen so far."""

    def __init__(self, conn, spec: KindSpec, run_id: int):
        self.conn = conn
        self.spec = spec
        self.run_id = run_id
        self.counts = Counts()
        self.fields = spec.fields
        self.hashed = "row_hash" in spec.table.c
        self.stamps = [name for name in ("created_at", "updated_at") if name in spec.table.c]
        used = {column.ref for column in spec.columns if column.ref}
        self.dictionaries = {ref: self._dictionary(ref) for ref in used}
        self.plan = [self._step(column) for column in spec.columns]
        self.writer = writer_for(conn, spec.table, spec.key,
                                 self.fields + (["row_hash"] if self.hashed else []) + self.stamps)

    def _dictionary(self, ref: str) -> dict:
        model, _ = DICTIONARIES[ref]
        return dict(self.conn.execute(select(model.code, model.id)).all())

    def _step(self, column) -> tuple:
        """How one cell is read: (header, row key, parser, required, dictionary, unknown, check)."""
        target = self.spec.table.c[column.field] if column.field and column.field in self.spec.table.c else None
        return (column.name, column.field or "@" + column.name, column.parse, column.required,
                self.dictionaries.get(column.ref), column.ref and DICTIONARIES[column.ref][1],
                fitting(target) if target is not None and not column.ref else None)

    def close(self) -> None:
        self.writer.close()

    def prepare(self, batch: list[tuple]) -> tuple[list, list, int]:
        """Read a batch's cells: (parsed rows, refused rows, batch size); no database."""
        errors: list[dict] = []
        parsed = []
        for number, cells, source in batch:
            try:
                parsed.append((number, source, self.parse(cells)))
            except RowError as exc:
                errors.append(self._error(number, source, exc))
        return parsed, errors, len(batch)

    def store(self, parsed: list, errors: list[dict], size: int) -> None:
        """Write a prepared batch: references, duplicate keys, the upsert, the refused rows and the
        counts (the caller ends the transaction)."""
        if self.spec.account:
            parsed = self._resolve(parsed, errors, self._accounts(parsed), "account_id", _account_key,
                                   "Лицевой счет не найден в этом филиале", "account")
        if self.spec.meter:
            parsed = self._resolve(parsed, errors, self._meters(parsed), "meter_id", lambda r: r["@meter"],
                                   "Прибор учета не найден", "meter")
        marked = accepted_before = 0
        if self.spec.portal:  # rows naming a portal reading mark it accepted (accepting.py)
            parsed, marked, accepted_before = mark_accepted(
                self.conn, parsed, lambda number, source, exc: errors.append(self._error(number, source, exc)))
        if self.spec.confirms:  # rows naming a portal payment mark it registered (confirming.py)
            parsed, _marked = mark_confirmed(
                self.conn, parsed, lambda number, source, exc: errors.append(self._error(number, source, exc)))
        rows = self._first_in_batch(parsed, errors)
        numbers = [number for number, _, _ in rows]
        created, updated, earlier = self.writer.write(self._records(rows), numbers)
        for number, source, _ in rows:
            if number in earlier:
                errors.append(self._error(number, source, _duplicate(earlier[number])))
        if errors:
            self._refuse(errors)
        self.counts.processed += size
        self.counts.created += created
        self.counts.updated += updated + marked
        self.counts.unchanged += len(rows) - len(earlier) - created - updated + accepted_before
        self.counts.errors += len(errors)

    def _refuse(self, errors: list[dict]) -> None:
        """Keep the refused rows for the error file, in file order (a COPY on PostgreSQL: a file may
        be all errors)."""
        errors.sort(key=lambda error: error["row_number"])
        if self.conn.dialect.name != "postgresql":
            self.conn.execute(insert(ImportRowError.__table__), errors)
            return
        names = ("run_id", "row_number", "column", "reason", "raw")
        copy_rows(self.conn, 'COPY import_row_error (run_id, row_number, "column", reason, raw) FROM STDIN',
                  ([error[name] for name in names] for error in errors))

    def apply(self, batch: list[tuple]) -> None:
        """Apply one batch: rows in, counts and error rows out (the caller ends the transaction)."""
        self.store(*self.prepare(batch))

    # ---- one row -----------------------------------------------------------------------

    def parse(self, cells: dict | None) -> dict:
        """The row's model fields (references by code already turned into ids); RowError if any
        cell is missing, malformed or unknown."""
        if cells is None:
            raise RowError("Элемент массива — не объект JSON")
        row = {}
        header = None
        try:
            for header, name, parse, required, dictionary, unknown, check in self.plan:
                value = cells.get(header)
                if value is None or (type(value) is str and not value.strip()):
                    if required:
                        raise RowError("Не заполнено обязательное значение")
                    row[name] = DEFAULTS.get(name)
                    continue
                value = parse(value)
                if dictionary is not None:
                    found = dictionary.get(value)
                    if found is None:
                        raise RowError(f"{unknown} «{value}»")
                    value = found
                elif check is not None:
                    check(value)
                row[name] = value
        except RowError as exc:
            exc.column = exc.column or header
            raise
        if self.spec.check:
            self.spec.check(row)
        row.update(self.spec.constant)
        if self.spec.derive:
            row.update(self.spec.derive(row))
        return row

    def _error(self, number: int, source, exc: RowError) -> dict:
        return {"run_id": self.run_id, "row_number": number, "column": exc.column, "reason": exc.reason,
                "raw": raw_text(source)}

    # ---- accounts and meters, one query per batch ----------------------------------------

    def _accounts(self, parsed) -> dict:
        numbers = {row["@account"] for _, _, row in parsed}
        if not numbers:
            return {}
        found = self.conn.execute(select(PersonalAccount.branch_id, PersonalAccount.number, PersonalAccount.id)
                                  .where(among(self.conn, PersonalAccount.number, numbers)))
        return {(branch_id, number): id_ for branch_id, number, id_ in found}

    def _meters(self, parsed) -> dict:
        ids = {row["@meter"] for _, _, row in parsed}
        if not ids:
            return {}
        query = select(Meter.external_id, Meter.id).where(among(self.conn, Meter.external_id, ids))
        return dict(self.conn.execute(query).all())

    def _resolve(self, parsed, errors, found: dict, field: str, key, reason: str, column: str):
        kept = []
        for number, raw, row in parsed:
            row[field] = found.get(key(row))
            if row[field] is None:
                errors.append(self._error(number, raw, RowError(reason, column)))
            else:
                kept.append((number, raw, row))
        return kept

    # ---- a key twice in one file -----------------------------------------------------------

    def _first_in_batch(self, parsed, errors):
        """Rows whose key no earlier row of the batch had (a later occurrence is an error); the
        keys of earlier batches are the writer's to check (seen.py)."""
        first = {}
        kept = []
        key = self.spec.key
        for number, source, row in parsed:
            values = tuple([row[name] for name in key])
            if values in first:
                errors.append(self._error(number, source, _duplicate(first[values])))
                continue
            first[values] = number
            kept.append((number, source, row))
        return kept

    # ---- writing -----------------------------------------------------------------------

    def _records(self, rows) -> list[tuple]:
        """Each row as a tuple in the writer's column order: fields, row_hash, timestamps."""
        fields = self.fields
        now = utcnow()
        stamps = tuple(now for _ in self.stamps)
        records = []
        for _, _, row in rows:
            values = tuple([row.get(name) for name in fields])
            records.append(values + ((digest(values),) if self.hashed else ()) + stamps)
        return records


def _account_key(row: dict):
    return row.get("branch_id"), row["@account"]


def _duplicate(first: int) -> RowError:
    return RowError(f"Повтор: такая же запись уже есть в строке {first} этого файла")
