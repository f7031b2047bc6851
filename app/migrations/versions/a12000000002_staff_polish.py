"""Round-1 polish: staff queue and application history

Search keys for the staff queue: the consumer's ФИО and organization name and the object
address, folded in Python (SQLite folds only ASCII letters), filled here for existing rows.

Revision ID: a12000000002
Revises: a10000000004
Create Date: 2026-11-30 17:40:00

"""
from alembic import op
import sqlalchemy as sa



revision = 'a12000000002'
down_revision = 'a10000000004'
branch_labels = None
depends_on = None

CHUNK = 5000


def search_key(*parts):
    """A frozen copy of app.models.search.search_key as of this revision."""
    folded = [" ".join(p.lower().replace("ё", "е").split()) for p in parts if p and p.strip()]
    return " / ".join(folded) or None


def upgrade():
    with op.batch_alter_table('consumer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_name', sa.String(length=700), nullable=True))
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_address', sa.String(length=500), nullable=True))
    _fill('consumer', 'search_name', ('last_name', 'first_name', 'middle_name'), 'org_name')
    _fill('application', 'search_address', ('object_address',), None)


def _fill(table_name, key_column, name_columns, extra_column):
    """Compute the key of every existing row in chunks by id (keys are folded in Python)."""
    bind = op.get_bind()
    columns = ['id', *name_columns] + ([extra_column] if extra_column else [])
    table = sa.table(table_name, *(sa.column(c) for c in columns + [key_column]))
    last_id = 0
    while True:
        rows = bind.execute(sa.select(*(table.c[c] for c in columns)).where(table.c.id > last_id)
                            .order_by(table.c.id).limit(CHUNK)).all()
        if not rows:
            return
        updates = []
        for row in rows:
            name = " ".join(p for p in (getattr(row, c) for c in name_columns) if p)
            updates.append({"row_id": row.id, "key": search_key(name, getattr(row, extra_column) if extra_column else None)})
        bind.execute(table.update().where(table.c.id == sa.bindparam("row_id"))
                     .values({key_column: sa.bindparam("key")}), updates)
        last_id = rows[-1].id


def downgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_column('search_address')
    with op.batch_alter_table('consumer', schema=None) as batch_op:
        batch_op.drop_column('search_name')
