"""Campaigns, their budget lines and reward tiers, pledges, updates, comments and matching pools.

Amounts are integer minor units (``BigInteger``: 100 million som is 10^10
tyiyn, beyond a 32-bit integer) in the campaign's currency. Check constraints
keep amounts positive and stock within its limit, so even a bug in the code
cannot oversell a tier or overdraw a pool.
"""

import sqlalchemy as sa

from wcl.accounts.models import User
from wcl.campaigns.lab_models import (  # noqa: F401  (re-exported)
    LabCampaignMovement,
    LabMovementKind,
    LabMovementStatus,
)
from wcl.campaigns.pool_models import (  # noqa: F401  (re-exported)
    MatchingPool,
    MatchReservation,
    matching_pool_campaigns,
)
from wcl.campaigns.translation_models import (  # noqa: F401  (re-exported)
    CampaignTranslation,
    CampaignUpdateTranslation,
    RewardTierTranslation,
)
from wcl.extensions import db
from wcl.text import shown_in
from wcl.time import UTCDateTime, utcnow

Money = sa.BigInteger


class CampaignStatus:
    """draft → in_review → scheduled → live → succeeded | failed; cancelled by staff.

    ``in_review`` returns to ``draft`` when staff send it back with comments.
    """

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    SCHEDULED = "scheduled"
    LIVE = "live"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    ALL = (DRAFT, IN_REVIEW, SCHEDULED, LIVE, SUCCEEDED, FAILED, CANCELLED)
    # Shown to everyone (the public page and its images).
    PUBLIC = (LIVE, SUCCEEDED, FAILED)
    ENDED = (SUCCEEDED, FAILED, CANCELLED)


class FundingModel:
    KEEP_IT_ALL = "keep_it_all"
    ALL_OR_NOTHING = "all_or_nothing"
    ALL = (KEEP_IT_ALL, ALL_OR_NOTHING)


