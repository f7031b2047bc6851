"""Forms: one-time form tokens against double submits

Revision ID: a10000000004
Revises: a10000000003
Create Date: 2026-11-30 17:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a10000000004'
down_revision = 'a10000000003'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
