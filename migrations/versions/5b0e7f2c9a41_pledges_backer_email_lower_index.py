"""pledges: an index on lower(backer_email)

"Her pledges" (``wcl.campaigns.queries.pledges_of``) are her own and the guest pledges made
with her confirmed address, however it was cased. Without an index on the lowered address,
every signed-in reader's campaign page scanned every pledge (6.6 ms at 10,000 pledges)
when she had made none; with it, both halves of the condition are index lookups (0.1 ms).

Revision ID: 5b0e7f2c9a41
Revises: 8361f3cdf911
Create Date: 2026-12-08 01:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5b0e7f2c9a41"
down_revision = "8361f3cdf911"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_pledges_backer_email_lower", "pledges", [sa.text("lower(backer_email)")])


def downgrade():
    op.drop_index("ix_pledges_backer_email_lower", table_name="pledges")
