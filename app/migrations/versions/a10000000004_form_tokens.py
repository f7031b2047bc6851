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
    op.create_table('form_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('result_url', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token')
    )
    with op.batch_alter_table('form_token', schema=None) as batch_op:
        batch_op.create_index('ix_form_token_user', ['user_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('form_token', schema=None) as batch_op:
        batch_op.drop_index('ix_form_token_user')
    op.drop_table('form_token')
