"""A community project's campaign belongs to the project's lab (issue 14 point 4, issue 18).

Its lead is in no cohort, so the campaign carries the project's lab itself
(``Campaign.community_lab_id``), and ``campaigns.queries.campaign_lab`` reads it: staff scoped
to the project's lab see the campaign in the review queue, in the report filters and in the
report's figures for her lab; staff of another lab do not; unscoped staff see it.
"""

import re

import pytest
import sqlalchemy as sa

from tests.ashar.conftest import project_data
from tests.factories.accounts import UserFactory
from tests.factories.programme import two_labs_with_staff
from tests.helpers import signed_in
from wcl.ashar import services
from wcl.campaigns.models import Campaign, CampaignStatus
from wcl.campaigns.queries import campaign_lab_id
from wcl.extensions import db
from wcl.reports.queries import unit_rows
from wcl.time import utcnow

TITLE = "A footbridge for Kara-Suu"


@pytest.fixture
def community(app):
    """Labs A and B, staff of each and unscoped staff; a project of lab A, admitted, its
    campaign waiting in the review queue. Returns plain ids."""
    with app.app_context():
        lab_a, lab_b = two_labs_with_staff()
        UserFactory(email="staff-b@example.org", roles=["staff"], lab=lab_b)
        lead = UserFactory(email="lead@example.org", full_name="Gulnara Sydykova")
        db.session.commit()
        project = services.propose_project(lead, project_data(title=TITLE, lab_id=lab_a.id))
        unscoped = db.session.scalar(
            sa.select(UserFactory._meta.model).filter_by(email="staff-all@example.org")
        )
        services.admit_project(unscoped, project.id)
        project.campaign.status = CampaignStatus.IN_REVIEW
        db.session.commit()
        return {
            "lab_a": lab_a.id,
            "lab_b": lab_b.id,
            "campaign": project.campaign_id,
            "slug": project.campaign.slug,
        }


def _campaign_options(html):
    select = re.search(r'<select[^>]*id="campaign".*?</select>', html, re.S)
    return select.group(0) if select else ""


def test_the_campaign_carries_its_projects_lab(app, community):
    with app.app_context():
        assert campaign_lab_id(community["campaign"]) == community["lab_a"]
        campaign = db.session.get(Campaign, community["campaign"])
        # Not the lab's own campaign: no destination pool or fund, and the cohort rules stay.
        assert campaign.lab_id is None and not campaign.is_lab_campaign


def test_staff_of_the_projects_lab_see_it_in_the_review_queue(app, community):
    assert TITLE in signed_in(app, "staff-a").get("/campaigns/review").get_data(as_text=True)
    assert TITLE in signed_in(app, "staff-all").get("/campaigns/review").get_data(as_text=True)
    assert TITLE not in signed_in(app, "staff-b").get("/campaigns/review").get_data(as_text=True)


def test_staff_of_the_projects_lab_moderate_it_and_others_do_not(app, community):
    slug = community["slug"]
    assert signed_in(app, "staff-a").get(f"/campaigns/{slug}/manage").status_code == 200
    assert signed_in(app, "staff-b").get(f"/campaigns/{slug}/manage").status_code == 404


def test_staff_of_the_projects_lab_filter_reports_by_it(app, community):
    html = signed_in(app, "staff-a").get("/reports/").get_data(as_text=True)
    assert TITLE in _campaign_options(html)
    assert signed_in(app, "staff-a").get(f"/reports/?campaign={community['campaign']}").status_code == 200
    other = signed_in(app, "staff-b")
    assert TITLE not in _campaign_options(other.get("/reports/").get_data(as_text=True))
    assert other.get(f"/reports/?campaign={community['campaign']}").status_code == 400


def test_the_reports_figures_count_it_in_its_projects_lab(app, community):
    with app.app_context():
        campaign = db.session.get(Campaign, community["campaign"])
        campaign.status = CampaignStatus.LIVE
        campaign.went_live_at = utcnow()
        db.session.commit()

        def launched(lab_id):
            rows = db.session.execute(unit_rows({"lab": lab_id})).all()
            return {row.unit_id for row in rows if row.stage == "campaign_launched"}

        assert community["campaign"] in launched(community["lab_a"])
        assert community["campaign"] not in launched(community["lab_b"])
