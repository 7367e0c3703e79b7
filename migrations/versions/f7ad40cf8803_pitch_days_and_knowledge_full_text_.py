"""pitch days and knowledge full-text indexes

Revision ID: f7ad40cf8803
Revises: 6f0ab755572b
Create Date: 2026-12-07 01:06:50.751193

"""
from alembic import op
import sqlalchemy as sa

import wcl.time  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = 'f7ad40cf8803'
down_revision = "6f0ab755572b"
branch_labels = None
depends_on = None

FTS_CONFIGS = (("en", "english"), ("ru", "russian"), ("ky", "simple"))


def upgrade():
    op.create_table('pitch_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', wcl.time.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', wcl.time.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status = 'draft' OR published_at IS NOT NULL", name=op.f('ck_pitch_days_published_at')),
    sa.CheckConstraint("status IN ('draft','published')", name=op.f('ck_pitch_days_status')),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_pitch_days_call_id_calls')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_pitch_days_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_pitch_days_event_id_events')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_pitch_days_published_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pitch_days'))
    )
    with op.batch_alter_table('pitch_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pitch_days_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pitch_days_event_id'), ['event_id'], unique=False)

    op.create_table('pitch_finalists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pitch_day_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('slot_at', wcl.time.UTCDateTime(timezone=True), nullable=True),
    sa.Column('is_winner', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('prize', sa.String(length=200), server_default='', nullable=False),
    sa.Column('prize_amount', sa.BigInteger(), nullable=True),
    sa.Column('prize_currency', sa.String(length=3), nullable=True),
    sa.Column('certificate_code', sa.String(length=32), nullable=True),
    sa.CheckConstraint('(prize_amount IS NULL) = (prize_currency IS NULL)', name=op.f('ck_pitch_finalists_prize_currency')),
    sa.CheckConstraint('position >= 0', name=op.f('ck_pitch_finalists_position')),
    sa.CheckConstraint('prize_amount IS NULL OR prize_amount > 0', name=op.f('ck_pitch_finalists_prize_positive')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_pitch_finalists_application_id_applications')),
    sa.ForeignKeyConstraint(['pitch_day_id'], ['pitch_days.id'], name=op.f('fk_pitch_finalists_pitch_day_id_pitch_days'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pitch_finalists')),
    sa.UniqueConstraint('certificate_code', name=op.f('uq_pitch_finalists_certificate_code')),
    sa.UniqueConstraint('pitch_day_id', 'application_id', name=op.f('uq_pitch_finalists_pitch_day_id_application_id'))
    )
    with op.batch_alter_table('pitch_finalists', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pitch_finalists_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pitch_finalists_pitch_day_id'), ['pitch_day_id'], unique=False)

    op.create_table('pitch_jurors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pitch_day_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_at', wcl.time.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['pitch_day_id'], ['pitch_days.id'], name=op.f('fk_pitch_jurors_pitch_day_id_pitch_days'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_pitch_jurors_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pitch_jurors')),
    sa.UniqueConstraint('pitch_day_id', 'user_id', name=op.f('uq_pitch_jurors_pitch_day_id_user_id'))
    )
    with op.batch_alter_table('pitch_jurors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pitch_jurors_pitch_day_id'), ['pitch_day_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pitch_jurors_user_id'), ['user_id'], unique=False)

    op.create_table('pitch_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('juror_id', sa.Integer(), nullable=False),
    sa.Column('finalist_id', sa.Integer(), nullable=False),
    sa.Column('declared_at', wcl.time.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['finalist_id'], ['pitch_finalists.id'], name=op.f('fk_pitch_conflicts_finalist_id_pitch_finalists'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['juror_id'], ['pitch_jurors.id'], name=op.f('fk_pitch_conflicts_juror_id_pitch_jurors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pitch_conflicts')),
    sa.UniqueConstraint('juror_id', 'finalist_id', name=op.f('uq_pitch_conflicts_juror_id_finalist_id'))
    )
    with op.batch_alter_table('pitch_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pitch_conflicts_finalist_id'), ['finalist_id'], unique=False)

    op.create_table('pitch_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finalist_id', sa.Integer(), nullable=False),
    sa.Column('juror_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('created_at', wcl.time.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', wcl.time.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['rubric_criteria.id'], name=op.f('fk_pitch_scores_criterion_id_rubric_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['finalist_id'], ['pitch_finalists.id'], name=op.f('fk_pitch_scores_finalist_id_pitch_finalists'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['juror_id'], ['pitch_jurors.id'], name=op.f('fk_pitch_scores_juror_id_pitch_jurors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pitch_scores')),
    sa.UniqueConstraint('finalist_id', 'juror_id', 'criterion_id', name=op.f('uq_pitch_scores_finalist_id_juror_id_criterion_id'))
    )
    with op.batch_alter_table('pitch_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pitch_scores_criterion_id'), ['criterion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pitch_scores_finalist_id'), ['finalist_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pitch_scores_juror_id'), ['juror_id'], unique=False)

    # Knowledge bank full-text search (PostgreSQL only; a no-op on SQLite, where the
    # search falls back to LIKE): GIN indexes over the expressions the search uses
    # (wcl.knowledge.models.search_vector); Kyrgyz with the ``simple`` configuration.
    if op.get_bind().dialect.name == "postgresql":
        for locale, config in FTS_CONFIGS:
            op.execute(
                f"CREATE INDEX ix_knowledge_resources_fts_{locale} ON knowledge_resources "
                f"USING gin (to_tsvector('{config}'::regconfig, (title_{locale} || ' ') || body_{locale}))"
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for locale, _config in FTS_CONFIGS:
            op.execute(f"DROP INDEX IF EXISTS ix_knowledge_resources_fts_{locale}")
    with op.batch_alter_table('pitch_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pitch_scores_juror_id'))
        batch_op.drop_index(batch_op.f('ix_pitch_scores_finalist_id'))
        batch_op.drop_index(batch_op.f('ix_pitch_scores_criterion_id'))

    op.drop_table('pitch_scores')
    with op.batch_alter_table('pitch_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pitch_conflicts_finalist_id'))

    op.drop_table('pitch_conflicts')
    with op.batch_alter_table('pitch_jurors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pitch_jurors_user_id'))
        batch_op.drop_index(batch_op.f('ix_pitch_jurors_pitch_day_id'))

    op.drop_table('pitch_jurors')
    with op.batch_alter_table('pitch_finalists', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pitch_finalists_pitch_day_id'))
        batch_op.drop_index(batch_op.f('ix_pitch_finalists_application_id'))

    op.drop_table('pitch_finalists')
    with op.batch_alter_table('pitch_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pitch_days_event_id'))
        batch_op.drop_index(batch_op.f('ix_pitch_days_call_id'))

    op.drop_table('pitch_days')
