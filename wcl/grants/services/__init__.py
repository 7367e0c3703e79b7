"""Grant services. Other domains call these, never the grant views.

One module per use case, re-exported here. Each public function that changes
something is one unit of work: it checks the actor's permission (``ensure``),
locks the rows it changes (a fund before its balance moves, a tranche before
it is released), validates, changes, audits and commits once at its end. A
refusal raises ``GrantError`` after rolling the session back: nothing changed.
"""

from wcl.grants.errors import GrantError
from wcl.grants.services.agreement import accept_agreement, agreement_number, countersign, print_agreement
from wcl.grants.services.awards import award_grant, close_grant
from wcl.grants.services.funds import create_fund, fund_fund, funds_for, ledger, movement_totals
from wcl.grants.services.overview import (
    grant_file,
    grant_rows,
    grants_of,
    milestone_choices,
    recipient_choices,
    spending_of,
    status_counts,
)
from wcl.grants.services.releases import (
    approve_release,
    condition_holds,
    confirm_condition,
    needs_second_approval,
    release_tranche,
    submit_evidence,
)
from wcl.grants.services.spending import report_spending, review_spending

__all__ = [
    "GrantError",
    "accept_agreement",
    "agreement_number",
    "approve_release",
    "award_grant",
    "close_grant",
    "condition_holds",
    "confirm_condition",
    "countersign",
    "create_fund",
    "fund_fund",
    "funds_for",
    "grant_file",
    "grant_rows",
    "milestone_choices",
    "recipient_choices",
    "grants_of",
    "ledger",
    "movement_totals",
    "needs_second_approval",
    "print_agreement",
    "release_tranche",
    "report_spending",
    "review_spending",
    "spending_of",
    "status_counts",
    "submit_evidence",
]
