"""campaigns: a community project's campaign carries its lab (issue 14.4, issue 18)

``campaigns.community_lab_id``: the lab of the community project whose campaign this is,
written by the Ashar service, read by ``campaigns.queries.campaign_lab``. A separate
column from ``lab_id`` (the lab's own campaign, tied to a destination pool or fund by
the ``lab_campaign_destination`` check). Existing community campaigns are backfilled
from their project.

Revision ID: 41195cb772ea
Revises: 0a222b9d8d8c
Create Date: 2026-12-07 04:16:50.525797

"""

from alembic import op
import sqlalchemy as sa

import wcl.time  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = "41195cb772ea"
down_revision = "0a222b9d8d8c"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("community_lab_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_campaigns_community_lab_id"), ["community_lab_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_campaigns_community_lab_id_labs"),
            "labs",
            ["community_lab_id"],
            ["id"],
            ondelete="SET NULL",
        )

    # Backfill: every community project's campaign takes its project's lab.
    op.execute(
        "UPDATE campaigns SET community_lab_id = ("
        "SELECT ashar_projects.lab_id FROM ashar_projects "
        "WHERE ashar_projects.campaign_id = campaigns.id) "
        "WHERE EXISTS (SELECT 1 FROM ashar_projects "
        "WHERE ashar_projects.campaign_id = campaigns.id "
        "AND ashar_projects.lab_id IS NOT NULL)"
    )


def downgrade():
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_campaigns_community_lab_id_labs"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_campaigns_community_lab_id"))
        batch_op.drop_column("community_lab_id")
