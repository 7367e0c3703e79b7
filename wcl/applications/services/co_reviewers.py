"""Partner organisations named co-reviewers of a call, and who may apply to a call.

A co-reviewing organisation's people (its members, whatever their role in it) may be
assigned the call's applications and review them as reviewers do, conflicts of
interest included; on that call only, and only while the organisation stays named.
"""

from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.applications.models import CallCoReviewer
from wcl.applications.services._common import fail
from wcl.audit.services import record
from wcl.extensions import db


def co_reviewers_of(call):
    """The call's co-reviewing organisations' rows, oldest first."""
    return db.session.scalars(
        db.select(CallCoReviewer).where(CallCoReviewer.call_id == call.id).order_by(CallCoReviewer.id)
    ).all()


def name_co_reviewer(actor, call, organisation):
    """Staff name a partner organisation co-reviewer of the call."""
    ensure("calls.manage", call, user=actor)
    if organisation is None:
        fail(_l("Choose an organisation."), field="organisation_id")
    if any(row.organisation_id == organisation.id for row in co_reviewers_of(call)):
        fail(_l("This organisation is already a co-reviewer of this call."), field="organisation_id")
    row = CallCoReviewer(call_id=call.id, organisation_id=organisation.id, named_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    record("call.co_reviewer_named", call, actor=actor, organisation_id=organisation.id)
    db.session.commit()
    return row


def remove_co_reviewer(actor, call, organisation_id):
    """Staff take the co-reviewer role back (its people's assignments stop counting)."""
    ensure("calls.manage", call, user=actor)
    row = next((r for r in co_reviewers_of(call) if r.organisation_id == organisation_id), None)
    if row is None:
        fail(_l("This organisation is not a co-reviewer of this call."))
    db.session.delete(row)
    record("call.co_reviewer_removed", call, actor=actor, organisation_id=organisation_id)
    db.session.commit()


def set_applicant_kinds(actor, call, individuals, teams, organisations, team_min_size, team_max_size):
    """Staff choose who may apply to the call, and the size of its teams."""
    ensure("calls.manage", call, user=actor)
    if not (individuals or teams or organisations):
        fail(_l("Choose at least one kind of applicant."))
    try:
        low, high = int(team_min_size), int(team_max_size)
    except (TypeError, ValueError):
        fail(_l("Enter whole numbers for the team size."), field="team_min_size")
    if not 1 <= low <= high <= 50:
        fail(
            _l("A team's smallest size must be at least 1 and not above its largest."), field="team_min_size"
        )
    call.accepts_individuals = bool(individuals)
    call.accepts_teams = bool(teams)
    call.accepts_organisations = bool(organisations)
    call.team_min_size, call.team_max_size = low, high
    record(
        "call.applicant_kinds_set",
        call,
        actor=actor,
        individuals=call.accepts_individuals,
        teams=call.accepts_teams,
        organisations=call.accepts_organisations,
        team_min_size=low,
        team_max_size=high,
    )
    db.session.commit()
    return call
