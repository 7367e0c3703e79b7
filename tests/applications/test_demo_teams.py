"""The demo shows issue 20 at once: a hackathon taking teams, a team of three, a
partner co-reviewer who reviewed a team's application."""

from wcl.accounts.demo import demo_user
from wcl.accounts.permissions import has_permission
from wcl.applications import demo_teams, services
from wcl.applications.models import Application, Review
from wcl.demo import load_demo
from wcl.extensions import db


def test_demo_hackathon_with_teams_and_a_co_reviewer(app_ctx):
    load_demo()
    load_demo()  # idempotent
    call = services.get_call_by_slug(demo_teams.HACKATHON_SLUG)
    assert call.accepts_teams and not call.accepts_individuals and call.is_open()
    teams = db.session.scalars(
        db.select(Application).where(Application.call_id == call.id, Application.applicant_kind == "team")
    ).all()
    assert len(teams) == 3
    sizes = sorted(len(services.team_of(t)) for t in teams)
    assert sizes == [2, 2, 3]
    assert sorted(t.status for t in teams) == ["draft", "submitted", "under_review"]
    partner = demo_user(demo_teams.PARTNER_EMAIL)
    assert has_permission(partner, "applications.review")
    reviewed = db.session.scalar(db.select(Review).where(Review.reviewer_id == partner.id))
    assert reviewed is not None and reviewed.application.call_id == call.id
    assert [row.organisation.name("en") for row in services.co_reviewers_of(call)] == [
        "Osh city mayor's office"
    ]
