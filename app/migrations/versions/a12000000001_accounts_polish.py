"""Round-1 polish: accounts and notifications

Revision ID: a12000000001
Revises: a10000000004
Create Date: 2026-11-30 17:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a12000000001'
down_revision = 'a10000000004'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
