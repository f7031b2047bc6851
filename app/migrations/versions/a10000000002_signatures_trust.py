"""Signatures: trusted certificates store and signer identifiers

Revision ID: a10000000002
Revises: a10000000001
Create Date: 2026-11-30 17:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a10000000002'
down_revision = 'a10000000001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
