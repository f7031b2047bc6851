"""Applying a batch of rows of one kind (specs.py) on the import's connection.

Each row is read cell by cell; a row with any fault becomes an ImportRowError and nothing of
it is written. The references by code (branch, supplier, service, document) are looked up in
dictionaries read once per run; accounts and meters — too many to hold — with one IN query per
batch. The valid rows go to the database in one bulk upsert per batch (INSERT … ON CONFLICT
(the billing's key) DO UPDATE … WHERE row_hash IS DISTINCT FROM the new one): a new key
inserts, a changed row updates, an identical row writes nothing.
"""
import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, func, insert, literal_column, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from app.models import Branch, ImportRowError, Meter, PersonalAccount, Service, Supplier, TariffDocument
from app.models.base import utcnow
from workflows.billing.imports.seen import SeenKeys
from workflows.billing.imports.specs import DEFAULTS, KindSpec
from workflows.billing.imports.values import RowError, blank, fits

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
    """Applies batches of one run; keeps its counts and the keys seen so far (SeenKeys)."""

    def __init__(self, conn, spec: KindSpec, run_id: int):
        self.conn = conn
        self.spec = spec
        self.run_id = run_id
        self.counts = Counts()
        self.fields = spec.fields
        self.seen = SeenKeys(conn)
        used = {column.ref for column in spec.columns if column.ref}
        self.dictionaries = {ref: self._dictionary(ref) for ref in used}

    def _dictionary(self, ref: str) -> dict:
        model, _ = DICTIONARIES[ref]
        return dict(self.conn.execute(select(model.code, model.id)).all())

    def close(self) -> None:
        self.seen.drop()

    def apply(self, batch: list[tuple[int, dict | None, str]]) -> None:
        """Apply one batch: rows in, counts and error rows out (the caller ends the transaction)."""
        errors: list[dict] = []
        parsed = []
        for number, cells, raw in batch:
            try:
                parsed.append((number, raw, self.parse(cells)))
            except RowError as exc:
                errors.append(self._error(number, raw, exc))
        if self.spec.account:
            parsed = self._resolve(parsed, errors, self._accounts(parsed), "account_id", _account_key,
                                   "Лицевой счет не найден в этом филиале", "account")
        if self.spec.meter:
            parsed = self._resolve(parsed, errors, self._meters(parsed), "meter_id", lambda r: r["@meter"],
                                   "Прибор учета не найден", "meter")
        rows = self._first_occurrences(parsed, errors)
        created, updated = self._upsert([self._record(row) for _, _, row in rows])
        if errors:
            self.conn.execute(insert(ImportRowError.__table__), errors)
        self.counts.processed += len(batch)
        self.counts.created += created
        self.counts.updated += updated
        self.counts.unchanged += len(rows) - created - updated
        self.counts.errors += len(errors)

    # ---- one row -----------------------------------------------------------------------

    def parse(self, cells: dict | None) -> dict:
        """The row's model fields (references by code already turned into ids); RowError if any
        cell is missing, malformed or unknown."""
        if cells is None:
            raise RowError("Элемент массива — не объект JSON")
        row = {}
        for column in self.spec.columns:
            value = cells.get(column.name)
            name = column.field or "@" + column.name
            if blank(value):
                if column.required:
                    raise RowError("Не заполнено обязательное значение", column.name)
                row[name] = None
                continue
            try:
                row[name] = self._cell(column, value)
            except RowError as exc:
                exc.column = exc.column or column.name
                raise
        for name, default in DEFAULTS.items():
            if name in row and row[name] is None:
                row[name] = default
        if self.spec.check:
            self.spec.check(row)
        row.update(self.spec.constant)
        if self.spec.derive:
            row.update(self.spec.derive(row))
        return row

    def _cell(self, column, value):
        parsed = column.parse(value)
        if column.ref:
            found = self.dictionaries[column.ref].get(parsed)
            if found is None:
                raise RowError(f"{DICTIONARIES[column.ref][1]} «{parsed}»")
            return found
        if column.field and column.field in self.spec.table.c:
            fits(parsed, self.spec.table.c[column.field])
        return parsed

    def _error(self, number: int, raw: str, exc: RowError) -> dict:
        return {"run_id": self.run_id, "row_number": number, "column": exc.column, "reason": exc.reason,
                "raw": raw}

    # ---- accounts and meters, one query per batch ----------------------------------------

    def _accounts(self, parsed) -> dict:
        numbers = {row["@account"] for _, _, row in parsed}
        if not numbers:
            return {}
        found = self.conn.execute(select(PersonalAccount.branch_id, PersonalAccount.number, PersonalAccount.id)
                                  .where(PersonalAccount.number.in_(numbers)))
        return {(branch_id, number): id_ for branch_id, number, id_ in found}

    def _meters(self, parsed) -> dict:
        ids = {row["@meter"] for _, _, row in parsed}
        if not ids:
            return {}
        return dict(self.conn.execute(select(Meter.external_id, Meter.id).where(Meter.external_id.in_(ids))).all())

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

    def _first_occurrences(self, parsed, errors):
        """Rows whose key no earlier row of the file had; a later occurrence is an error."""
        digests = {}
        kept = []
        for number, raw, row in parsed:
            digest = _digest(row[name] for name in self.spec.key)
            if digest in digests:
                errors.append(self._error(number, raw, _duplicate(digests[digest])))
                continue
            digests[digest] = number
            kept.append((number, raw, row, digest))
        earlier = self.seen.add_new(list(digests.items()))
        result = []
        for number, raw, row, digest in kept:
            if digest in earlier:
                errors.append(self._error(number, raw, _duplicate(earlier[digest])))
            else:
                result.append((number, raw, row))
        return result

    # ---- writing -----------------------------------------------------------------------

    def _record(self, row: dict) -> dict:
        record = {name: row.get(name) for name in self.fields}
        if "row_hash" in self.spec.table.c:
            record["row_hash"] = _digest(record[name] for name in self.fields)
        now = utcnow()
        for stamp in ("created_at", "updated_at"):
            if stamp in self.spec.table.c:
                record[stamp] = now
        return record

    def _upsert(self, records: list[dict]) -> tuple[int, int]:
        """Insert or update `records`; how many were inserted and how many updated."""
        if not records:
            return 0, 0
        table = self.spec.table
        postgres = self.conn.dialect.name == "postgresql"
        stmt = (postgresql.insert if postgres else sqlite.insert)(table)
        changing = [name for name in self.fields if name not in self.spec.key]
        if "row_hash" in table.c:
            changing.append("row_hash")
            changed = table.c.row_hash.is_distinct_from(stmt.excluded.row_hash)
        else:  # a small dictionary (services, tariff documents): compared field by field
            changed = or_(*(table.c[name].is_distinct_from(stmt.excluded[name]) for name in changing))
        stamps = ["updated_at"] if "updated_at" in table.c else []
        stmt = stmt.on_conflict_do_update(
            index_elements=list(self.spec.key),
            set_={name: stmt.excluded[name] for name in changing + stamps},
            where=changed,
        )
        if postgres:
            result = self.conn.execute(stmt.returning(literal_column("(xmax = 0)", Boolean)), records)
            flags = result.scalars().all()
            return sum(1 for flag in flags if flag), sum(1 for flag in flags if not flag)
        before = self.conn.scalar(select(func.coalesce(func.max(table.c.id), 0)))
        ids = self.conn.execute(stmt.returning(table.c.id), records).scalars().all()
        created = sum(1 for id_ in ids if id_ > before)
        return created, len(ids) - created


def _account_key(row: dict):
    return row.get("branch_id"), row["@account"]


def _duplicate(first: int) -> RowError:
    return RowError(f"Повтор: такая же запись уже есть в строке {first} этого файла")


def _canonical(value) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return repr(sorted(value.items()))
    return repr(value)


def _digest(parts) -> str:
    return hashlib.md5("\x1f".join(_canonical(part) for part in parts).encode(), usedforsecurity=False).hexdigest()
