"""A campaign's texts, and its reward tiers' and updates' texts, in other languages than the
one she wrote in (issue 17.13). Re-exported by ``wcl.campaigns.models``.

Each has the same shape: one row per (row, locale); the original is in the campaign's language.
Pages load the reader's row only, with the rows' own query (``wcl.text.translated_into``).
"""

import sqlalchemy as sa

from wcl.extensions import db
from wcl.text import translations_backref
from wcl.time import UTCDateTime, utcnow


class CampaignTranslation(db.Model):
    """The campaign's texts in another language than the one she wrote in (each may be empty)."""

    __tablename__ = "campaign_translations"

    id = sa.Column(sa.Integer, primary_key=True)
    campaign_id = sa.Column(
        sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False, index=True
    )
    locale = sa.Column(sa.String(2), nullable=False)
    title = sa.Column(sa.String(120), nullable=False, default="", server_default="")
    summary = sa.Column(sa.String(300), nullable=False, default="", server_default="")
    story_md = sa.Column(sa.Text, nullable=False, default="", server_default="")
    # Rendered and sanitized once when saved, as the original story is.
    story_html = sa.Column(sa.Text, nullable=False, default="", server_default="")
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    campaign = db.relationship("Campaign", back_populates="translations")

    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "locale", name="uq_campaign_translations_locale"),
        sa.CheckConstraint("locale IN ('ky','ru','en')", name="locale"),
    )


class RewardTierTranslation(db.Model):
    """A reward tier's title and description in another language than the campaign's."""

    __tablename__ = "reward_tier_translations"

    id = sa.Column(sa.Integer, primary_key=True)
    tier_id = sa.Column(
        sa.Integer, sa.ForeignKey("reward_tiers.id", ondelete="CASCADE"), nullable=False, index=True
    )
    locale = sa.Column(sa.String(2), nullable=False)
    title = sa.Column(sa.String(120), nullable=False, default="", server_default="")
    description = sa.Column(sa.Text, nullable=False, default="", server_default="")
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    tier = db.relationship("RewardTier", backref=translations_backref())

    __table_args__ = (
        sa.UniqueConstraint("tier_id", "locale", name="uq_reward_tier_translations_locale"),
        sa.CheckConstraint("locale IN ('ky','ru','en')", name="locale"),
    )


class CampaignUpdateTranslation(db.Model):
    """An update's title and text in another language than the campaign's."""

    __tablename__ = "campaign_update_translations"

    id = sa.Column(sa.Integer, primary_key=True)
    update_id = sa.Column(
        sa.Integer, sa.ForeignKey("campaign_updates.id", ondelete="CASCADE"), nullable=False, index=True
    )
    locale = sa.Column(sa.String(2), nullable=False)
    title = sa.Column(sa.String(120), nullable=False, default="", server_default="")
    body_md = sa.Column(sa.Text, nullable=False, default="", server_default="")
    # Rendered and sanitized once when saved, as the original is.
    body_html = sa.Column(sa.Text, nullable=False, default="", server_default="")
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    update = db.relationship("CampaignUpdate", backref=translations_backref())

    __table_args__ = (
        sa.UniqueConstraint("update_id", "locale", name="uq_campaign_update_translations_locale"),
        sa.CheckConstraint("locale IN ('ky','ru','en')", name="locale"),
    )
