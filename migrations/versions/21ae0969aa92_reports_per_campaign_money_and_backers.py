"""reports: per-campaign money and backers

The money report read every paid pledge on every request (a distinct-backer count per
campaign); these two tables hold the per-campaign figures, kept in step with pledges by
``wcl.reports.maintenance`` and filled here from the pledges that exist.

Revision ID: 21ae0969aa92
Revises: f7ad40cf8803
Create Date: 2026-12-07 01:06:56.652421

"""

import sqlalchemy as sa
from alembic import op

import wcl.time  # noqa: F401  (custom column types)

# revision identifiers, used by Alembic.
revision = "21ae0969aa92"
down_revision = "f7ad40cf8803"
branch_labels = None
depends_on = None


# Who backed: the account, else the email (lower case), else the pledge itself
# (``wcl.reports.maintenance.backer_key``).
BACKER = (
    "CASE WHEN backer_id IS NOT NULL THEN 'u' || CAST(backer_id AS VARCHAR(20)) "
    "WHEN backer_email IS NOT NULL AND backer_email <> '' THEN 'e' || lower(backer_email) "
    "ELSE 'p' || CAST(id AS VARCHAR(20)) END"
)


def upgrade():
    op.create_table(
        "report_campaign_money",
        sa.Column("campaign_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("pledged", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("backers", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_report_campaign_money_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", name=op.f("pk_report_campaign_money")),
    )
    op.create_table(
        "report_campaign_backers",
        sa.Column("campaign_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("backer", sa.String(length=270), nullable=False),
        sa.Column("paid_pledges", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_report_campaign_backers_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "backer", name=op.f("pk_report_campaign_backers")),
    )
    op.execute(
        "INSERT INTO report_campaign_backers (campaign_id, backer, paid_pledges) "
        f"SELECT campaign_id, {BACKER}, count(*) FROM pledges WHERE status = 'paid' GROUP BY campaign_id, {BACKER}"  # noqa: S608 (constant SQL)
    )
    op.execute(
        "INSERT INTO report_campaign_money (campaign_id, pledged, backers) "
        "SELECT p.campaign_id, sum(p.amount - p.refunded_amount), "
        "(SELECT count(*) FROM report_campaign_backers b WHERE b.campaign_id = p.campaign_id) "
        "FROM pledges p WHERE p.status = 'paid' GROUP BY p.campaign_id"
    )


def downgrade():
    op.drop_table("report_campaign_backers")
    op.drop_table("report_campaign_money")
