"""The demo data read as a participation report: it makes sense, and it shows figures
(the women's headline above all) rather than a page of "c"."""

import sqlalchemy as sa

from tests.factories.accounts import UserFactory
from wcl.cohorts.models import Enrolment
from wcl.demo import load_demo
from wcl.extensions import db
from wcl.reports import queries, services
from wcl.reports.protection import MARK, THRESHOLD


def _true(by="gender"):
    rows = db.session.execute(queries.stage_counts({}, by)).all()
    return {(stage, d1): n for stage, d1, _d2, n, _key in rows}


def test_the_demo_report_makes_sense_and_shows_the_women(app_ctx):
    load_demo()
    # Every demo participant was enrolled from an accepted application (none "without one").
    enrolments = db.session.scalars(sa.select(Enrolment)).all()
    assert enrolments and all(e.application_id is not None for e in enrolments)
    assert all(e.application.status == "accepted" for e in enrolments)
    true = _true()

    def stage(name):
        return sum(n for (s, _c), n in true.items() if s == name)

    # A nested funnel: nobody enrolled who was not accepted, nobody accepted not shortlisted.
    assert stage("applied") >= stage("shortlisted") >= stage("accepted") >= stage("enrolled")
    assert stage("enrolled") >= stage("attended")
    # Some applications were shortlisted and later rejected or waitlisted: still shortlisted.
    assert stage("shortlisted") > stage("accepted")

    staff = UserFactory(roles=["staff"])
    report = services.build_report(services.parse_filters({}, staff), staff)
    rows = {row.stage: row for row in report.funnel}
    women = report.categories.index("woman")
    for name in ("applied", "shortlisted", "accepted", "enrolled", "attended"):
        assert true[(name, "woman")] >= THRESHOLD, name
        assert rows[name].values[women] != MARK and rows[name].total != MARK, name
    # Women are most of every stage, as in the programme.
    assert true[("applied", "woman")] > 3 * (stage("applied") - true[("applied", "woman")])
