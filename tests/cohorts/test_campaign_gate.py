"""The campaign gate: graduates and signed-off participants may start a campaign."""

from tests.factories.programme import EnrolmentFactory
from wcl.cohorts.models import EnrolmentStatus
from wcl.cohorts.services import is_campaign_ready
from wcl.extensions import db
from wcl.time import utcnow


def test_gate(app_ctx):
    active = EnrolmentFactory()
    assert not is_campaign_ready(active.participant_id)
    active.campaign_ready_at = utcnow()
    db.session.commit()
    assert is_campaign_ready(active.participant_id)

    graduate = EnrolmentFactory(status=EnrolmentStatus.GRADUATED, graduated_at=utcnow())
    assert is_campaign_ready(graduate.participant_id)

    withdrawn = EnrolmentFactory(status=EnrolmentStatus.WITHDRAWN, campaign_ready_at=utcnow())
    assert not is_campaign_ready(withdrawn.participant_id)
