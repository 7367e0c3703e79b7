"""accounts: server-side sessions

Revision ID: d4e8a1c0b2f7
Revises: b7c4d2e9f013
Create Date: 2026-12-06 04:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

import wcl.time

# revision identifiers, used by Alembic.
revision = 'd4e8a1c0b2f7'
down_revision = 'b7c4d2e9f013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'user_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('remember', sa.Boolean(), nullable=False),
        sa.Column('created_at', wcl.time.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', wcl.time.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', wcl.time.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_user_sessions_token_hash')),
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))

    op.drop_table('user_sessions')
