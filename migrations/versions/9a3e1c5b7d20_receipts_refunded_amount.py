"""receipts: refunded amount (a partial refund amends the receipt)

Revision ID: 9a3e1c5b7d20
Revises: 577075e6291a
Create Date: 2026-11-23 16:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9a3e1c5b7d20'
down_revision = '577075e6291a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refunded_amount', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.create_check_constraint(
            'refunded_within_amount', 'refunded_amount >= 0 AND refunded_amount <= amount'
        )


def downgrade():
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_receipts_refunded_within_amount'), type_='check')
        batch_op.drop_column('refunded_amount')
