"""Round-1 polish: audit log in words

Revision ID: a12000000004
Revises: a12000000002
Create Date: 2026-11-30 17:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a12000000004'
down_revision = 'a12000000002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('object_label', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('audit_record', schema=None) as batch_op:
        batch_op.drop_column('object_label')
