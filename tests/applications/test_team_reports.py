"""Reports count the people in teams (issue 20): every accepted member and lead of a
submitted team application, by gender, age and region, each person once however many
teams she is in, through the reports' disclosure protection."""

from datetime import timedelta

from tests.factories.accounts import UserFactory
from tests.factories.programme import ApplicationFactory, CallFactory
from wcl.accounts.models import Demographics
from wcl.applications.models import TeamMember
from wcl.extensions import db
from wcl.reports import queries
from wcl.time import utcnow


def _person(email, gender, birth_year, region):
    user = UserFactory(email=email, roles=["applicant"])
    db.session.add(
        Demographics(
            user=user,
            gender=gender,
            birth_year=birth_year,
            region=region,
            consent_version="2026-1",
            consent_at=utcnow(),
        )
    )
    return user


def _team(call, lead, members, submitted=True):
    application = ApplicationFactory(
        call=call,
        applicant=lead,
        applicant_kind="team",
        team_name=f"Team of {lead.email}",
        status="submitted" if submitted else "draft",
        submitted_at=utcnow() if submitted else None,
    )
    for role, user, status in [("lead", lead, "accepted")] + members:
        db.session.add(
            TeamMember(
                application=application,
                call_id=call.id,
                email=user.email,
                user_id=user.id if status == "accepted" else None,
                role=role,
                status=status,
                consent_at=utcnow() if status == "accepted" else None,
            )
        )
    return application


def _counts(by, filters=None):
    rows = db.session.execute(queries.stage_counts(filters or {}, by)).all()
    return {d1: count for stage, d1, _d2, count, _key in rows if stage == "team_members"}


def test_team_members_counted_once_across_teams(app):
    with app.app_context():
        hack = CallFactory(slug="hack")
        incubation = CallFactory(slug="incubation", opens_at=utcnow() - timedelta(days=3))
        aida = _person("aida@example.org", "woman", 1995, "KG-O")
        bermet = _person("bermet@example.org", "woman", 2001, "KG-J")
        chyngyz = _person("chyngyz@example.org", "man", 1990, "KG-O")
        dinara = _person("dinara@example.org", "woman", 1980, "KG-N")
        pending = _person("pending@example.org", "woman", 1985, "KG-B")
        drafter = _person("draft@example.org", "woman", 1970, "KG-T")
        # Bermet is in two teams (of two calls); Chyngyz leads one and is a member of another.
        _team(hack, aida, [("member", bermet, "accepted"), ("member", pending, "invited")])
        _team(incubation, chyngyz, [("member", bermet, "accepted"), ("member", dinara, "accepted")])
        _team(hack, drafter, [("member", dinara, "accepted")], submitted=False)  # a draft counts nobody
        db.session.commit()

        by_gender = _counts("gender")
        assert by_gender == {"woman": 3, "man": 1}  # Aida, Bermet (once), Dinara; Chyngyz
        by_region = _counts("region")
        assert by_region == {"KG-O": 2, "KG-J": 1, "KG-N": 1}
        by_age = _counts("age")
        assert sum(by_age.values()) == 4
        # Filtered by a call: that call's teams only.
        assert _counts("gender", {"call": hack.id}) == {"woman": 2}


def test_published_report_shows_team_members_through_the_protection(app):
    from wcl.reports.services.building import build_report
    from wcl.reports.services.filters import Filters

    with app.app_context():
        call = CallFactory(slug="hack")
        staff = UserFactory(email="staff@example.org", roles=["staff"])
        leads = [_person(f"lead{i}@example.org", "woman", 1995, "KG-O") for i in range(6)]
        members = [_person(f"m{i}@example.org", "woman", 1996, "KG-O") for i in range(6)]
        for lead, member in zip(leads, members, strict=True):
            _team(call, lead, [("member", member, "accepted")])
        db.session.commit()
        report = build_report(Filters(), staff)
        row = next(r for r in report.people if r.stage == "team_members")
        woman = report.categories.index("woman")
        # 12 women: published with the cell-key noise (never below the threshold, never exact
        # beyond the perturbation's range); the small "man" cell is hidden.
        assert isinstance(row.values[woman], int) and abs(row.values[woman] - 12) <= 3
        assert row.values[report.categories.index("man")] in (0, "c")
        assert row.label
