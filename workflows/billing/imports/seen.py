"""The keys a run has met so far, to refuse a key the file holds twice.

A file of millions of rows cannot keep its keys in memory, and the target table cannot tell a
key written by an earlier batch of this run from one that was there before. So the run keeps
them in a temporary table on its own connection (TEMP: private to the connection, gone with it,
kept across the batches' commits): an MD5 of the key and the row it was first seen in. Each
batch asks which of its keys are there and adds the rest; a later occurrence is the row refused.
The table is made afresh when a run starts and dropped when it ends.

On PostgreSQL the digest is a `uuid` (16 bytes, the quickest index there) and a batch is one
COPY of its keys into a scratch table plus one statement that adds them to the seen keys and,
reading the seen keys as they were before it (a data-modifying CTE), returns those met earlier.
"""
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text

from workflows.billing.imports.writing import among, copy_rows

NAME = "billing_import_seen_key"
SEEN = Table(NAME, MetaData(), Column("k", String(32), primary_key=True), Column("row_number", Integer),
             prefixes=["TEMPORARY"])


BATCH = "billing_import_batch_key"
PG_EARLIER = text(f"WITH added AS (INSERT INTO {NAME} SELECT k, row_number FROM {BATCH} ON CONFLICT (k) DO NOTHING) "
                  f"SELECT replace(b.k::text, '-', ''), s.row_number FROM {BATCH} b JOIN {NAME} s ON s.k = b.k")


class SeenKeys:
    def __init__(self, conn):
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"
        self.drop()
        kind = "UUID" if self.postgres else "VARCHAR(32)"
        conn.execute(text(f"CREATE TEMPORARY TABLE {NAME} (k {kind} PRIMARY KEY, row_number INTEGER)"))
        if self.postgres:
            conn.execute(text(f"CREATE TEMPORARY TABLE {BATCH} (k UUID, row_number INTEGER)"))

    def add_new(self, pairs: list[tuple[str, int]]) -> dict[str, int]:
        """Of (digest, row number) pairs, those met before: digest → first row number; remembers
        the others."""
        if not pairs:
            return {}
        if self.postgres:
            self.conn.execute(text(f"TRUNCATE {BATCH}"))
            copy_rows(self.conn, f"COPY {BATCH} (k, row_number) FROM STDIN", pairs)
            return dict(self.conn.execute(PG_EARLIER).all())
        query = select(SEEN.c.k, SEEN.c.row_number).where(among(self.conn, SEEN.c.k, (d for d, _ in pairs)))
        earlier = dict(self.conn.execute(query).all())
        new = [(digest, number) for digest, number in pairs if digest not in earlier]
        if new:
            self.conn.execute(insert(SEEN), [{"k": digest, "row_number": number} for digest, number in new])
        return earlier

    def drop(self) -> None:
        self.conn.execute(text(f"DROP TABLE IF EXISTS {NAME}"))
        if self.postgres:
            self.conn.execute(text(f"DROP TABLE IF EXISTS {BATCH}"))
