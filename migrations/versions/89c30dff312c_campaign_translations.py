"""content: campaigns in three languages (issue 17.13)

The language a campaign is written in, and its translations in a table of their own.

Revision ID: 89c30dff312c
Revises: 21ae0969aa92
Create Date: 2026-12-07 00:54:38.245795

"""

from alembic import op
import sqlalchemy as sa

import wcl.time  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = "89c30dff312c"
down_revision = "21ae0969aa92"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=2), server_default="en", nullable=False))

    op.create_table(
        "campaign_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=2), nullable=False),
        sa.Column("title", sa.String(length=120), server_default="", nullable=False),
        sa.Column("summary", sa.String(length=300), server_default="", nullable=False),
        sa.Column("story_md", sa.Text(), server_default="", nullable=False),
        sa.Column("story_html", sa.Text(), server_default="", nullable=False),
        sa.Column("updated_at", wcl.time.UTCDateTime(), nullable=False),
        sa.CheckConstraint("locale IN ('ky','ru','en')", name=op.f("ck_campaign_translations_locale")),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_translations_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_translations")),
        sa.UniqueConstraint("campaign_id", "locale", name="uq_campaign_translations_locale"),
    )
    with op.batch_alter_table("campaign_translations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_translations_campaign_id"), ["campaign_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("campaign_translations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_translations_campaign_id"))
    op.drop_table("campaign_translations")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("language")