class Campaign(db.Model):
    """A participant's fundraising campaign for her creative business, or a lab's own.

    A lab campaign (``lab_id`` set; ``owner_id`` is the staff member who created it)
    raises money for the lab itself: its paid pledges, net of refunds, flow into one
    matching pool (``feeds_pool_id``) or one grant fund (``feeds_fund_id``) of that lab.
    """

    __tablename__ = "campaigns"

    id = sa.Column(sa.Integer, primary_key=True)
    slug = sa.Column(sa.String(80), nullable=False, unique=True)
    owner_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True)
    # The lab's own campaign (issue 18): no cohort gate; its money feeds a pool or a fund.
    lab_id = sa.Column(sa.Integer, sa.ForeignKey("labs.id"), index=True)
    # A community project's campaign (Ashar): the project's lab, written by the Ashar service
    # when the project is proposed. Its lead is in no cohort, so this is where the campaign's
    # lab comes from (``campaigns.queries.campaign_lab``); no destination, unlike ``lab_id``.
    community_lab_id = sa.Column(sa.Integer, sa.ForeignKey("labs.id", ondelete="SET NULL"), index=True)
    feeds_pool_id = sa.Column(sa.Integer, sa.ForeignKey("matching_pools.id"), index=True)
    feeds_fund_id = sa.Column(sa.Integer, sa.ForeignKey("grant_funds.id"), index=True)
    status = sa.Column(sa.String(12), nullable=False, default=CampaignStatus.DRAFT, index=True)
    title = sa.Column(sa.String(120), nullable=False)
    summary = sa.Column(sa.String(300), nullable=False)
    story_md = sa.Column(sa.Text, nullable=False, default="")
    # Rendered and sanitized once when saved; the page never renders Markdown.
    story_html = sa.Column(sa.Text, nullable=False, default="")
    goal_amount = sa.Column(Money, nullable=False)
    currency = sa.Column(sa.String(3), nullable=False, default="KGS")
    starts_at = sa.Column(UTCDateTime, nullable=False)
    ends_at = sa.Column(UTCDateTime, nullable=False)
    funding_model = sa.Column(sa.String(16), nullable=False, default=FundingModel.KEEP_IT_ALL)
    region = sa.Column(sa.String(8), nullable=False, index=True)  # ISO 3166-2:KG, never the village
    creative_domain = sa.Column(sa.String(12), nullable=False, index=True)
    # The language the creator wrote in (ky, ru or en); translations are CampaignTranslation rows.
    language = sa.Column(sa.String(2), nullable=False, default="en", server_default="en")
    # Creator privacy: the public page shows this name (may be a pseudonym), never the account name.
    creator_name = sa.Column(sa.String(80), nullable=False)
    # Everyone shown in the photos agreed to be shown; without it no photo is published.
    photo_consent = sa.Column(sa.Boolean, nullable=False, default=False)
    cover_id = sa.Column(sa.Integer, sa.ForeignKey("stored_files.id", ondelete="SET NULL"))
    cover_480_id = sa.Column(sa.Integer, sa.ForeignKey("stored_files.id", ondelete="SET NULL"))
    cover_960_id = sa.Column(sa.Integer, sa.ForeignKey("stored_files.id", ondelete="SET NULL"))
    review_comment = sa.Column(sa.Text)
    submitted_at = sa.Column(UTCDateTime)
    approved_at = sa.Column(UTCDateTime)
    approved_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    went_live_at = sa.Column(UTCDateTime)
    ended_at = sa.Column(UTCDateTime)
    cancelled_at = sa.Column(UTCDateTime)
    cancelled_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    owner = db.relationship("User", foreign_keys=[owner_id])
    lab = db.relationship("Lab", foreign_keys=[lab_id])
    community_lab = db.relationship("Lab", foreign_keys=[community_lab_id])
    feeds_pool = db.relationship("MatchingPool", foreign_keys=[feeds_pool_id])
    feeds_fund = db.relationship("GrantFund", foreign_keys=[feeds_fund_id])
    cover = db.relationship("StoredFile", foreign_keys=[cover_id])
    cover_480 = db.relationship("StoredFile", foreign_keys=[cover_480_id])
    cover_960 = db.relationship("StoredFile", foreign_keys=[cover_960_id])
    budget_lines = db.relationship(
        "BudgetLine",
        back_populates="campaign",
        order_by="BudgetLine.position, BudgetLine.id",
        cascade="all, delete-orphan",
    )
    tiers = db.relationship(
        "RewardTier",
        back_populates="campaign",
        order_by="RewardTier.min_amount, RewardTier.id",
        cascade="all, delete-orphan",
    )
    # {locale: CampaignTranslation}. Pages load only the reader's row (``shown``).
    translations = db.relationship(
        "CampaignTranslation",
        collection_class=sa.orm.attribute_keyed_dict("locale"),
        back_populates="campaign",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        sa.CheckConstraint("goal_amount > 0", name="goal_positive"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_starts"),
        sa.CheckConstraint(
            "status IN ('draft','in_review','scheduled','live','succeeded','failed','cancelled')",
            name="status",
        ),
        sa.CheckConstraint("funding_model IN ('keep_it_all','all_or_nothing')", name="funding_model"),
        # A lab campaign feeds exactly one pool or fund; a participant's feeds none.
        sa.CheckConstraint(
            "(lab_id IS NULL AND feeds_pool_id IS NULL AND feeds_fund_id IS NULL) OR "
            "(lab_id IS NOT NULL AND ((feeds_pool_id IS NULL AND feeds_fund_id IS NOT NULL) OR "
            "(feeds_pool_id IS NOT NULL AND feeds_fund_id IS NULL)))",
            name="lab_campaign_destination",
        ),
    )

    @property
    def is_lab_campaign(self):
        return self.lab_id is not None

    @property
    def is_public(self):
        return self.status in CampaignStatus.PUBLIC

    @property
    def is_editable(self):
        """Only drafts change; what backers saw stays as they saw it."""
        return self.status == CampaignStatus.DRAFT

    @property
    def shows_photo(self):
        return self.photo_consent and self.cover_960_id is not None

    def shown(self, field, locale):
        """``title``, ``summary`` or ``story_html`` for a reader of ``locale`` (a ``wcl.text.Shown``):
        the translation into her language when there is one, else the original.

        In the campaign's own language no translation is read (no query)."""
        return shown_in(self, field, locale, self.language)


class BudgetLine(db.Model):
    """What the money buys: one line of the campaign's budget."""

    __tablename__ = "campaign_budget_lines"

    id = sa.Column(sa.Integer, primary_key=True)
    campaign_id = sa.Column(
        sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position = sa.Column(sa.Integer, nullable=False, default=0)
    description = sa.Column(sa.String(200), nullable=False)
    amount = sa.Column(Money, nullable=False)

    campaign = db.relationship("Campaign", back_populates="budget_lines")

    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)


class Delivery:
    PICKUP = "pickup"
    SHIPPING = "shipping"
    EITHER = "either"
    ALL = (PICKUP, SHIPPING, EITHER)


class RewardTier(db.Model):
    """A reward for pledges of at least ``min_amount``.

    ``held`` counts units held by pending and paid pledges. It only changes
    through a conditional UPDATE (``wcl.campaigns.stock``), and the check
    constraint refuses any row where more is held than exists.
    """

    __tablename__ = "reward_tiers"

    id = sa.Column(sa.Integer, primary_key=True)
    campaign_id = sa.Column(
        sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title = sa.Column(sa.String(120), nullable=False)
    description = sa.Column(sa.Text, nullable=False, default="")
    min_amount = sa.Column(Money, nullable=False)
    quantity = sa.Column(sa.Integer)  # NULL: unlimited
    held = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")
    estimated_delivery = sa.Column(sa.Date)
    delivery = sa.Column(sa.String(10), nullable=False, default=Delivery.PICKUP)
    pickup_lab_id = sa.Column(sa.Integer, sa.ForeignKey("labs.id", ondelete="SET NULL"))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)

    campaign = db.relationship("Campaign", back_populates="tiers")
    pickup_lab = db.relationship("Lab")

    __table_args__ = (
        sa.CheckConstraint("min_amount > 0", name="min_amount_positive"),
        sa.CheckConstraint("quantity IS NULL OR quantity > 0", name="quantity_positive"),
        sa.CheckConstraint(
            "held >= 0 AND (quantity IS NULL OR held <= quantity)", name="held_within_quantity"
        ),
        sa.CheckConstraint("delivery IN ('pickup','shipping','either')", name="delivery"),
    )

    def shown(self, field, locale):
        """``title`` or ``description`` for a reader of ``locale``, in the campaign's language
        when not translated (``RewardTierTranslation``)."""
        return shown_in(self, field, locale, self.campaign.language)

    @property
    def remaining(self):
        """Units left, or ``None`` when unlimited."""
        return None if self.quantity is None else max(self.quantity - self.held, 0)

    @property
    def sold_out(self):
        return self.quantity is not None and self.held >= self.quantity


class PledgeStatus:
    """pending → paid → refunded, or pending → failed | expired. Only forward."""

    PENDING = "pending"
    PAID = "paid"
    REFUNDED = "refunded"
    FAILED = "failed"
    EXPIRED = "expired"
    ALL = (PENDING, PAID, REFUNDED, FAILED, EXPIRED)
    # States that hold a unit of the tier's stock.
    HOLDING = (PENDING, PAID)


class Pledge(db.Model):
    """A backer's pledge: created pending, marked paid only by a provider confirmation."""

    __tablename__ = "pledges"

    id = sa.Column(sa.Integer, primary_key=True)
    campaign_id = sa.Column(sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False, index=True)
    tier_id = sa.Column(sa.Integer, sa.ForeignKey("reward_tiers.id"), index=True)
    backer_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Name and email of the backer (copied from the account, or typed by a guest).
    backer_name = sa.Column(sa.String(120), nullable=False)
    backer_email = sa.Column(sa.String(254))
    anonymous = sa.Column(sa.Boolean, nullable=False, default=False)
    # Self-identified, optional; the only demographic question asked of backers.
    gender = sa.Column(sa.String(12))
    locale = sa.Column(sa.String(5), nullable=False, default="en")
    amount = sa.Column(Money, nullable=False)
    currency = sa.Column(sa.String(3), nullable=False)
    refunded_amount = sa.Column(Money, nullable=False, default=0, server_default="0")
    status = sa.Column(sa.String(10), nullable=False, default=PledgeStatus.PENDING, index=True)
    # True while the pledge holds one unit of its tier; cleared exactly once on release.
    holds_stock = sa.Column(sa.Boolean, nullable=False, default=False)
    provider = sa.Column(sa.String(20), nullable=False)
    # The provider's id for the payment (Stripe/sandbox checkout session, bank reference).
    provider_ref = sa.Column(sa.String(120))
    # Secret in the backer's checkout and status links.
    token = sa.Column(sa.String(64), nullable=False, unique=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    paid_at = sa.Column(UTCDateTime, index=True)
    closed_at = sa.Column(UTCDateTime)  # failed, expired or fully refunded
    # Offline payments: who recorded the money, how it came, and the proof.
    recorded_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    offline_method = sa.Column(sa.String(8))
    received_on = sa.Column(sa.Date)
    proof_id = sa.Column(sa.Integer, sa.ForeignKey("stored_files.id", ondelete="SET NULL"))
    # Stripe (issue 6): the payment intent behind the checkout session (charges,
    # refunds and disputes name it), and when a dispute was opened (staff act on it).
    payment_intent_id = sa.Column(sa.String(120), index=True)
    disputed_at = sa.Column(UTCDateTime)

    campaign = db.relationship("Campaign")
    tier = db.relationship("RewardTier")
    backer = db.relationship("User", foreign_keys=[backer_id])
    recorded_by = db.relationship("User", foreign_keys=[recorded_by_id])
    proof = db.relationship("StoredFile")

    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("refunded_amount >= 0 AND refunded_amount <= amount", name="refund_within_amount"),
        sa.CheckConstraint("status IN ('pending','paid','refunded','failed','expired')", name="status"),
        sa.CheckConstraint(
            "gender IS NULL OR gender IN ('woman','man','another','prefer_not')", name="gender"
        ),
        sa.CheckConstraint("offline_method IS NULL OR offline_method IN ('cash','bank','qr')", name="method"),
        sa.UniqueConstraint("provider", "provider_ref"),
        sa.Index("ix_pledges_campaign_status", "campaign_id", "status"),
        # "Her pledges" (``queries.pledges_of``) are her own or a guest pledge made with her
        # confirmed address in any case: without this, every signed-in reader's campaign
        # page scanned every pledge for an address that had made none.
        sa.Index("ix_pledges_backer_email_lower", sa.func.lower(backer_email)),
    )

    @property
    def public_name(self):
        from flask_babel import gettext as _

        return _("Anonymous") if self.anonymous else self.backer_name

    @property
    def net_amount(self):
        return self.amount - self.refunded_amount


class UpdateVisibility:
    PUBLIC = "public"
    BACKERS = "backers"
    ALL = (PUBLIC, BACKERS)


class CampaignUpdate(db.Model):
    """News from the creator; emailed to backers by a job. Staff may hide one."""

    __tablename__ = "campaign_updates"

    id = sa.Column(sa.Integer, primary_key=True)
    campaign_id = sa.Column(
        sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False, index=True
    )
    author_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    title = sa.Column(sa.String(120), nullable=False)
    body_md = sa.Column(sa.Text, nullable=False)
    body_html = sa.Column(sa.Text, nullable=False)
    visibility = sa.Column(sa.String(8), nullable=False, default=UpdateVisibility.PUBLIC)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    emailed_at = sa.Column(UTCDateTime)
    hidden_at = sa.Column(UTCDateTime)
    hidden_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    hidden_reason = sa.Column(sa.String(300))

    campaign = db.relationship("Campaign")

    __table_args__ = (sa.CheckConstraint("visibility IN ('public','backers')", name="visibility"),)

    def shown(self, field, locale):
        """``title``, ``body_md`` or ``body_html`` for a reader of ``locale``, in the campaign's
        language when not translated (``CampaignUpdateTranslation``)."""
        return shown_in(self, field, locale, self.campaign.language)


MAX_COMMENT_CHARS = 2000


class CampaignComment(db.Model):
    """A signed-in person's comment on a public campaign: plain text, never HTML.

    Staff may hide a comment (with a reason) and its author may delete her own;
    either way the row is kept, with who hid it and when.
    """

    __tablename__ = "campaign_comments"

    id = sa.Column(sa.Integer, primary_key=True)
    # Indexed with created_at below (the page lists a campaign's newest comments).
    campaign_id = sa.Column(sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False)
    author_id = sa.Column(
        sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    body = sa.Column(sa.Text, nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    hidden_at = sa.Column(UTCDateTime)
    hidden_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    hidden_reason = sa.Column(sa.String(300))

    # What others see (``User.public_name``), read in the same query as the comment:
    # listing comments never loads user rows (nor their email).
    author_name = sa.orm.column_property(
        sa.select(sa.func.coalesce(User.display_name, User.full_name))
        .where(User.id == author_id)
        .correlate_except(User)
        .scalar_subquery()
    )

    campaign = db.relationship("Campaign")
    author = db.relationship("User", foreign_keys=[author_id])

    __table_args__ = (
        sa.Index("ix_campaign_comments_campaign_created", "campaign_id", "created_at"),
        sa.CheckConstraint("length(body) > 0", name="body_not_empty"),
    )


class CampaignFollower(db.Model):
    """Someone who gets a campaign's public updates by email, without an account.

    One row per (campaign, address), lower-cased. ``unsubscribed_at`` set: she
    asked for no more update emails from this campaign (her backer emails too).
    """

    __tablename__ = "campaign_followers"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "email"),)

    id = sa.Column(sa.Integer, primary_key=True)
    campaign_id = sa.Column(
        sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False, index=True
    )
    email = sa.Column(sa.String(254), nullable=False)
    locale = sa.Column(sa.String(5), nullable=False, default="en")
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    unsubscribed_at = sa.Column(UTCDateTime)


class ExchangeRate(db.Model):
    """A staff-entered rate for showing approximate amounts to backers abroad.

    ``kgs_per_unit``: how many KGS minor units (tyiyn) one unit of ``currency`` is worth
    on ``as_of`` (1 USD = 87.45 som → 8745). Shown only as "approximately"; the
    amount charged is always the KGS one.
    """

    __tablename__ = "exchange_rates"
    __table_args__ = (sa.CheckConstraint("kgs_per_unit > 0", name="positive"),)

    id = sa.Column(sa.Integer, primary_key=True)
    currency = sa.Column(sa.String(3), nullable=False, index=True)
    kgs_per_unit = sa.Column(Money, nullable=False)
    as_of = sa.Column(sa.Date, nullable=False)
    entered_by_id = sa.Column(sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
