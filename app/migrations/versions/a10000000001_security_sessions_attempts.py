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
    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_failures', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('totp_failures_since', sa.DateTime(), nullable=True))
    op.create_table('captcha_challenge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('answer_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token')
    )
    with op.batch_alter_table('captcha_challenge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_captcha_challenge_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('captcha_challenge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_captcha_challenge_expires_at'))
    op.drop_table('captcha_challenge')
    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.drop_column('totp_failures_since')
        batch_op.drop_column('totp_failures')
