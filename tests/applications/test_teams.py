"""Team and organisation applications (issue 20): a lead invites members by email, each
accepts and consents; size limits; an organisation applies through its representative.
Every refusal is translated and changes nothing."""

import time

import pytest
from flask_babel import force_locale

from tests.applications.conftest import db_state
from tests.factories.accounts import (
    PASSWORD,  # noqa: E402
    UserFactory,
)
from tests.factories.orgs import OrganisationFactory
from tests.factories.programme import CallFactory
from tests.helpers import link_in, login, outbox_messages, post_form
from wcl.applications import services
from wcl.applications.models import Application, TeamMember, TeamMemberStatus
from wcl.extensions import db
from wcl.orgs.models import OrgMembership


@pytest.fixture
def hack(app):
    """A hackathon call taking teams of 2 to 3 people, and five people."""
    with app.app_context():
        call = CallFactory(
            slug="hack", accepts_teams=True, accepts_individuals=False, team_min_size=2, team_max_size=3
        )
        people = {
            name: UserFactory(
                email=f"{name}@example.org", full_name=name.title(), roles=["applicant"], locale=loc
            )
            for name, loc in (
                ("lead", "en"),
                ("bermet", "ky"),
                ("chynara", "ru"),
                ("dinara", "en"),
                ("elnura", "en"),
            )
        }
        return {"call": call.id, **{k: u.id for k, u in people.items()}}


def _get(model, id_):
    return db.session.get(model, id_)


def _user(id_):
    from wcl.accounts.models import User

    return db.session.get(User, id_)


def _team(hack, name="Felt Makers"):
    from wcl.applications.models import Call

    return services.start_team_application(_user(hack["lead"]), _get(Call, hack["call"]), name, consent=True)


def _refused(fn, contains, locale="ru"):
    before = db_state()
    with pytest.raises(services.ApplicationError) as exc, force_locale(locale):
        fn()
    db.session.rollback()
    assert db_state() == before
    with force_locale(locale):
        message = str(exc.value.message)
    assert contains in message, message
    return message


def test_lead_invites_member_accepts_and_team_submits(app, hack):
    with app.app_context():
        application = _team(hack)
        assert application.applicant_kind == "team"
        lead_row = application.team_members[0]
        assert lead_row.role == "lead" and lead_row.status == "accepted"
        member = services.invite_member(_user(hack["lead"]), application, "Bermet@Example.org")
        assert member.email == "bermet@example.org" and member.status == TeamMemberStatus.INVITED
        token = services.team_invite_token(member)
        accepted = services.accept_invitation(
            _user(hack["bermet"]), token, consent=True, demographics={"gender": "woman", "birth_year": 1999}
        )
        assert accepted.status == "accepted" and accepted.consent_at is not None
        assert _user(hack["bermet"]).demographics.birth_year == 1999
        services.submit_application(_user(hack["lead"]), application)
        assert application.status == "submitted"


def test_invitation_email_in_invitees_language_with_a_working_link(app, client, hack, run_jobs):
    with app.app_context():
        application = _team(hack)
        services.invite_member(_user(hack["lead"]), application, "bermet@example.org")
        app_id = application.id
    run_jobs()
    messages = outbox_messages(app)
    assert len(messages) == 1
    assert "Felt Makers" in messages[0]["Subject"] or "Felt Makers" in messages[0].get_body().get_content()
    body = messages[0].get_body(preferencelist=("plain",)).get_content()
    assert "Саламатсызбы" in body or "команда" in body.lower()  # Kyrgyz (her account's language)
    link = link_in(messages[0], r"https?://\S+/team-invite/\S+")
    path = link.split("localhost", 1)[-1].split(":5000", 1)[-1]
    login(client, "bermet@example.org", PASSWORD)
    page = client.get(path)
    assert page.status_code == 200
    response = post_form(client, path, {"consent": "y"})
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.scalars(db.select(TeamMember).where(TeamMember.application_id == app_id)).all()
        assert {r.status for r in rows} == {"accepted"}


def test_member_invited_twice_refused(app, hack):
    with app.app_context():
        application = _team(hack)
        services.invite_member(_user(hack["lead"]), application, "bermet@example.org")
        _refused(
            lambda: services.invite_member(_user(hack["lead"]), application, "BERMET@example.org"),
            "уже",
        )


