"""Ids posted in forms are parsed with bounds: a huge or broken one is a 4xx, not a 500."""

import pytest

from tests.factories.accounts import PASSWORD
from tests.helpers import csrf_token, login
from wcl.cohorts.models import MilestoneProgress
from wcl.extensions import db


@pytest.mark.parametrize("milestone_id", ["99999999999999999999999", "2147483648", "1\x00", "-1", "x"])
def test_evidence_with_a_bad_milestone_id_is_refused(app, client, world, milestone_id):
    login(client, "p1@example.org", PASSWORD)
    eid = world.enrolment_ids[0]
    response = client.post(
        f"/cohorts/enrolments/{eid}/evidence",
        data={
            "csrf_token": csrf_token(client, f"/cohorts/enrolments/{eid}"),
            "milestone_id": milestone_id,
            "text": "my notes",
        },
    )
    assert 400 <= response.status_code < 500
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(MilestoneProgress.id))) == 0
