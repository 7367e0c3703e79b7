"""The signed-in reader's campaign query finds her pledges through indexes, not a scan."""

import sqlalchemy as sa

from tests.factories.accounts import UserFactory
from tests.factories.campaigns import CampaignFactory
from tests.helpers import query_plan
from wcl.campaigns.queries import reader
from wcl.campaigns.services import pages
from wcl.extensions import db

GUEST_PLEDGES = 3_000


def _guest_pledges(campaign_id, count):
    # Written in one statement: the planner needs a table of realistic size (and its
    # statistics) to show which way it would take on a live campaign.
    db.session.execute(
        sa.text(
            "INSERT INTO pledges (campaign_id, backer_name, backer_email, anonymous, locale, amount,"
            " currency, refunded_amount, status, holds_stock, provider, token, created_at, paid_at)"
            " SELECT :campaign, 'Guest ' || n, 'Guest' || n || '@Example.org', false, 'ky', 100000,"
            " 'KGS', 0, 'paid', false, 'sandbox', 'bulk-' || n, now(), now()"
            " FROM generate_series(1, :count) AS n"
        ),
        {"campaign": campaign_id, "count": count},
    )
    db.session.commit()
    with db.engine.begin() as conn:  # committed: statistics gathered in a rolled-back transaction are lost
        conn.execute(sa.text("ANALYZE pledges"))


def test_a_readers_pledges_to_the_campaign_are_found_by_index(app):
    # Every signed-in reader's campaign page asks "has she a paid pledge here" (her own, or a
    # guest pledge made with her confirmed address in any case). Without an index on the
    # lowered address it read every pledge of the campaign: 6.6 ms at 10,000 pledges for a
    # reader who had made none.
    with app.app_context():
        campaign = CampaignFactory(slug="felt")
        her = UserFactory(email="aigerim@example.org")
        db.session.commit()
        _guest_pledges(campaign.id, GUEST_PLEDGES)
        by_email, values = reader(her)
        assert by_email  # her confirmed address counts: the condition with both halves
        plan = query_plan(pages._reader_campaign_query(by_email), dict(values, slug="felt"))
        assert "ix_pledges_backer_email_lower" in plan, plan
        assert "Seq Scan on pledges" not in plan, plan
