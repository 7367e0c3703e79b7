"""Lab-scoped staff moderate only their own lab's campaigns.

A campaign belongs to its creator's cohort's lab. Staff scoped to lab A see
lab A's campaigns in the review queue and approve, return, cancel and hide on
them; another lab's campaign is refused (403) and nothing changes. Unscoped
staff moderate every lab's campaigns.
"""

import pytest

from tests.factories.accounts import UserFactory
from tests.factories.campaigns import campaign_in_lab
from tests.factories.programme import two_labs_with_staff
from tests.helpers import csrf_token, signed_in
from wcl.accounts.permissions import PermissionDenied
from wcl.campaigns import services
from wcl.campaigns.models import Campaign
from wcl.extensions import db


@pytest.fixture
def campaigns(app):
    with app.app_context():
        lab_a, lab_b = two_labs_with_staff()
        ours = campaign_in_lab(lab_a, slug="ours", title="Felt of Osh", status="in_review")
        theirs = campaign_in_lab(lab_b, slug="theirs", title="Wool of Naryn", status="in_review")
        return {"ours": ours.id, "theirs": theirs.id}


def _status(app, campaign_id):
    with app.app_context():
        return db.session.get(Campaign, campaign_id).status


def _approve(client, slug):
    token = csrf_token(client, "/account/")
    return client.post(f"/campaigns/{slug}/review", data={"review-csrf_token": token, "review-approve": "y"})


def test_lab_staff_review_queue_lists_only_their_lab(app, campaigns):
    page = signed_in(app, "staff-a").get("/campaigns/review").get_data(as_text=True)
    assert "Felt of Osh" in page
    assert "Wool of Naryn" not in page
    everything = signed_in(app, "staff-all").get("/campaigns/review").get_data(as_text=True)
    assert "Felt of Osh" in everything and "Wool of Naryn" in everything


def test_lab_staff_cannot_approve_another_labs_campaign(app, campaigns):
    client = signed_in(app, "staff-a")
    # Not found rather than refused: the page does not say the campaign exists.
    assert client.get("/campaigns/theirs/manage").status_code == 404
    assert _approve(client, "theirs").status_code == 404
    assert _status(app, campaigns["theirs"]) == "in_review"
    assert _approve(client, "ours").status_code == 302
    assert _status(app, campaigns["ours"]) != "in_review"


def test_unscoped_staff_approve_in_every_lab(app, campaigns):
    assert _approve(signed_in(app, "staff-all"), "theirs").status_code == 302
    assert _status(app, campaigns["theirs"]) != "in_review"


def test_moderation_services_refuse_another_labs_campaign(app, campaigns):
    with app.app_context():
        actor = db.session.scalar(db.select(UserFactory._meta.model).filter_by(email="staff-a@example.org"))
        for call in (
            lambda: services.lifecycle.approve_campaign(actor, campaigns["theirs"]),
            lambda: services.lifecycle.return_campaign(actor, campaigns["theirs"], "Fix the story"),
            lambda: services.lifecycle.cancel_campaign(actor, campaigns["theirs"], "Duplicate"),
        ):
            with pytest.raises(PermissionDenied):
                call()
            db.session.rollback()
        assert db.session.get(Campaign, campaigns["theirs"]).status == "in_review"
