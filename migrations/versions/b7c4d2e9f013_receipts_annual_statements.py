"""receipts: annual statements rendered by a job

Revision ID: b7c4d2e9f013
Revises: 9a3e1c5b7d20
Create Date: 2026-11-23 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import wcl.time  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = 'b7c4d2e9f013'
down_revision = '9a3e1c5b7d20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('annual_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.Column('created_at', wcl.time.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', wcl.time.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued','running','done','failed')", name=op.f('ck_annual_statements_status')),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_annual_statements_file_id_stored_files'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_annual_statements_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_statements'))
    )
    with op.batch_alter_table('annual_statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_statements_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('annual_statements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_statements_user_id'))
    op.drop_table('annual_statements')
