"""A partner organisation named co-reviewer of a call (issue 20): its people review that
call's applications like reviewers, declare conflicts of interest, and nothing else."""

import pytest

from tests.factories.accounts import (
    PASSWORD,  # noqa: E402
    UserFactory,
)
from tests.factories.applications import CriterionFactory
from tests.factories.orgs import OrganisationFactory
from tests.factories.programme import ApplicationFactory, CallFactory
from tests.helpers import login, post_form
from wcl.accounts.models import User
from wcl.accounts.permissions import can, has_permission
from wcl.applications import services
from wcl.applications.models import Application, AssignmentStatus, Call, ReviewAssignment
from wcl.extensions import db
from wcl.orgs.models import OrgMembership


@pytest.fixture
def partner(app):
    with app.app_context():
        call = CallFactory(slug="events-incubation")
        CriterionFactory(call=call, label_en="Idea", min_score=1, max_score=5)
        other_call = CallFactory(slug="other")
        org = OrganisationFactory(name_en="Osh Mayor's Office", kind="city_admin")
        person = UserFactory(email="partner@example.org", full_name="Partner Person", roles=[])
        db.session.add(OrgMembership(organisation=org, user=person, role="member"))
        staff = UserFactory(email="staff@example.org", roles=["staff"])
        mine = ApplicationFactory(call=call)
        elsewhere = ApplicationFactory(call=other_call)
        db.session.commit()
        return {
            "call": call.id,
            "org": org.id,
            "person": person.id,
            "staff": staff.id,
            "app": mine.id,
            "elsewhere": elsewhere.id,
            "other_call": other_call.id,
        }


def _name(p):
    from wcl.orgs.models import Organisation

    services.name_co_reviewer(
        db.session.get(User, p["staff"]),
        db.session.get(Call, p["call"]),
        db.session.get(Organisation, p["org"]),
    )


def test_partner_people_become_eligible_reviewers_of_that_call_only(app, partner):
    with app.app_context():
        call, other = db.session.get(Call, partner["call"]), db.session.get(Call, partner["other_call"])
        assert partner["person"] not in {u.id for u in services.eligible_reviewers(call)}
        _name(partner)
        assert partner["person"] in {u.id for u in services.eligible_reviewers(call)}
        assert partner["person"] not in {u.id for u in services.eligible_reviewers(other)}
        with pytest.raises(services.ApplicationError):
            _name(partner)  # named twice


def test_assigned_partner_person_reviews_and_declares_conflicts(app, client, partner):
    with app.app_context():
        _name(partner)
        staff = db.session.get(User, partner["staff"])
        person = db.session.get(User, partner["person"])
        application = db.session.get(Application, partner["app"])
        assert not can("applications.review", application, user=person)  # not assigned yet
        services.assign_reviewer(staff, application, person)
        assert has_permission(person, "applications.review")
        assert can("applications.review", application, user=person)
        assert can("applications.view", application, user=person)
        elsewhere = db.session.get(Application, partner["elsewhere"])
        assert not can("applications.view", elsewhere, user=person)
        # Nobody can assign her to another call's application.
        with pytest.raises(services.ApplicationError):
            services.assign_reviewer(staff, elsewhere, person)
        criterion = application.call.criteria[0]
        app_id = application.id
    login(client, "partner@example.org", PASSWORD)
    assert client.get("/review/").status_code == 200
    path = f"/applications/{app_id}/review"
    response = post_form(client, path, {f"score-{criterion.id}": "4", "comment": "Good"})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    with app.app_context():
        assert services.review_by(
            db.session.get(User, partner["person"]), db.session.get(Application, app_id)
        )


def test_partner_person_conflict_of_interest_excuses_her(app, partner):
    with app.app_context():
        _name(partner)
        staff = db.session.get(User, partner["staff"])
        person = db.session.get(User, partner["person"])
        application = db.session.get(Application, partner["app"])
        services.assign_reviewer(staff, application, person)
        services.declare_conflict(person, application)
        row = db.session.scalar(db.select(ReviewAssignment).where(ReviewAssignment.reviewer_id == person.id))
        assert row.status == AssignmentStatus.CONFLICT
        assert not can("applications.review", application, user=person)


def test_removing_the_organisation_ends_its_review_rights(app, partner):
    with app.app_context():
        _name(partner)
        staff = db.session.get(User, partner["staff"])
        person = db.session.get(User, partner["person"])
        application = db.session.get(Application, partner["app"])
        services.assign_reviewer(staff, application, person)
        services.remove_co_reviewer(staff, application.call, partner["org"])
        assert not can("applications.review", application, user=person)
        assert not has_permission(person, "applications.review")


def test_people_without_a_co_reviewing_organisation_cannot_review(app, partner):
    with app.app_context():
        person = db.session.get(User, partner["person"])
        assert not has_permission(person, "applications.review")


def test_a_team_member_cannot_review_her_teams_application(app, partner):
    from wcl.applications.models import TeamMember

    with app.app_context():
        _name(partner)
        application = db.session.get(Application, partner["app"])
        db.session.add(
            TeamMember(
                application_id=application.id,
                call_id=application.call_id,
                email="partner@example.org",
                user_id=partner["person"],
                status="accepted",
                consent_at=application.created_at,
            )
        )
        application.applicant_kind = "team"
        db.session.commit()
        with pytest.raises(services.ApplicationError):
            services.assign_reviewer(
                db.session.get(User, partner["staff"]), application, db.session.get(User, partner["person"])
            )


def test_her_navigation_shows_her_reviews_from_the_query_that_loads_her(app, client, partner, count_queries):
    # The navigation asks "may she review" on every page. A co-reviewer holds it through
    # her organisation, not a role: the statement that loads her session answers it, and
    # the answer is read afresh on every request (the organisation removed: the link goes).
    login(client, "partner@example.org", PASSWORD)
    assert "My reviews" not in client.get("/account/").get_data(as_text=True)
    with app.app_context():
        _name(partner)
    with count_queries() as queries:
        html = client.get("/account/").get_data(as_text=True)
    assert 'href="/review/"' in html and "My reviews" in html
    asking = [q for q in queries if "call_co_reviewers" in q]
    assert len(asking) == 1 and "user_sessions" in asking[0], queries
    with app.app_context():
        services.remove_co_reviewer(
            db.session.get(User, partner["staff"]), db.session.get(Call, partner["call"]), partner["org"]
        )
    assert "My reviews" not in client.get("/account/").get_data(as_text=True)
