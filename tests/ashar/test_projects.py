"""Community projects: proposed by an initiative group, admitted by staff instead of the cohort gate."""

import pytest

from tests.ashar.conftest import project_data, proposed, user
from tests.factories.campaigns import BudgetLineFactory
from wcl.accounts.permissions import PermissionDenied
from wcl.ashar import services
from wcl.ashar.errors import AsharError
from wcl.ashar.models import CommunityProject, GroupMember
from wcl.audit.models import AuditEntry
from wcl.campaigns import services as campaigns
from wcl.campaigns.errors import CampaignError
from wcl.campaigns.models import Campaign, CampaignStatus
from wcl.extensions import db


def _count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_a_lead_without_a_cohort_proposes_a_project_with_its_campaign_draft(world):
    project = proposed(world)
    assert project.status == "proposed"
    campaign = project.campaign
    assert campaign.owner_id == world.lead_id and campaign.status == CampaignStatus.DRAFT
    assert campaign.goal_amount == 50_000_000 and campaign.region == "KG-N"
    assert campaign.creator_name == "Kara-Suu initiative group"
    assert [(m.name, m.is_lead) for m in project.members] == [
        ("Gulnara Sydykova", True),
        ("Bakyt Asanov", False),
    ]
    assert project.village == "Kara-Suu" and project.district == "Kochkor"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"budget": -5}, "budget"),
        ({"budget": 0}, "budget"),
        ({"currency": "USD"}, "currency"),
        ({"region": "KG-XX"}, "region"),
        ({"village": ""}, "village"),
        ({"members": []}, "members"),
        ({"members": [{"name": "No Email"}]}, "members"),
    ],
)
def test_bad_proposals_are_refused_and_change_nothing(world, overrides, field):
    with pytest.raises(AsharError) as refused:
        services.propose_project(user(world.lead_id), project_data(**overrides))
    assert refused.value.field == field
    assert _count(CommunityProject) == 0 and _count(Campaign) == 0 and _count(GroupMember) == 0


def test_the_campaign_waits_for_admission_then_goes_to_review(world, app):
    project = proposed(world)
    BudgetLineFactory(campaign=project.campaign)
    db.session.commit()
    lead = user(world.lead_id)
    with pytest.raises(CampaignError, match="admit the community project"):
        campaigns.submit_campaign(lead, project.campaign_id)
    assert db.session.get(Campaign, project.campaign_id).status == CampaignStatus.DRAFT
    services.admit_project(user(world.staff_id), project.id, note="A good plan")
    campaigns.submit_campaign(user(world.lead_id), project.campaign_id)
    assert db.session.get(Campaign, project.campaign_id).status == CampaignStatus.IN_REVIEW
    # Staff of the project's lab may approve its campaign (the lead is in no cohort).
    campaigns.approve_campaign(user(world.staff_id), project.campaign_id)
    assert db.session.get(Campaign, project.campaign_id).status == CampaignStatus.LIVE
    actions = db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert "ashar.project_admitted" in actions


def test_admission_emails_the_lead_in_her_language_and_admitting_twice_is_refused(world, app):
    project = proposed(world)
    services.admit_project(user(world.staff_id), project.id)
    with pytest.raises(AsharError, match="already been decided"):
        services.admit_project(user(world.staff_id), project.id)
    with pytest.raises(AsharError, match="already been decided"):
        services.reject_project(user(world.staff_id), project.id, "Too late")
    assert db.session.get(CommunityProject, project.id).status == "admitted"
    assert (
        db.session.scalar(
            db.select(db.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "ashar.project_admitted")
        )
        == 1
    )


def test_rejection_needs_a_reason_and_cancels_the_draft(world):
    project = proposed(world)
    with pytest.raises(AsharError) as refused:
        services.reject_project(user(world.staff_id), project.id, "  ")
    assert refused.value.field == "note"
    assert db.session.get(CommunityProject, project.id).status == "proposed"
    services.reject_project(user(world.staff_id), project.id, "The budget is not explained.")
    assert db.session.get(Campaign, project.campaign_id).status == CampaignStatus.CANCELLED
    with pytest.raises(CampaignError):
        campaigns.submit_campaign(user(world.lead_id), project.campaign_id)


def test_staff_of_another_lab_may_not_admit(world):
    project = proposed(world)
    with pytest.raises(PermissionDenied):
        services.admit_project(user(world.other_staff_id), project.id)
    assert db.session.get(CommunityProject, project.id).status == "proposed"
    services.admit_project(user(world.admin_id), project.id)


def test_ordinary_campaigns_still_pass_the_gate(world):
    from tests.factories.campaigns import CampaignFactory, ready_participant

    campaign = CampaignFactory(owner=ready_participant(), status="draft")
    BudgetLineFactory(campaign=campaign)
    db.session.commit()
    campaigns.submit_campaign(campaign.owner, campaign.id)
    assert campaign.status == CampaignStatus.IN_REVIEW
