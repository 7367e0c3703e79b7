"""Campaign lifecycle: draft → review → scheduled/live → succeeded | failed; cancelled by staff."""

from datetime import timedelta

import pytest

from tests.campaigns.helpers import png_bytes, upload
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.campaigns import (
    BudgetLineFactory,
    CampaignFactory,
    PledgeFactory,
    RewardTierFactory,
    ready_participant,
)
from tests.helpers import login, outbox_messages, post_form, queued_jobs
from wcl.audit.models import AuditEntry
from wcl.campaigns import services
from wcl.campaigns.models import Campaign, CampaignStatus, Pledge, RewardTier
from wcl.extensions import db
from wcl.files.models import StoredFile
from wcl.payments import services as payments
from wcl.payments.models import Refund
from wcl.schedule import PERIODIC_JOBS
from wcl.time import utcnow


def _draft_data(**overrides):
    now = utcnow()
    data = {
        "title": "Felt slippers from Kochkor",
        "summary": "Warm slippers, made by hand.",
        "story": "# Our story\n\nWe make **felt**.",
        "goal": 5_000_000,
        "currency": "KGS",
        "starts_at": now + timedelta(days=2),
        "ends_at": now + timedelta(days=32),
        "funding_model": "all_or_nothing",
        "region": "KG-N",
        "creative_domain": "V_ARTS",
        "creator_name": "Aigul",
        "photo_consent": True,
    }
    data.update(overrides)
    return data


