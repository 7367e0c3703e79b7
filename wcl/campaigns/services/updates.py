"""Updates: the creator's news to backers (emailed by a job), hidden by staff when needed."""

from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.campaigns.errors import CampaignError
from wcl.campaigns.markup import render_markdown
from wcl.campaigns.models import (
    Campaign,
    CampaignStatus,
    CampaignUpdate,
    CampaignUpdateTranslation,
    Pledge,
    PledgeStatus,
    UpdateVisibility,
)
from wcl.campaigns.services import following
from wcl.campaigns.services._common import MAX_STORY_CHARS, _get, _hide, _refuse, _too_long
from wcl.extensions import db
from wcl.links import absolute_url
from wcl.locks import lock
from wcl.mail import queue_email
from wcl.queue import EMAILS, enqueue_after_commit
from wcl.text import save_translations, typed_translations
from wcl.time import utcnow


def _checked_update(campaign, title, body, translations):
    """The update's title, text and translations as they are stored; refuses what cannot be."""
    title = " ".join((title or "").split())
    if not title or len(title) > 120:
        _refuse(_l("Give the update a title (at most 120 characters)."), "title")
    body = (body or "").strip()
    if not body or len(body) > MAX_STORY_CHARS:
        _refuse(_l("Write the update (at most %(n)d characters).", n=MAX_STORY_CHARS), "body")
    limits = {"title": (120, True), "body": (MAX_STORY_CHARS, False)}
    translated = typed_translations(translations, campaign.language, limits, _too_long)
    for fields in translated.values():
        if fields is not None:
            text = fields.pop("body")
            fields.update(body_md=text, body_html=render_markdown(text))
    return title, body, translated


def post_update(actor, campaign_id, title, body, visibility, translations=None):
    """The creator posts news; backers get it by email (a job), each in her language.

    ``translations`` (optional): ``{locale: {"title", "body"}}`` in the campaign's other languages."""
    campaign = _get(campaign_id)
    ensure("campaigns.post_update", campaign, user=actor)
    if campaign.status not in CampaignStatus.PUBLIC:
        _refuse(_l("Updates can be posted once the campaign is live."))
    title, body, translated = _checked_update(campaign, title, body, translations)
    if visibility not in UpdateVisibility.ALL:
        _refuse(_l("Choose one of the answers."), "visibility")
    update = CampaignUpdate(
        campaign_id=campaign.id,
        author_id=actor.id,
        title=title,
        body_md=body,
        body_html=render_markdown(body),
        visibility=visibility,
    )
    save_translations(update.translations, translated, lambda code: CampaignUpdateTranslation(locale=code))
    db.session.add(update)
    db.session.flush()
    record("campaign.update_posted", campaign, actor=actor, update_id=update.id)
    enqueue_after_commit("wcl.campaigns.jobs.email_update", update.id, queue=EMAILS, job_timeout=600)
    db.session.commit()
    return update


def update_of(campaign_id, update_id):
    """The update ``update_id`` if it belongs to campaign ``campaign_id``, else ``None``."""
    update = db.session.get(CampaignUpdate, update_id)
    return update if update is not None and update.campaign_id == campaign_id else None


def edit_update(actor, update_id, title, body, translations=None):
    """The creator corrects an update: its title, text and translations (not who may read it).

    Nothing is emailed again: backers keep the copy they were sent. A hidden update stays
    as staff left it. The audit entry names the fields that changed."""
    update = db.session.get(CampaignUpdate, update_id)
    if update is None:
        raise CampaignError(_l("This update does not exist."))
    campaign = update.campaign
    ensure("campaigns.post_update", campaign, user=actor)
    if update.hidden_at is not None:
        _refuse(_l("Staff hid this update; it cannot be changed."))
    title, body, translated = _checked_update(campaign, title, body, translations)
    before = _texts(update, translated)
    update.title, update.body_md, update.body_html = title, body, render_markdown(body)
    save_translations(update.translations, translated, lambda code: CampaignUpdateTranslation(locale=code))
    after = _texts(update, translated)
    changed = sorted(name for name in after if after[name] != before[name])
    record("campaign.update_edited", campaign, actor=actor, update_id=update.id, changed=changed)
    db.session.commit()
    return update


def _texts(update, codes):
    """The update's texts by field and by language of ``codes``: what a correction may change."""
    texts = {"title": update.title, "body": update.body_md}
    for code in codes:
        row = update.translations.get(code)
        texts[code] = None if row is None else (row.title, row.body_md)
    return texts


def hide_update(actor, update_id, reason, slug=None):
    """Staff hide an update from the page (kept, with who hid it and why).

    With ``slug``, the update must belong to that campaign.
    """
    update = db.session.get(CampaignUpdate, update_id)
    if update is None or (slug is not None and update.campaign.slug != slug):
        raise CampaignError(_l("This update does not exist."))
    return _hide(
        actor,
        update,
        reason,
        _l("Say why the update is hidden (at most 300 characters)."),
        "campaign.update_hidden",
        "update_id",
    )


def email_update(update_id):
    """Email an update to each backer once, in the language of her pledge (the job's work):
    the campaign's and the update's texts in her language when translated, else the original."""
    update = lock(CampaignUpdate, update_id)
    if update is None or update.emailed_at is not None or update.hidden_at is not None:
        db.session.rollback()
        return 0
    campaign = db.session.get(Campaign, update.campaign_id)
    rows = db.session.execute(
        db.select(Pledge.backer_email, Pledge.backer_name, Pledge.locale)
        .where(
            Pledge.campaign_id == update.campaign_id,
            Pledge.status == PledgeStatus.PAID,
            Pledge.backer_email.is_not(None),
        )
        .order_by(Pledge.id.desc())
    ).all()
    seen = set(following.opted_out(campaign.id))  # those who unsubscribed get nothing
    link = absolute_url("campaigns.show", slug=campaign.slug)
    # Followers (no account) get public updates only; backers get every update.
    extra = following.followers(campaign.id) if update.visibility == UpdateVisibility.PUBLIC else []
    recipients = [(e, n, loc) for e, n, loc in rows] + [(e, None, loc) for e, loc in extra]
    sent = 0
    for email, name, locale in recipients:
        key = email.strip().lower()
        if key in seen:
            continue  # one email per address, in the language of her latest pledge
        seen.add(key)
        sent += 1
        unsubscribe = following.unfollow_url(campaign.id, key)
        queue_email(
            email,
            "campaigns/update",
            locale,
            name=name,
            title=str(campaign.shown("title", locale)),
            update_title=str(update.shown("title", locale)),
            body=update.shown("body_md", locale),  # a Shown: the email labels a fallback
            link=link,
            unsubscribe=unsubscribe,
            follower=name is None,
        )
    update.emailed_at = utcnow()
    record("campaign.update_emailed", campaign, update_id=update.id, recipients=sent)
    db.session.commit()
    return sent
