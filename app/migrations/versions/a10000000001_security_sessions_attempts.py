"""Security: server-side session version, atomic attempt counters, server-side captcha

Revision ID: a10000000001
Revises: 7cae2bd74a45
Create Date: 2026-11-30 17:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a10000000001'
down_revision = '7cae2bd74a45'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
