"""Matching pools are lab-scoped: staff of lab A see, edit and attach only lab A's
campaigns' pools; a pool matching another lab's campaign is not theirs."""

from datetime import timedelta

import pytest

from tests.factories.campaigns import MatchingPoolFactory, campaign_in_lab
from tests.factories.programme import two_labs_with_staff
from tests.helpers import post_form, signed_in
from wcl.accounts.models import User
from wcl.accounts.permissions import PermissionDenied
from wcl.campaigns import services
from wcl.campaigns.models import MatchingPool
from wcl.extensions import db
from wcl.time import utcnow


@pytest.fixture
def pools(app):
    with app.app_context():
        lab_a, lab_b = two_labs_with_staff()
        ours = campaign_in_lab(lab_a, title="Our felt")
        theirs = campaign_in_lab(lab_b, title="Their pottery")
        our_pool = MatchingPoolFactory(sponsor_name="Our Sponsor", campaigns=[ours])
        their_pool = MatchingPoolFactory(sponsor_name="Their Sponsor", campaigns=[theirs])
        return {"ours": ours.id, "theirs": theirs.id, "our_pool": our_pool.id, "their_pool": their_pool.id}


def _form(campaign_id, sponsor="New Sponsor"):
    today = utcnow().date()
    return {
        "sponsor_name": sponsor,
        "budget": "10 000",
        "currency": "KGS",
        "ratio_num": "1",
        "ratio_den": "1",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=30)).isoformat(),
        "campaigns": [str(campaign_id)],
        "active": "y",
    }


def _pools(app):
    with app.app_context():
        return sorted(
            (p.id, p.sponsor_name, tuple(c.id for c in p.campaigns))
            for p in db.session.scalars(db.select(MatchingPool))
        )


def test_lab_staff_see_and_edit_only_their_labs_pools(app, pools):
    client = signed_in(app, "staff-a")
    page = client.get("/campaigns/matching/").get_data(as_text=True)
    assert "Our Sponsor" in page and "Our felt" in page
    assert "Their Sponsor" not in page and "Their pottery" not in page
    before = _pools(app)
    assert client.get(f"/campaigns/matching/{pools['their_pool']}").status_code == 404
    response = post_form(
        client,
        f"/campaigns/matching/{pools['their_pool']}",
        _form(pools["ours"], "Stolen"),
        get_path="/campaigns/matching/",
    )
    assert response.status_code == 404
    # A crafted campaign id of the other lab is refused on a new pool.
    assert post_form(client, "/campaigns/matching/", _form(pools["theirs"])).status_code == 422
    assert _pools(app) == before
    # Her own lab's pool and campaigns: allowed.
    response = post_form(
        client, f"/campaigns/matching/{pools['our_pool']}", _form(pools["ours"], "Our Sponsor 2")
    )
    assert response.status_code == 302
    assert post_form(client, "/campaigns/matching/", _form(pools["ours"])).status_code == 302
    assert len(_pools(app)) == 3


def test_unscoped_staff_see_every_pool(app, pools):
    page = signed_in(app, "staff-all").get("/campaigns/matching/").get_data(as_text=True)
    assert "Our Sponsor" in page and "Their Sponsor" in page and "Their pottery" in page


def test_service_refuses_another_labs_pool_and_campaigns(app, pools):
    with app.app_context():
        actor = db.session.scalar(db.select(User).filter_by(email="staff-a@example.org"))
        assert [p.id for p in services.list_pools(actor)] == [pools["our_pool"]]
        assert [cid for cid, _title in services.pool_choices(actor)] == [pools["ours"]]
        data = {
            "sponsor_name": "X",
            "budget": 1_000_000,
            "currency": "KGS",
            "ratio_num": 1,
            "ratio_den": 1,
            "starts_at": utcnow(),
            "ends_at": utcnow() + timedelta(days=30),
            "campaign_ids": [pools["ours"]],
        }
        with pytest.raises(PermissionDenied):
            services.save_pool(actor, data, pools["their_pool"])
        db.session.rollback()
        with pytest.raises(PermissionDenied):
            services.save_pool(actor, {**data, "campaign_ids": [pools["theirs"]]})
        db.session.rollback()
    assert len(_pools(app)) == 2
