"""users: a permanent random cell key for disclosure control (issue 16)

Revision ID: c3d8e1f2a4b6
Revises: b7c4d2e9f013
Create Date: 2026-11-24 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d8e1f2a4b6'
down_revision = 'fe8ba313dc45'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cell_key', sa.SmallInteger(), nullable=True))
    # Backfill: one key per existing person, uniform in 0..255, drawn once and never changed.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("UPDATE users SET cell_key = floor(random() * 256)::smallint")
    else:
        op.execute("UPDATE users SET cell_key = abs(random()) % 256")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('cell_key', existing_type=sa.SmallInteger(), nullable=False)
        batch_op.create_check_constraint('cell_key_range', 'cell_key >= 0 AND cell_key < 256')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_cell_key_range'), type_='check')
        batch_op.drop_column('cell_key')
