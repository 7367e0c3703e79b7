"""The demo: graduates with answered follow-ups, so the results page shows figures."""

from tests.factories.accounts import UserFactory
from wcl.demo import load_demo
from wcl.extensions import db
from wcl.outcomes import services
from wcl.outcomes.models import FollowUp
from wcl.reports.protection import MARK
from wcl.time import utcnow


def test_the_demo_results_show_figures(app_ctx):
    load_demo()
    assert "already loaded" in load_demo()[-1]
    answered = db.session.scalar(db.select(db.func.count()).where(FollowUp.submitted_at.is_not(None)))
    assert answered >= 14
    staff = UserFactory(roles=["staff"])
    year = services.parse_period(str(utcnow().year))
    values = services.published_values(year)
    table = services.results_table(year, [])
    assert any(row["target"] for row in table.rows)
    # At least the headline shows a figure (the graduation date may fall in last year early in January).
    last = services.published_values(services.parse_period(str(utcnow().year - 1)))
    assert values["women_trained"] not in (MARK, 0) or last["women_trained"] not in (MARK, 0)
    rows = {row.kind: row for row in services.support_breakdown(staff)["rows"]}
    assert rows["childcare"].not_used[0] not in (MARK, 0)
