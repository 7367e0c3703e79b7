"""Factories for campaigns, tiers, pledges, updates, comments and matching pools."""

import secrets
from datetime import timedelta

import factory

from tests.factories.accounts import BaseFactory, UserFactory
from tests.factories.programme import CohortFactory, EnrolmentFactory
from wcl.campaigns.models import (
    BudgetLine,
    Campaign,
    CampaignComment,
    CampaignStatus,
    CampaignUpdate,
    MatchingPool,
    Pledge,
    PledgeStatus,
    RewardTier,
)
from wcl.time import utcnow


def ready_participant(**user_fields):
    """A participant signed off as campaign-ready (the campaign gate passes)."""
    user = UserFactory(roles=["participant"], **user_fields)
    return EnrolmentFactory(participant=user, campaign_ready_at=utcnow()).participant


class CampaignFactory(BaseFactory):
    class Meta:
        model = Campaign

    owner = factory.SubFactory(UserFactory, roles=["participant"])
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    status = CampaignStatus.LIVE
    title = factory.Sequence(lambda n: f"Felt workshop {n}")
    summary = "Felt slippers made in Naryn."
    story_md = "We make **felt**."
    story_html = "<p>We make <strong>felt</strong>.</p>"
    goal_amount = 10_000_000  # 100 000 som
    currency = "KGS"
    starts_at = factory.LazyFunction(lambda: utcnow() - timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=29))
    funding_model = "keep_it_all"
    region = "KG-N"
    creative_domain = "V_ARTS"
    creator_name = factory.Sequence(lambda n: f"Creator {n}")
    language = "en"


def campaign_in_lab(lab, **fields):
    """A campaign of ``lab``: its creator is enrolled in a cohort of that lab."""
    owner = EnrolmentFactory(cohort=CohortFactory(lab=lab)).participant
    return CampaignFactory(owner=owner, **fields)


class BudgetLineFactory(BaseFactory):
    class Meta:
        model = BudgetLine

    campaign = factory.SubFactory(CampaignFactory)
    description = "Wool and dyes"
    amount = 5_000_000


class RewardTierFactory(BaseFactory):
    class Meta:
        model = RewardTier

    campaign = factory.SubFactory(CampaignFactory)
    title = factory.Sequence(lambda n: f"Reward {n}")
    description = "A pair of felt slippers."
    min_amount = 150_000
    quantity = None
    held = 0
    delivery = "pickup"


class PledgeFactory(BaseFactory):
    class Meta:
        model = Pledge

    campaign = factory.SubFactory(CampaignFactory)
    backer_name = factory.Sequence(lambda n: f"Backer {n}")
    backer_email = factory.Sequence(lambda n: f"backer{n}@example.org")
    amount = 100_000
    currency = "KGS"
    status = PledgeStatus.PENDING
    provider = "sandbox"
    provider_ref = factory.LazyFunction(lambda: f"cs_sb_{secrets.token_hex(8)}")
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(24))
    locale = "en"


class CampaignUpdateFactory(BaseFactory):
    class Meta:
        model = CampaignUpdate

    campaign = factory.SubFactory(CampaignFactory)
    title = "Wool arrived"
    body_md = "The wool *arrived*."
    body_html = "<p>The wool <em>arrived</em>.</p>"
    visibility = "public"


class CampaignCommentFactory(BaseFactory):
    class Meta:
        model = CampaignComment

    campaign = factory.SubFactory(CampaignFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Comment {n}: beautiful felt!")
    created_at = factory.LazyFunction(utcnow)


class MatchingPoolFactory(BaseFactory):
    class Meta:
        model = MatchingPool

    sponsor_name = "Bishkek Bank"
    budget = 1_000_000
    currency = "KGS"
    ratio_num = 1
    ratio_den = 1
    starts_at = factory.LazyFunction(lambda: utcnow() - timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=60))

    @factory.post_generation
    def campaigns(self, create, extracted, **kwargs):
        if extracted:
            self.campaigns = list(extracted)
            if create:
                from wcl.extensions import db

                db.session.commit()
