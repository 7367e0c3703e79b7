"""ux: campaign followers, exchange rates, info pages (issue 17)

Revision ID: a17e0f1c2d3b
Revises: 37bb5fb5b92d
Create Date: 2026-12-06 21:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

import wcl.time


# revision identifiers, used by Alembic.
revision = 'a17e0f1c2d3b'
down_revision = '37bb5fb5b92d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'campaign_followers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('locale', sa.String(length=5), nullable=False),
        sa.Column('created_at', wcl.time.UTCDateTime(), nullable=False),
        sa.Column('unsubscribed_at', wcl.time.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_followers_campaign_id_campaigns'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_followers')),
        sa.UniqueConstraint('campaign_id', 'email', name=op.f('uq_campaign_followers_campaign_id_email')),
    )
    with op.batch_alter_table('campaign_followers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_followers_campaign_id'), ['campaign_id'], unique=False)

    op.create_table(
        'exchange_rates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('kgs_per_unit', sa.BigInteger(), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('entered_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', wcl.time.UTCDateTime(), nullable=False),
        sa.CheckConstraint('kgs_per_unit > 0', name=op.f('ck_exchange_rates_positive')),
        sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_exchange_rates_entered_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_rates')),
    )
    with op.batch_alter_table('exchange_rates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exchange_rates_currency'), ['currency'], unique=False)

    op.create_table(
        'info_pages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=40), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('title_en', sa.String(length=120), nullable=False),
        sa.Column('title_ru', sa.String(length=120), nullable=False),
        sa.Column('title_ky', sa.String(length=120), nullable=False),
        sa.Column('body_md_en', sa.Text(), nullable=False),
        sa.Column('body_md_ru', sa.Text(), nullable=False),
        sa.Column('body_md_ky', sa.Text(), nullable=False),
        sa.Column('body_html_en', sa.Text(), nullable=False),
        sa.Column('body_html_ru', sa.Text(), nullable=False),
        sa.Column('body_html_ky', sa.Text(), nullable=False),
        sa.Column('updated_at', wcl.time.UTCDateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_info_pages_updated_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_info_pages')),
        sa.UniqueConstraint('slug', name=op.f('uq_info_pages_slug')),
    )


def downgrade():
    op.drop_table('info_pages')
    with op.batch_alter_table('exchange_rates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exchange_rates_currency'))
    op.drop_table('exchange_rates')
    with op.batch_alter_table('campaign_followers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_followers_campaign_id'))
    op.drop_table('campaign_followers')
