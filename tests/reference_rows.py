"""The areas' reference data for a test in milliseconds instead of a second.

Every test starts from an empty database (tests/conftest.py empties it after each one), and
hundreds of tests need the reference data: application types with their fields, statuses and
transitions, the 18 statement types, templates, topics, pages… Running every seeder for each of
them cost more than the rest of those tests. The seeders run once per test process on an empty
database; their rows are kept and inserted back, with the same ids, for every later test. When a
test has already written to one of those tables, the seeders run as they would in production.
"""
from flask_appbuilder import Model
from sqlalchemy import insert, select, text

from app.extensions import db

#: table name → its rows as the seeders left them (None: not taken yet)
_rows: dict | None = None


def _tables(kept: set):
    return [table for table in Model.metadata.sorted_tables if table.name not in kept]


def _used(tables) -> set:
    probe = " UNION ALL ".join(f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables)
    return {name for (name,) in db.session.execute(text(probe))}


def seed_reference_rows(kept: set) -> None:
    """seed_reference_data(), committed; from the second call on, by inserting its rows back."""
    global _rows
    from app.core.areas import seed_reference_data

    tables = _tables(kept)
    empty = not _used(tables)
    if _rows is not None and empty:
        _insert_back(tables)
    else:
        seed_reference_data()
        db.session.commit()
        if _rows is None and empty:
            _rows = {t.name: [dict(row) for row in db.session.execute(select(t)).mappings()]
                     for t in tables if t.name in _used(tables)}
    db.session.commit()


def _insert_back(tables) -> None:
    connection = db.session.connection()
    postgresql = connection.dialect.name == "postgresql"
    # pages and their published versions point at each other: foreign keys wait for the commit
    connection.exec_driver_sql("SET LOCAL session_replication_role = replica" if postgresql
                               else "PRAGMA defer_foreign_keys = ON")
    for table in tables:
        rows = _rows.get(table.name)
        if not rows:
            continue
        connection.execute(insert(table), rows)
        if postgresql:
            for column in table.primary_key.columns:
                if column.autoincrement is not False and column.type.python_type is int:
                    connection.execute(text("SELECT setval(pg_get_serial_sequence(:t, :c), "
                                            "(SELECT max(\"%s\") FROM \"%s\"))" % (column.name, table.name)),
                                       {"t": f'"{table.name}"', "c": column.name})
