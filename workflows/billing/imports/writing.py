"""Writing a batch's records: one bulk upsert keyed by the billing's ids, the way each database
does it fastest.

- PostgreSQL: the records are COPYed into a temporary staging table shaped like the target (plus
  each row's number in the file); the keys earlier batches had are found there (seen.py) and
  those rows taken out; then one `INSERT … SELECT … ON CONFLICT (key) DO UPDATE … WHERE
  row_hash IS DISTINCT FROM EXCLUDED.row_hash RETURNING (xmax = 0)` counts what it inserted and
  what it updated. The statements' text is the same for every batch: planned once.
- SQLite: the earlier keys are looked up (seen.py), then one executemany of `INSERT … ON CONFLICT
  DO UPDATE … WHERE …`; inserted = rows whose id is past the largest id before the batch,
  updated = the rest of the rows changed.

Tables without row_hash (services, tariff documents: small dictionaries) compare field by field.
"""
from sqlalchemy import Boolean, String, bindparam, column, func, literal_column, or_, select, table, text
from sqlalchemy.dialects import postgresql, sqlite

from workflows.billing.imports.seen import SeenKeys, StagedSeenKeys, digest

STAGE = "billing_import_stage"


def writer_for(conn, target, key: tuple, columns: list[str]):
    """The writer of `columns` (every column a record has) into `target` for this connection."""
    if conn.dialect.name == "postgresql":
        return PostgresWriter(conn, target, key, columns)
    return SqliteWriter(conn, target, key, columns)


def _upsert(insert_stmt, target, key: tuple, columns: list[str]):
    """`insert_stmt` … ON CONFLICT (key) DO UPDATE, only where the row differs."""
    changing = [name for name in columns if name not in key and name not in ("created_at", "updated_at")]
    excluded = insert_stmt.excluded
    if "row_hash" in target.c:
        changed = target.c.row_hash.is_distinct_from(excluded.row_hash)
    else:
        changed = or_(*(target.c[name].is_distinct_from(excluded[name]) for name in changing))
    stamps = ["updated_at"] if "updated_at" in columns else []
    return insert_stmt.on_conflict_do_update(
        index_elements=list(key), set_={name: excluded[name] for name in changing + stamps}, where=changed)


class SqliteWriter:
    def __init__(self, conn, target, key, columns):
        self.conn = conn
        self.target = target
        self.columns = columns
        self.key_at = [columns.index(name) for name in key]
        self.statement = _upsert(sqlite.insert(target), target, key, columns)
        self.seen = SeenKeys(conn)

    def write(self, records: list[tuple], numbers: list[int]) -> tuple[int, int, dict[int, int]]:
        """Upsert the records (tuples in the order of `columns`, from rows `numbers` of the file)
        but those whose key an earlier batch had; (inserted, updated, {later row: first row})."""
        if not records:
            return 0, 0, {}
        earlier = self.seen.add_new([tuple(record[i] for i in self.key_at) for record in records], numbers)
        if earlier:
            records = [record for record, number in zip(records, numbers) if number not in earlier]
            if not records:
                return 0, 0, earlier
        id_ = self.target.c.id
        before = self.conn.scalar(select(func.coalesce(func.max(id_), 0)))
        columns = self.columns
        changed = self.conn.execute(self.statement, [dict(zip(columns, record)) for record in records]).rowcount
        created = self.conn.scalar(select(func.count()).select_from(self.target).where(id_ > before))
        return created, changed - created, earlier

    def close(self) -> None:
        self.seen.drop()


class PostgresWriter:
    def __init__(self, conn, target, key, columns):
        self.conn = conn
        self.columns = columns
        names = ", ".join(columns)
        conn.execute(text(f"DROP TABLE IF EXISTS {STAGE}"))
        conn.execute(text(f"CREATE TEMPORARY TABLE {STAGE} AS SELECT {names}, 0 AS row_number, NULL::uuid AS k "
                          f"FROM {target.name} WITH NO DATA"))
        self.seen = StagedSeenKeys(conn, STAGE)
        self.key_at = [columns.index(name) for name in key]
        self.drop_later = text(f"DELETE FROM {STAGE} WHERE row_number = ANY(:numbers)")
        stage = table(STAGE, *(column(name) for name in columns))
        insert_stmt = postgresql.insert(target).from_select(columns, select(*stage.c))
        upserted = (_upsert(insert_stmt, target, key, columns)
                    .returning(literal_column("(xmax = 0)", Boolean).label("inserted")).cte("upserted"))
        self.count = select(func.count().filter(upserted.c.inserted), func.count().filter(~upserted.c.inserted))
        self.copy_sql = f"COPY {STAGE} ({names}, row_number, k) FROM STDIN"
        self.json_columns = [i for i, name in enumerate(columns) if name in _json_columns(target)]

    def write(self, records: list[tuple], numbers: list[int]) -> tuple[int, int, dict[int, int]]:
        if not records:
            return 0, 0, {}
        self.conn.execute(text(f"TRUNCATE {STAGE}"))
        copy_rows(self.conn, self.copy_sql, self._rows(records, numbers))
        earlier = self.seen.add_staged()
        if earlier:
            self.conn.execute(self.drop_later, {"numbers": list(earlier)})
        created, updated = self.conn.execute(self.count).one()
        return created, updated, earlier

    def _rows(self, records, numbers):
        from psycopg.types.json import Json

        key_at = self.key_at
        for record, number in zip(records, numbers):
            key = digest(tuple([record[i] for i in key_at]))
            if self.json_columns:
                record = list(record)
                for index in self.json_columns:
                    record[index] = Json(record[index])
            yield (*record, number, key)

    def close(self) -> None:
        self.seen.drop()
        self.conn.execute(text(f"DROP TABLE IF EXISTS {STAGE}"))


def _json_columns(target) -> set[str]:
    return {c.name for c in target.c if c.type.__class__.__name__ == "JSON"}


def copy_rows(conn, sql: str, rows) -> None:
    """COPY `rows` through the connection's psycopg connection, in its current transaction."""
    cursor = conn.connection.driver_connection.cursor()
    try:
        with cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    finally:
        cursor.close()


def among(conn, column_, values) -> object:
    """`column_` is one of `values`: `= ANY(array)` on PostgreSQL (one statement text whatever
    the count, planned once), IN elsewhere."""
    values = list(values)
    if conn.dialect.name == "postgresql":
        return column_ == func.any(bindparam(None, values, type_=postgresql.ARRAY(String)))
    return column_.in_(values)
