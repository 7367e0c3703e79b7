"""outcomes mapping survey and alumni profiles

Revision ID: 124b93f5393e
Revises: 3cf6affe748c
Create Date: 2026-12-07 00:54:44.610312

"""
from alembic import op
import sqlalchemy as sa

import wcl.time  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '124b93f5393e'
down_revision = "3cf6affe748c"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mapping_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('submitted_at', wcl.time.UTCDateTime(timezone=True), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=True),
    sa.Column('cell_key', sa.SmallInteger(), nullable=False),
    sa.Column('consent_version', sa.String(length=10), nullable=False),
    sa.Column('email_hash', sa.String(length=64), nullable=True),
    sa.Column('creative_domain', sa.String(length=12), nullable=False),
    sa.Column('region', sa.String(length=8), nullable=False),
    sa.Column('settlement', sa.String(length=8), nullable=False),
    sa.Column('size', sa.String(length=8), nullable=False),
    sa.Column('turnover_band', sa.String(length=10), nullable=False),
    sa.Column('employees_women', sa.Integer(), nullable=False),
    sa.Column('employees_men', sa.Integer(), nullable=False),
    sa.Column('exports', sa.Boolean(), nullable=False),
    sa.Column('export_share', sa.String(length=6), nullable=True),
    sa.CheckConstraint("export_share IS NULL OR export_share IN ('lt10','10_50','gt50')", name=op.f('ck_mapping_responses_export_share')),
    sa.CheckConstraint("settlement IN ('urban','rural')", name=op.f('ck_mapping_responses_settlement')),
    sa.CheckConstraint("size IN ('solo','2_5','6_15','16_plus')", name=op.f('ck_mapping_responses_size')),
    sa.CheckConstraint("turnover_band IN ('none','lt100k','100k_500k','500k_2m','2m_8m','gt8m')", name=op.f('ck_mapping_responses_turnover')),
    sa.CheckConstraint('cell_key >= 0 AND cell_key < 256', name=op.f('ck_mapping_responses_cell_key_range')),
    sa.CheckConstraint('employees_men BETWEEN 0 AND 500', name=op.f('ck_mapping_responses_men')),
    sa.CheckConstraint('employees_women BETWEEN 0 AND 500', name=op.f('ck_mapping_responses_women')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mapping_responses')),
    sa.UniqueConstraint('year', 'email_hash', name='uq_mapping_responses_year_email')
    )
    with op.batch_alter_table('mapping_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mapping_responses_year'), ['year'], unique=False)

    op.create_table('alumni_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=80), nullable=False),
    sa.Column('creative_domain', sa.String(length=12), nullable=True),
    sa.Column('region', sa.String(length=8), nullable=True),
    sa.Column('bio', sa.Text(), nullable=False),
    sa.Column('bio_html', sa.Text(), nullable=False),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.Column('visible', sa.Boolean(), nullable=False),
    sa.Column('consented_at', wcl.time.UTCDateTime(timezone=True), nullable=False),
    sa.Column('hidden_by_staff_at', wcl.time.UTCDateTime(timezone=True), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', wcl.time.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', wcl.time.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_alumni_profiles_enrolment_id_enrolments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_alumni_profiles_hidden_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_alumni_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alumni_profiles')),
    sa.UniqueConstraint('user_id', name=op.f('uq_alumni_profiles_user_id'))
    )
    with op.batch_alter_table('alumni_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alumni_profiles_enrolment_id'), ['enrolment_id'], unique=False)



def downgrade():
    with op.batch_alter_table('alumni_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alumni_profiles_enrolment_id'))

    op.drop_table('alumni_profiles')
    with op.batch_alter_table('mapping_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mapping_responses_year'))

    op.drop_table('mapping_responses')
