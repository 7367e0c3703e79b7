"""lab campaigns feed a matching pool or a grant fund

Revision ID: 3cf6affe748c
Revises: dc92f8354eb1
Create Date: 2026-12-07 00:54:25.193165

"""

import sqlalchemy as sa
from alembic import op

import wcl.time  # noqa: F401  (custom column types)

# revision identifiers, used by Alembic.
revision = "3cf6affe748c"
down_revision = "dc92f8354eb1"
branch_labels = None
depends_on = None


OLD_KINDS = "kind IN ('funded','awarded','returned','released')"
NEW_KINDS = "kind IN ('funded','awarded','returned','released','campaign','refunded')"
DESTINATION = (
    "(lab_id IS NULL AND feeds_pool_id IS NULL AND feeds_fund_id IS NULL) OR "
    "(lab_id IS NOT NULL AND ((feeds_pool_id IS NULL AND feeds_fund_id IS NOT NULL) OR "
    "(feeds_pool_id IS NOT NULL AND feeds_fund_id IS NULL)))"
)


def upgrade():
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lab_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("feeds_pool_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("feeds_fund_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_campaigns_lab_id"), ["lab_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaigns_feeds_pool_id"), ["feeds_pool_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaigns_feeds_fund_id"), ["feeds_fund_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_campaigns_lab_id_labs"), "labs", ["lab_id"], ["id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_campaigns_feeds_pool_id_matching_pools"),
            "matching_pools",
            ["feeds_pool_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_campaigns_feeds_fund_id_grant_funds"), "grant_funds", ["feeds_fund_id"], ["id"]
        )
        batch_op.create_check_constraint(op.f("ck_campaigns_lab_campaign_destination"), DESTINATION)

    with op.batch_alter_table("matching_pools", schema=None) as batch_op:
        batch_op.add_column(sa.Column("from_campaigns", sa.BigInteger(), server_default="0", nullable=False))
        batch_op.create_check_constraint(
            op.f("ck_matching_pools_from_campaigns_not_negative"), "from_campaigns >= 0"
        )

    with op.batch_alter_table("grant_fund_movements", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_grant_fund_movements_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_grant_fund_movements_kind"), NEW_KINDS)

    op.create_table(
        "lab_campaign_movements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=True),
        sa.Column("fund_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("created_at", wcl.time.UTCDateTime(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_lab_campaign_movements_amount_positive")),
        sa.CheckConstraint("kind IN ('paid','refunded')", name=op.f("ck_lab_campaign_movements_kind")),
        sa.CheckConstraint("status IN ('applied','held')", name=op.f("ck_lab_campaign_movements_status")),
        sa.CheckConstraint(
            "(pool_id IS NULL AND fund_id IS NOT NULL) OR (pool_id IS NOT NULL AND fund_id IS NULL)",
            name=op.f("ck_lab_campaign_movements_one_destination"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_lab_campaign_movements_campaign_id_campaigns")
        ),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["grant_funds.id"], name=op.f("fk_lab_campaign_movements_fund_id_grant_funds")
        ),
        sa.ForeignKeyConstraint(
            ["pledge_id"], ["pledges.id"], name=op.f("fk_lab_campaign_movements_pledge_id_pledges")
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["matching_pools.id"], name=op.f("fk_lab_campaign_movements_pool_id_matching_pools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_campaign_movements")),
        sa.UniqueConstraint("key", name=op.f("uq_lab_campaign_movements_key")),
    )
    with op.batch_alter_table("lab_campaign_movements", schema=None) as batch_op:
        for column in ("campaign_id", "pledge_id", "pool_id", "fund_id", "status"):
            batch_op.create_index(batch_op.f(f"ix_lab_campaign_movements_{column}"), [column], unique=False)


def downgrade():
    op.drop_table("lab_campaign_movements")
    with op.batch_alter_table("grant_fund_movements", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_grant_fund_movements_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_grant_fund_movements_kind"), OLD_KINDS)
    with op.batch_alter_table("matching_pools", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_matching_pools_from_campaigns_not_negative"), type_="check")
        batch_op.drop_column("from_campaigns")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_campaigns_lab_campaign_destination"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_campaigns_feeds_fund_id_grant_funds"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_campaigns_feeds_pool_id_matching_pools"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_campaigns_lab_id_labs"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_campaigns_feeds_fund_id"))
        batch_op.drop_index(batch_op.f("ix_campaigns_feeds_pool_id"))
        batch_op.drop_index(batch_op.f("ix_campaigns_lab_id"))
        batch_op.drop_column("feeds_fund_id")
        batch_op.drop_column("feeds_pool_id")
        batch_op.drop_column("lab_id")