def test_ready_participant_creates_a_draft_with_a_resized_cover(app, client):
    with app.app_context():
        owner = ready_participant(email="creator@example.org")
    login(client, "creator@example.org", PASSWORD)
    response = post_form(
        client,
        "/campaigns/new",
        {
            "title": "Felt slippers",
            "summary": "Warm slippers.",
            "story": "We make **felt**.<script>alert(1)</script>",
            "cover": (upload(png_bytes()).stream, "cover.png"),
            "photo_consent": "y",
            "goal": "50 000",
            "currency": "KGS",
            "starts_on": "2030-01-01",
            "ends_on": "2030-01-30",
            "funding_model": "keep_it_all",
            "region": "KG-N",
            "creative_domain": "V_ARTS",
            "creator_name": "Aigul",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        campaign = db.session.scalar(db.select(Campaign))
        assert campaign.owner_id == owner.id and campaign.status == CampaignStatus.DRAFT
        assert campaign.goal_amount == 5_000_000 and campaign.slug == "felt-slippers"
        assert "<script>" not in campaign.story_html and "<strong>felt</strong>" in campaign.story_html
        widths = {db.session.get(StoredFile, i).width for i in (campaign.cover_480_id, campaign.cover_960_id)}
        assert widths == {480, 960}
        # The first day starts at midnight in Bishkek (UTC+6).
        assert campaign.starts_at.hour == 18


def test_participant_not_campaign_ready_is_refused(app, client):
    with app.app_context():
        UserFactory(email="p@example.org", roles=["participant"])
    login(client, "p@example.org", PASSWORD)
    response = client.get("/campaigns/new")
    assert response.status_code == 403
    assert "campaign-ready" in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(
            db.select(UserFactory._meta.model).where(UserFactory._meta.model.email == "p@example.org")
        )
        with pytest.raises(services.CampaignError):
            services.create_campaign(user, _draft_data())
        assert db.session.scalar(db.select(db.func.count(Campaign.id))) == 0


def test_review_schedule_go_live_and_succeed(app_ctx, run_jobs):
    owner = ready_participant()
    staff = UserFactory(roles=["staff"])
    campaign = services.create_campaign(owner, _draft_data(funding_model="keep_it_all"))
    with pytest.raises(services.CampaignError):
        services.submit_campaign(owner, campaign.id)  # no budget yet
    services.add_budget_line(owner, campaign.id, "Wool", 3_000_000)
    services.submit_campaign(owner, campaign.id)
    assert campaign.status == CampaignStatus.IN_REVIEW

    services.return_campaign(staff, campaign.id, "Please add a photo of your workshop.")
    assert campaign.status == CampaignStatus.DRAFT and "photo" in campaign.review_comment
    services.submit_campaign(owner, campaign.id)
    services.approve_campaign(staff, campaign.id)
    assert campaign.status == CampaignStatus.SCHEDULED  # starts in two days

    start, end = campaign.starts_at, campaign.ends_at
    assert services.advance_due_campaigns(now=start - timedelta(seconds=1)) == 0
    services.advance_due_campaigns(now=start)
    db.session.refresh(campaign)
    assert campaign.status == CampaignStatus.LIVE
    services.advance_due_campaigns(now=start)  # idempotent
    services.advance_due_campaigns(now=end)
    db.session.refresh(campaign)
    assert campaign.status == CampaignStatus.SUCCEEDED  # keep it all: even with nothing raised
    actions = db.session.scalars(
        db.select(AuditEntry.action).where(AuditEntry.target_type == "campaigns").order_by(AuditEntry.id)
    ).all()
    assert actions[-3:] == ["campaign.approved", "campaign.live", "campaign.succeeded"]
    run_jobs()
    subjects = [m["Subject"] for m in outbox_messages(app_ctx)]
    assert any("needs changes" in s for s in subjects) and any("succeeded" in s for s in subjects)


def test_periodic_job_is_registered_and_runs(app_ctx):
    assert "wcl.campaigns.jobs.advance_due_campaigns" in [j.func_path for j in PERIODIC_JOBS]
    campaign = CampaignFactory(status=CampaignStatus.SCHEDULED, starts_at=utcnow() - timedelta(minutes=1))
    from wcl.campaigns.jobs import advance_due_campaigns

    assert advance_due_campaigns() == 1
    db.session.refresh(campaign)
    assert campaign.status == CampaignStatus.LIVE


def _paid(campaign, amount, tier=None):
    pledge = PledgeFactory(campaign=campaign, amount=amount, tier=tier, holds_stock=tier is not None)
    if tier is not None:
        tier.held += 1
        db.session.commit()
    payments.mark_pledge_paid(pledge.id, amount, "KGS")
    return pledge


def test_all_or_nothing_below_goal_fails_and_refunds_every_paid_pledge(app_ctx, run_jobs):
    campaign = CampaignFactory(funding_model="all_or_nothing", goal_amount=10_000_000)
    tier = RewardTierFactory(campaign=campaign, quantity=5)
    paid = [_paid(campaign, 200_000, tier), _paid(campaign, 300_000)]
    pending = PledgeFactory(campaign=campaign, amount=100_000)
    campaign_id = campaign.id

    assert services.advance_campaign(campaign_id, now=campaign.ends_at + timedelta(seconds=1)) == "failed"
    assert "wcl.payments.jobs.refund_campaign" in queued_jobs(app_ctx)
    run_jobs()
    db.session.expire_all()
    for pledge in paid:
        pledge = db.session.get(Pledge, pledge.id)
        assert pledge.status == "refunded" and pledge.refunded_amount == pledge.amount
    assert db.session.get(Pledge, pending.id).status == "pending"
    assert db.session.get(RewardTier, tier.id).held == 0
    refunds = db.session.scalars(db.select(Refund).order_by(Refund.pledge_id)).all()
    assert [(r.reason, r.key) for r in refunds] == [
        ("campaign_failed", f"refund-{paid[0].id}-1"),
        ("campaign_failed", f"refund-{paid[1].id}-1"),
    ]
    # Re-running the job (RQ delivers at least once) refunds nothing twice.
    assert payments.refund_campaign(campaign_id) == 0
    assert db.session.scalar(db.select(db.func.count(Refund.id))) == 2
    # A second run of the end job changes nothing either.
    assert services.advance_campaign(campaign_id, now=utcnow() + timedelta(days=60)) == "failed"
    assert "wcl.payments.jobs.refund_campaign" not in queued_jobs(app_ctx)


def test_all_or_nothing_reaching_goal_succeeds(app_ctx):
    campaign = CampaignFactory(funding_model="all_or_nothing", goal_amount=500_000)
    _paid(campaign, 500_000)
    assert services.advance_campaign(campaign.id, now=campaign.ends_at) == "succeeded"


def test_payment_after_failure_is_refunded(app_ctx, run_jobs):
    campaign = CampaignFactory(funding_model="all_or_nothing", goal_amount=10_000_000)
    late = PledgeFactory(campaign=campaign, amount=100_000)
    services.advance_campaign(campaign.id, now=campaign.ends_at)
    run_jobs()
    payments.mark_pledge_paid(late.id, 100_000, "KGS")
    run_jobs()
    db.session.expire_all()
    assert db.session.get(Pledge, late.id).status == "refunded"


def test_staff_cancel_refunds_paid_pledges(app_ctx, run_jobs):
    staff = UserFactory(roles=["staff"])
    campaign = CampaignFactory()
    pledge = _paid(campaign, 100_000)
    with pytest.raises(services.CampaignError):
        services.cancel_campaign(staff, campaign.id, "")
    assert db.session.get(Campaign, campaign.id).status == "live"
    services.cancel_campaign(staff, campaign.id, "The creator asked to stop.")
    run_jobs()
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).status == "refunded"
    assert db.session.get(Campaign, campaign.id).status == "cancelled"


def test_edits_only_while_draft_and_only_by_owner(app_ctx):
    owner = ready_participant()
    other = ready_participant()
    campaign = services.create_campaign(owner, _draft_data())
    BudgetLineFactory(campaign=campaign)
    before = (campaign.title, campaign.updated_at)
    from wcl.accounts.permissions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.update_campaign(other, campaign.id, _draft_data(title="Stolen"))
    with pytest.raises(PermissionDenied):
        services.add_tier(other, campaign.id, {"title": "x", "min_amount": 100, "delivery": "pickup"})
    services.submit_campaign(owner, campaign.id)
    with pytest.raises(services.CampaignError):
        services.update_campaign(owner, campaign.id, _draft_data(title="Changed in review"))
    db.session.expire_all()
    campaign = db.session.get(Campaign, campaign.id)
    assert (campaign.title, campaign.updated_at) != ("Stolen", None)
    assert campaign.title == before[0]
    assert db.session.scalar(db.select(db.func.count(RewardTier.id))) == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"goal": 0}, "goal"),
        ({"goal": -100}, "goal"),
        ({"goal": 10**13}, "goal"),
        ({"currency": "BTC"}, "currency"),
        ({"ends_at": utcnow() - timedelta(days=400)}, "ends_on"),
        ({"ends_at": utcnow() + timedelta(days=200)}, "ends_on"),
        ({"region": "Kochkor village"}, "region"),
        ({"creative_domain": "crypto"}, "creative_domain"),
        ({"funding_model": "flexible"}, "funding_model"),
        ({"story": "x" * 20_001}, "story"),
    ],
)
def test_bad_drafts_are_refused_and_nothing_is_created(app_ctx, overrides, field):
    owner = ready_participant()
    with pytest.raises(services.CampaignError) as refused:
        services.create_campaign(owner, _draft_data(**overrides))
    assert refused.value.field == field
    assert db.session.scalar(db.select(db.func.count(Campaign.id))) == 0


