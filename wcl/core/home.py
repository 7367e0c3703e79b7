"""What the home page shows: open calls, live campaigns, protected figures, partners.

A fixed number of queries whatever the number of calls, campaigns or people:
the calls and campaigns are limited, the campaign totals aggregated in one
query, and the figures come from the reports' protected aggregates.
"""

import json
from functools import cache
from pathlib import Path

import sqlalchemy as sa

from wcl.applications.models import Call
from wcl.campaigns import services as campaign_services
from wcl.extensions import db
from wcl.reports.services import public_figures
from wcl.time import utcnow

CALLS_ON_HOME = 3
CAMPAIGNS_ON_HOME = 6
PARTNERS_FILE = Path(__file__).resolve().parents[1] / "data" / "partners.json"


@cache
def partners():
    """The programme's partners: a static list (``wcl/data/partners.json``) until the
    organisations domain lists them from its own tables."""
    return json.loads(PARTNERS_FILE.read_text(encoding="utf-8"))


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
        "partners": partners(),
        "now": now,
    }
