"""What the home page shows: open calls, live campaigns, protected figures, partners.

A fixed number of queries whatever the number of calls, campaigns or people:
the calls and campaigns are limited, the campaign totals aggregated in one
query, and the figures come from the reports' protected aggregates.
"""

import sqlalchemy as sa

from wcl.applications.models import Call
from wcl.campaigns import services as campaign_services
from wcl.extensions import db
from wcl.orgs.queries import public_partners
from wcl.reports.services import public_figures
from wcl.time import local_today, utcnow

CALLS_ON_HOME = 3
CAMPAIGNS_ON_HOME = 6


def home_page(now=None, locale="en"):
    """Everything the home page shows (read-only)."""
    now = now or utcnow()
    calls = db.session.scalars(
        db.select(Call)
        .where(Call.opens_at <= now, Call.closes_at > now)
        .options(sa.orm.selectinload(Call.lab))
        .order_by(Call.closes_at, Call.id)
        .limit(CALLS_ON_HOME)
    ).all()
    pagination, totals = campaign_services.pages.list_live(per_page=CAMPAIGNS_ON_HOME, locale=locale)
    return {
        "calls": calls,
        "campaigns": pagination.items,
        "more_campaigns": pagination.total > len(pagination.items),
        "totals": totals,
        "figures": public_figures(),
        # Organisations in an active partnership that are public (the orgs domain); none: an empty state.
        "partners": public_partners(local_today()),
        "now": now,
    }