def test_image_bomb_cover_is_refused_and_nothing_is_stored(app_ctx):
    from tests.campaigns.helpers import bomb_bytes

    owner = ready_participant()
    with pytest.raises(services.CampaignError, match="too large in pixels") as refused:
        services.create_campaign(owner, _draft_data(), cover=upload(bomb_bytes(), "bomb.png"))
    assert refused.value.field == "cover"
    assert db.session.scalar(db.select(db.func.count(Campaign.id))) == 0
    assert db.session.scalar(db.select(db.func.count(StoredFile.id))) == 0


def test_submit_and_review_through_the_pages(app, client):
    with app.app_context():
        owner = ready_participant(email="creator@example.org")
        UserFactory(email="staff@example.org", roles=["staff"])
        campaign_id = CampaignFactory(owner=owner, slug="felt", status="draft").id
    login(client, "creator@example.org", PASSWORD)
    manage = "/campaigns/felt/manage"
    response = post_form(
        client,
        "/campaigns/felt/tiers",
        {
            "tier-title": "Slippers",
            "tier-min_amount": "1500",
            "tier-quantity": "20",
            "tier-delivery": "pickup",
        },
        get_path=manage,
    )
    assert response.status_code == 302
    response = post_form(
        client, "/campaigns/felt/budget", {"budget-description": "", "budget-amount": "x"}, get_path=manage
    )
    assert response.status_code == 422 and "as a number" in response.get_data(as_text=True)
    post_form(
        client,
        "/campaigns/felt/budget",
        {"budget-description": "Wool", "budget-amount": "30000"},
        get_path=manage,
    )
    assert post_form(client, "/campaigns/felt/submit", {}, get_path=manage).status_code == 302
    staff = app.test_client()
    login(staff, "staff@example.org", PASSWORD)
    assert "felt" in staff.get("/campaigns/review").get_data(as_text=True)
    response = post_form(
        staff, "/campaigns/felt/review", {"review-send_back": "1", "review-comment": ""}, get_path=manage
    )
    assert response.status_code == 422 and "Tell the creator" in response.get_data(as_text=True)
    post_form(staff, "/campaigns/felt/review", {"review-approve": "1"}, get_path=manage)
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign.status == "live" and campaign.approved_by_id is not None
        assert [t.quantity for t in campaign.tiers] == [20] and campaign.budget_lines[0].amount == 3_000_000


def test_owner_edits_her_draft_through_the_page_and_keeps_the_cover(app, client):
    with app.app_context():
        owner = ready_participant(email="creator@example.org")
        campaign = services.create_campaign(owner, _draft_data(), cover=upload(png_bytes()))
        campaign_id, slug, cover_id = campaign.id, campaign.slug, campaign.cover_960_id
    login(client, "creator@example.org", PASSWORD)
    form = client.get(f"/campaigns/{slug}/edit").get_data(as_text=True)
    assert "Felt slippers from Kochkor" in form and "# Our story" in form
    response = post_form(
        client,
        f"/campaigns/{slug}/edit",
        {
            "title": "Felt slippers, renamed",
            "summary": "Warm.",
            "story": "New story",
            "photo_consent": "y",
            "goal": "60000",
            "currency": "KGS",
            "starts_on": "2031-03-01",
            "ends_on": "2031-03-31",
            "funding_model": "keep_it_all",
            "region": "KG-O",
            "creative_domain": "DESIGN",
            "creator_name": "Aigul",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert (campaign.title, campaign.goal_amount, campaign.region) == (
            "Felt slippers, renamed",
            6_000_000,
            "KG-O",
        )
        assert campaign.cover_960_id == cover_id
        assert campaign.ends_at - campaign.starts_at == timedelta(days=31)