def test_member_already_in_another_team_of_the_call_refused(app, hack):
    from wcl.applications.models import Call

    with app.app_context():
        first = _team(hack)
        services.invite_member(_user(hack["lead"]), first, "bermet@example.org")
        other = services.start_team_application(
            _user(hack["dinara"]), _get(Call, hack["call"]), "Other", consent=True
        )
        _refused(lambda: services.invite_member(_user(hack["dinara"]), other, "bermet@example.org"), "команд")
        # The lead of another team cannot be invited either.
        _refused(lambda: services.invite_member(_user(hack["dinara"]), other, "lead@example.org"), "команд")


def test_accepting_while_in_another_team_refused(app, hack):
    from wcl.applications.models import Call

    with app.app_context():
        first = _team(hack)
        m1 = services.invite_member(_user(hack["lead"]), first, "bermet@example.org")
        services.accept_invitation(_user(hack["bermet"]), services.team_invite_token(m1), consent=True)
        # Bermet leads nothing, but Dinara's team got an invitation in before (another address
        # of hers is impossible: the check is by account at acceptance).
        other = services.start_team_application(
            _user(hack["dinara"]), _get(Call, hack["call"]), "Other", consent=True
        )
        _refused(lambda: services.invite_member(_user(hack["dinara"]), other, "bermet@example.org"), "команд")


def test_team_over_the_size_limit_refused(app, hack):
    with app.app_context():
        application = _team(hack)
        services.invite_member(_user(hack["lead"]), application, "bermet@example.org")
        services.invite_member(_user(hack["lead"]), application, "chynara@example.org")
        _refused(lambda: services.invite_member(_user(hack["lead"]), application, "dinara@example.org"), "3")


def test_submit_below_minimum_or_with_pending_members_refused(app, hack):
    with app.app_context():
        application = _team(hack)
        _refused(lambda: services.submit_application(_user(hack["lead"]), application), "2")
        services.invite_member(_user(hack["lead"]), application, "bermet@example.org")
        _refused(lambda: services.submit_application(_user(hack["lead"]), application), "принял")


def test_expired_forged_or_foreign_invitation_refused(app, hack):
    with app.app_context():
        application = _team(hack)
        member = services.invite_member(_user(hack["lead"]), application, "bermet@example.org")
        token = services.team_invite_token(member)
        _refused(
            lambda: services.accept_invitation(_user(hack["bermet"]), token + "x", consent=True), "недейств"
        )
        _refused(lambda: services.accept_invitation(_user(hack["chynara"]), token, consent=True), "адрес")
        _refused(lambda: services.accept_invitation(_user(hack["bermet"]), token, consent=False), "соглас")
        app.config["TEAM_INVITE_MAX_AGE"] = 0
        try:
            time.sleep(1.1)
            _refused(lambda: services.accept_invitation(_user(hack["bermet"]), token, consent=True), "Срок")
        finally:
            app.config.pop("TEAM_INVITE_MAX_AGE")


def test_call_without_teams_refuses_a_team_and_individuals_when_closed_to_them(app, hack):
    from wcl.applications.models import Call

    with app.app_context():
        solo = CallFactory(slug="solo")
        _refused(
            lambda: services.start_team_application(_user(hack["lead"]), solo, "T", consent=True), "команд"
        )
        _refused(lambda: services.start_application(_user(hack["lead"]), _get(Call, hack["call"])), "команд")


def test_organisation_applies_through_its_representative_only(app, hack):
    from wcl.applications.models import Call

    with app.app_context():
        call = _get(Call, hack["call"])
        call.accepts_organisations = True
        org = OrganisationFactory(name_en="Osh Event Agency")
        db.session.add(OrgMembership(organisation=org, user_id=hack["lead"], role="representative"))
        db.session.add(OrgMembership(organisation=org, user_id=hack["bermet"], role="member"))
        db.session.commit()
        _refused(
            lambda: services.start_organisation_application(_user(hack["bermet"]), call, org), "представ"
        )
        application = services.start_organisation_application(_user(hack["lead"]), call, org)
        assert application.applicant_kind == "organisation" and application.organisation_id == org.id
        assert db.session.scalar(db.select(db.func.count(Application.id))) == 1
