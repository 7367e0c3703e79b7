"""Comments on public campaigns: posted by people with a confirmed email, hidden by staff or their author."""

import re

from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.campaigns.errors import CampaignError
from wcl.campaigns.models import MAX_COMMENT_CHARS, CampaignComment
from wcl.campaigns.services._common import _get, _hide, _refuse, visible_comments
from wcl.extensions import db
from wcl.links import absolute_url
from wcl.mail import queue_email
from wcl.time import utcnow

COMMENTS_PER_PAGE = 30


# Control characters other than tab and newline (PostgreSQL refuses NUL in text).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_comment(body):
    """Plain text as stored: newlines normalised, control characters dropped, at most
    one blank line in a row, stripped. Never HTML: pages escape it."""
    text = str(body or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def post_comment(actor, campaign_id, body):
    """A signed-in person with a confirmed email comments on a public campaign.

    The creator is told by email, in her language (not when she comments herself);
    the email names the commenter as others see her, never her email address.
    """
    campaign = _get(campaign_id)
    if not getattr(actor, "is_authenticated", False):
        _refuse(_l("Sign in to comment."))
    if actor.email_verified_at is None:
        _refuse(_l("Confirm your email address before you comment: open the link we sent you."))
    if not campaign.is_public:
        _refuse(_l("Comments open when the campaign is published."))
    body = clean_comment(body)
    if not body:
        _refuse(_l("Write your comment first."), "body")
    if len(body) > MAX_COMMENT_CHARS:
        _refuse(_l("This is too long (at most %(n)d characters).", n=MAX_COMMENT_CHARS), "body")
    ensure("campaigns.comment", campaign, user=actor)
    comment = CampaignComment(campaign_id=campaign.id, author_id=actor.id, body=body)
    db.session.add(comment)
    db.session.flush()
    record("campaign.comment_posted", campaign, actor=actor, comment_id=comment.id)
    if campaign.owner_id != actor.id:
        owner = campaign.owner
        queue_email(
            owner.email,
            "campaigns/comment",
            owner.locale,
            name=owner.public_name,
            title=campaign.title,
            author=actor.public_name,
            body=body,
            link=absolute_url("campaigns.show", slug=campaign.slug) + "#comments",
        )
    db.session.commit()
    return comment


def _comment(comment_id, slug=None):
    comment = db.session.get(CampaignComment, comment_id)
    # A comment reached through another campaign's address does not exist there.
    if comment is None or (slug is not None and comment.campaign.slug != slug):
        raise CampaignError(_l("This comment does not exist."))
    return comment


def hide_comment(actor, comment_id, reason, slug=None):
    """Staff hide a comment from every page (kept, with who hid it and why).

    With ``slug``, the comment must belong to that campaign.
    """
    return _hide(
        actor,
        _comment(comment_id, slug),
        reason,
        _l("Say why the comment is hidden (at most 300 characters)."),
        "campaign.comment_hidden",
        "comment_id",
    )


def delete_comment(actor, comment_id, slug=None):
    """The author takes her own comment down (hidden like a moderated one; audited).

    With ``slug``, the comment must belong to that campaign.
    """
    comment = _comment(comment_id, slug)
    ensure("campaigns.delete_comment", comment, user=actor)
    if comment.hidden_at is not None:
        db.session.rollback()
        return comment
    comment.hidden_at = utcnow()
    comment.hidden_by_id = actor.id
    record("campaign.comment_deleted", comment.campaign, actor=actor, comment_id=comment.id)
    db.session.commit()
    return comment


def list_comments(campaign, page=1, per_page=COMMENTS_PER_PAGE):
    """A campaign's visible comments, newest first, with their authors' public names."""
    return db.paginate(visible_comments(campaign.id), page=page, per_page=per_page, error_out=False)
