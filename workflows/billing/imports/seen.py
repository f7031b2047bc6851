"""The keys a run has met so far, to refuse a key the file holds twice.

A file of millions of rows cannot keep its keys in memory, and the target table cannot tell a
key written by an earlier batch of this run from one that was there before. So the run keeps
them in a temporary table on its own connection (TEMP: private to the connection, gone with it,
kept across the batches' commits): an MD5 of the key and the row it was first seen in. Within a
batch the keys are compared in memory (a batch is small); each batch then asks which of its keys
earlier batches had and adds the rest; a later occurrence is the row refused. The table is made
afresh when a run starts and dropped when it ends.

- SQLite (`SeenKeys`): the MD5 is computed here; one IN query, one executemany.
- PostgreSQL (`StagedSeenKeys`): the MD5 travels with the batch into its staging table (column
  `k`, writing.py) as a `uuid` (16 bytes, the quickest index there); one statement adds the
  batch's keys and — reading the seen keys as they were before it (a data-modifying CTE) —
  returns those met earlier.
"""
import hashlib

from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text

NAME = "billing_import_seen_key"
SEEN = Table(NAME, MetaData(), Column("k", String(32), primary_key=True), Column("row_number", Integer),
             prefixes=["TEMPORARY"])


def digest(values: tuple) -> str:
    """MD5 of the values (decimals come without trailing zeros): a key's or a row's fingerprint."""
    return hashlib.md5(repr(values).encode(), usedforsecurity=False).hexdigest()


class SeenKeys:
    def __init__(self, conn):
        self.conn = conn
        self.drop()
        conn.execute(text(f"CREATE TEMPORARY TABLE {NAME} (k VARCHAR(32) PRIMARY KEY, row_number INTEGER)"))

    def add_new(self, keys: list[tuple], numbers: list[int]) -> dict[int, int]:
        """Of the batch's keys (and their row numbers), those met before: row number → the row
        number first seen with the key; remembers the others."""
        if not keys:
            return {}
        digests = [digest(key) for key in keys]
        query = select(SEEN.c.k, SEEN.c.row_number).where(SEEN.c.k.in_(digests))
        first = dict(self.conn.execute(query).all())
        new = [{"k": k, "row_number": n} for k, n in zip(digests, numbers) if k not in first]
        if new:
            self.conn.execute(insert(SEEN), new)
        return {n: first[k] for k, n in zip(digests, numbers) if k in first}

    def drop(self) -> None:
        self.conn.execute(text(f"DROP TABLE IF EXISTS {NAME}"))


class StagedSeenKeys:
    def __init__(self, conn, stage: str):
        self.conn = conn
        self.drop()
        conn.execute(text(f"CREATE TEMPORARY TABLE {NAME} (k UUID PRIMARY KEY, row_number INTEGER)"))
        self.earlier = text(
            f"WITH added AS (INSERT INTO {NAME} (k, row_number) SELECT k, row_number FROM {stage} "
            f"ON CONFLICT (k) DO NOTHING) "
            f"SELECT s.row_number, seen.row_number FROM {stage} s JOIN {NAME} seen ON seen.k = s.k")

    def add_staged(self) -> dict[int, int]:
        """Of the staged rows, those whose key an earlier batch had: row number → first row number."""
        return dict(self.conn.execute(self.earlier).all())

    def drop(self) -> None:
        self.conn.execute(text(f"DROP TABLE IF EXISTS {NAME}"))
