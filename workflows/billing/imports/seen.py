"""The keys a run has met so far, to refuse a key the file holds twice.

A file of millions of rows cannot keep its keys in memory, and the target table cannot tell a
key written by an earlier batch of this run from one that was there before. So the run keeps
them in a temporary table on its own connection (TEMP: private to the connection, gone with it,
kept across the batches' commits): an MD5 of the key and the row it was first seen in. Each
batch asks one IN query which of its keys are there and adds the rest; a later occurrence is the
row refused. The table is emptied when a run starts and dropped when it ends.
"""
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text

NAME = "billing_import_seen_key"
SEEN = Table(NAME, MetaData(), Column("k", String(32), primary_key=True), Column("row_number", Integer),
             prefixes=["TEMPORARY"])


class SeenKeys:
    def __init__(self, conn):
        self.conn = conn
        conn.execute(text(f"CREATE TEMPORARY TABLE IF NOT EXISTS {NAME} (k VARCHAR(32) PRIMARY KEY, "
                          "row_number INTEGER)"))
        conn.execute(SEEN.delete())

    def add_new(self, pairs: list[tuple[str, int]]) -> dict[str, int]:
        """Of (digest, row number) pairs, those met before: digest → first row number; remembers
        the others."""
        if not pairs:
            return {}
        digests = [digest for digest, _ in pairs]
        earlier = dict(self.conn.execute(select(SEEN.c.k, SEEN.c.row_number).where(SEEN.c.k.in_(digests))).all())
        new = [{"k": digest, "row_number": number} for digest, number in pairs if digest not in earlier]
        if new:
            self.conn.execute(insert(SEEN), new)
        return earlier

    def drop(self) -> None:
        self.conn.execute(text(f"DROP TABLE IF EXISTS {NAME}"))
