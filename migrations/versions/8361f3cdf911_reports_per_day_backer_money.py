"""reports: per-day money and backers for date-filtered money reports

A money report with dates scanned the pledges (paid dates) on every request; this table holds,
per Bishkek day of payment, campaign and backer, the paid pledges and their money net of
refunds, kept in step with pledges by ``wcl.reports.maintenance`` and filled here from the
pledges that exist (paid ones with a payment time; the day is ``paid_at`` in Asia/Bishkek,
UTC+6 without summer time since 2005).

Revision ID: 8361f3cdf911
Revises: 89c30dff312c
Create Date: 2026-12-07 04:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8361f3cdf911"
down_revision = "89c30dff312c"
branch_labels = None
depends_on = None


# Who backed: the account, else the email (lower case), else the pledge itself
# (``wcl.reports.maintenance.backer_key``).
BACKER = (
    "CASE WHEN backer_id IS NOT NULL THEN 'u' || CAST(backer_id AS VARCHAR(20)) "
    "WHEN backer_email IS NOT NULL AND backer_email <> '' THEN 'e' || lower(backer_email) "
    "ELSE 'p' || CAST(id AS VARCHAR(20)) END"
)
# The payment's date in Bishkek (``wcl.reports.maintenance.payment_day``).
DAY = {
    "postgresql": "CAST(paid_at AT TIME ZONE 'Asia/Bishkek' AS DATE)",
    "sqlite": "date(paid_at, '+6 hours')",
}


def upgrade():
    op.create_table(
        "report_campaign_backer_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("backer", sa.String(length=270), nullable=False),
        sa.Column("paid_pledges", sa.Integer(), server_default="0", nullable=False),
        sa.Column("pledged", sa.BigInteger(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_report_campaign_backer_days_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("day", "campaign_id", "backer", name=op.f("pk_report_campaign_backer_days")),
    )
    op.create_index(
        "ix_report_campaign_backer_days_campaign_id", "report_campaign_backer_days", ["campaign_id"]
    )
    day = DAY[op.get_bind().dialect.name]
    op.execute(
        "INSERT INTO report_campaign_backer_days (day, campaign_id, backer, paid_pledges, pledged) "
        f"SELECT {day}, campaign_id, {BACKER}, count(*), sum(amount - refunded_amount) FROM pledges "  # noqa: S608 (constant SQL)
        f"WHERE status = 'paid' AND paid_at IS NOT NULL GROUP BY {day}, campaign_id, {BACKER}"
    )


def downgrade():
    op.drop_index("ix_report_campaign_backer_days_campaign_id", table_name="report_campaign_backer_days")
    op.drop_table("report_campaign_backer_days")
