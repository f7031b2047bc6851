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
    op.create_table(
        'trusted_certificate',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=1000), nullable=False),
        sa.Column('issuer', sa.String(length=1000), nullable=False),
        sa.Column('serial', sa.String(length=100), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('not_before', sa.DateTime(), nullable=False),
        sa.Column('not_after', sa.DateTime(), nullable=False),
        sa.Column('der', sa.LargeBinary(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('added_by_id', sa.Integer(), nullable=True),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['added_by_id'], ['ab_user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('fingerprint'),
    )


def downgrade():
    op.drop_table('trusted_certificate')
