"""SQLite shared by many requests at once: WAL and a long busy timeout.

WAL lets readers go on while a writer works. The busy timeout makes a writer wait for the
write lock (up to BUSY_TIMEOUT_MS) instead of failing with «database is locked» once
sqlite3's default 5 s have passed. pysqlite's legacy transaction control is kept on
purpose: it sends BEGIN right before a transaction's first INSERT/UPDATE/DELETE, so a
transaction takes the write lock with its first write and never has to upgrade an older
read snapshot — an upgrade that SQLite refuses without waiting (SQLITE_BUSY_SNAPSHOT).
Whoever switches to `autocommit=False` or emits BEGIN themselves must make writing
transactions BEGIN IMMEDIATE.
"""
from flask import Flask
from sqlalchemy import event

BUSY_TIMEOUT_MS = 30_000


def init_sqlite(app: Flask) -> None:
    """Configure every new connection of the app's SQLite engines (none on PostgreSQL)."""
    from app.extensions import db

    with app.app_context():
        engines = [engine for engine in db.engines.values() if engine.dialect.name == "sqlite"]
    for engine in engines:
        if not event.contains(engine, "connect", _configure_connection):
            event.listen(engine, "connect", _configure_connection)


def _configure_connection(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")  # first: switching to WAL may wait
        cursor.execute("PRAGMA journal_mode = WAL")  # kept in the file; an in-memory database stays "memory"
    finally:
        cursor.close()
