"""reports: per-day money and backers for date-filtered money reports

A money report with dates scanned the pledges (paid dates) on every request; these tables hold
per Bishkek day of payment and campaign the money net of refunds, per backer her paid days, and
per (day, previous paid day) the number of backers, kept in step with pledges by
``wcl.reports.maintenance`` and filled here from the pledges that exist (paid ones with a
payment time; the day is ``paid_at`` in Asia/Bishkek, UTC+6 without summer time since 2005).

Revision ID: 8361f3cdf911
Revises: 41195cb772ea
Create Date: 2026-12-07 04:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8361f3cdf911"
down_revision = "41195cb772ea"
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


# ``wcl.reports.models.NO_EARLIER_DAY``: the "previous day" of a backer's first paid day.
NO_EARLIER_DAY = {"postgresql": "DATE '1900-01-01'", "sqlite": "'1900-01-01'"}


def _campaign_fk(table):
    return sa.ForeignKeyConstraint(
        ["campaign_id"], ["campaigns.id"], name=op.f(f"fk_{table}_campaign_id_campaigns"), ondelete="CASCADE"
    )


def upgrade():
    op.create_table(
        "report_campaign_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("pledged", sa.BigInteger(), server_default="0", nullable=False),
        _campaign_fk("report_campaign_days"),
        sa.PrimaryKeyConstraint("day", "campaign_id", name=op.f("pk_report_campaign_days")),
    )
    op.create_index("ix_report_campaign_days_campaign_id", "report_campaign_days", ["campaign_id"])
    op.create_table(
        "report_campaign_backer_days",
        sa.Column("campaign_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("backer", sa.String(length=270), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("paid_pledges", sa.Integer(), server_default="0", nullable=False),
        _campaign_fk("report_campaign_backer_days"),
        sa.PrimaryKeyConstraint("campaign_id", "backer", "day", name=op.f("pk_report_campaign_backer_days")),
    )
    op.create_table(
        "report_campaign_day_backers",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("backers", sa.Integer(), server_default="0", nullable=False),
        _campaign_fk("report_campaign_day_backers"),
        sa.PrimaryKeyConstraint("day", "campaign_id", "since", name=op.f("pk_report_campaign_day_backers")),
    )
    op.create_index(
        "ix_report_campaign_day_backers_campaign_id", "report_campaign_day_backers", ["campaign_id"]
    )
    backfill(op.execute, op.get_bind().dialect.name)


def backfill(execute, dialect):
    """Fill the three tables from the pledges (``tests/reports/test_money_days.py`` runs it
    and compares with what ``wcl.reports.maintenance`` kept)."""
    day, first = DAY[dialect], NO_EARLIER_DAY[dialect]
    paid = "FROM pledges WHERE status = 'paid' AND paid_at IS NOT NULL"
    execute(
        "INSERT INTO report_campaign_days (day, campaign_id, pledged) "
        f"SELECT {day}, campaign_id, sum(amount - refunded_amount) {paid} GROUP BY {day}, campaign_id"  # noqa: S608 (constant SQL)
    )
    execute(
        "INSERT INTO report_campaign_backer_days (campaign_id, backer, day, paid_pledges) "
        f"SELECT campaign_id, {BACKER}, {day}, count(*) {paid} GROUP BY campaign_id, {BACKER}, {day}"  # noqa: S608 (constant SQL)
    )
    execute(
        "INSERT INTO report_campaign_day_backers (day, campaign_id, since, backers) "
        f"SELECT day, campaign_id, coalesce(since, {first}), count(*) FROM ("  # noqa: S608 (constant SQL)
        "SELECT day, campaign_id, lag(day) OVER (PARTITION BY campaign_id, backer ORDER BY day) AS since "
        "FROM report_campaign_backer_days WHERE paid_pledges > 0) AS runs "
        f"GROUP BY day, campaign_id, coalesce(since, {first})"
    )


def downgrade():
    op.drop_table("report_campaign_day_backers")
    op.drop_table("report_campaign_backer_days")
    op.drop_table("report_campaign_days")
