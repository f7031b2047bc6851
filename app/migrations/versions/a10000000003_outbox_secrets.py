"""Outbox: secrets are not kept readable after delivery

Revision ID: a10000000003
Revises: a10000000002
Create Date: 2026-11-30 17:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a10000000003'
down_revision = 'a10000000002'
branch_labels = None
depends_on = None

#: the templates that carried one-time codes and password links when this was written
SECRET_TEMPLATES = ("account_code", "account_password_setup")
REDACTED = "[скрыто: одноразовый код или ссылка]"


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secret', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))
    outbox = sa.table('outbox_message', sa.column('template', sa.String), sa.column('status', sa.String),
                      sa.column('secret', sa.Boolean), sa.column('body', sa.Text), sa.column('html', sa.Text))
    secret_rows = outbox.c.template.in_(SECRET_TEMPLATES)
    # codes and links already delivered (or given up) stop being readable now; waiting ones
    # are still in clear text: they are sent as they are and scrubbed after delivery
    op.execute(outbox.update().where(secret_rows).values(secret=True))
    op.execute(outbox.update().where(secret_rows, outbox.c.status.in_(("sent", "failed")))
               .values(body=REDACTED, html=None))


def downgrade():
    # the old code would send a sealed body as it stands: give such waiting messages up
    outbox = sa.table('outbox_message', sa.column('status', sa.String), sa.column('body', sa.Text),
                      sa.column('html', sa.Text))
    op.execute(outbox.update().where(outbox.c.body.like('sealed:v1:%'))
               .values(status='failed', body=REDACTED, html=None))
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('claim_token')
        batch_op.drop_column('expires_at')
        batch_op.drop_column('secret')
