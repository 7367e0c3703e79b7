"""Demo data for ``flask --app wcl demo``: every domain adds its own loader.

Loaders run in order, are idempotent and return lines to print.
"""

from werkzeug.utils import import_string

DEMO_LOADERS = [
    "wcl.accounts.demo.load",
    "wcl.orgs.demo.load",
    "wcl.applications.demo.load",
    "wcl.applications.demo_teams.load",  # issue 20: a hackathon with teams, a co-reviewer
    "wcl.cohorts.demo.load",
    "wcl.knowledge.demo.load",
    "wcl.campaigns.demo.load",
    "wcl.grants.demo.load",
    "wcl.ashar.demo.load",
    "wcl.payments.demo.load",
    "wcl.receipts.demo.load",
    "wcl.events.demo.load",
    "wcl.pitch.demo.load",
    "wcl.outcomes.demo.load",
    "wcl.outcomes.demo_public.load",
    "wcl.core.demo.load",
]


def load_demo():
    """Run every loader; returns the printed lines (logins and what was made)."""
    lines = []
    for path in DEMO_LOADERS:
        lines += import_string(path)() or []
    return lines
