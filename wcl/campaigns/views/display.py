"""Campaign pages anyone may see: the listing, a campaign's page, backers, updates, comments; "my pledges"."""

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from wcl.accounts.permissions import can, require_login
from wcl.campaigns import forms, page_cache, patterns, services
from wcl.campaigns.views import bp
from wcl.core.fragments import rendered_once
from wcl.extensions import csrf, limiter
from wcl.files.services import send_stored
from wcl.forms import attempt, confirmed, page_arg, safe_next
from wcl.i18n import current_locale
from wcl.reference import CREATIVE_DOMAIN_CODES, REGION_CODES
from wcl.time import utcnow

# Comments: limited per person (many phones share one carrier address), by address for guests.
COMMENT_RATE_LIMIT = "5 per minute;30 per hour"


def _person_or_address():
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


# List pages past this one are rendered every time (a page number must not fill the cache).
LIST_PAGES_SHARED = 20
COMMENT_FIELDS = "campaigns/page/comment_fields.html"


@bp.route("/")
@page_cache.for_guests
def index():
    region = request.args.get("region", "")
    domain = request.args.get("domain", "")
    region = region if region in REGION_CODES else ""
    domain = domain if domain in CREATIVE_DOMAIN_CODES else ""
    sort = request.args.get("sort", "")
    sort = sort if sort in services.pages.SORTS else "ending"
    page = page_arg()
    locale = current_locale()

    def shared():
        # The filters and the cards: the same for everyone in this language (no visitor here).
        pagination, totals = services.pages.list_live(
            region or None, domain or None, page=page, sort=sort, locale=locale
        )
        content = render_template(
            "campaigns/page/list.html",
            pagination=pagination,
            totals=totals,
            region=region,
            domain=domain,
            sort=sort,
            regions=REGION_CODES,
            domains=CREATIVE_DOMAIN_CODES,
            locale=locale,
            now=utcnow(),
        )
        return {"content": content}

    if page > LIST_PAGES_SHARED:
        parts = shared()
    else:
        parts = page_cache.shared_parts(f"list:{region}:{domain}:{sort}:{page}", shared)
    return render_template("campaigns/index.html", content=parts["content"])


@bp.route("/<slug>")
@page_cache.for_guests
def show(slug):
    return _campaign_page(slug)


def _shared_campaign_parts(page, locale):
    """The campaign page's parts that every reader in ``locale`` sees (templates/campaigns/page/),
    and what the view needs to know about them to render her own parts around them."""
    context = dict(page, locale=locale, moderator=False, shared=True)

    def part(name, **extra):
        return render_template(f"campaigns/page/{name}.html", **dict(context, **extra))

    public = part("updates", sees_backer_updates=False)
    for_backers = any(u.visibility != "public" for u in page["updates"])
    return {
        "title": part("title"),
        "head": part("head"),
        "top": part("top"),
        "updates_public": public,
        "updates_backers": part("updates", sees_backer_updates=True) if for_backers else public,
        "comments": part("comments"),
        "bottom": part("bottom"),
        "comment_authors": sorted({c.author_id for c in page["comments"]}),
        "comment_total": page["totals"]["comments"],
        "has_comments": bool(page["comments"]),
    }


def _personal_lists(campaign, parts, loaded, locale):
    """The updates and comments as this visitor sees them: the shared rendering, unless
    she moderates (hide forms) or wrote a comment (her delete button), rendered for her.
    ``loaded``: what the page's own load already read this request (may be empty)."""
    if "sees_backer_updates" in loaded:
        sees = loaded["sees_backer_updates"]
    else:
        sees = services.pages.sees_backer_updates(campaign, current_user)
    moderator = can("campaigns.moderate", campaign)
    if moderator:
        updates = (
            loaded["updates"] if "updates" in loaded else services.pages.latest_updates(campaign.id, locale)
        )
        updates_html = render_template(
            "campaigns/page/updates.html",
            campaign=campaign,
            updates=updates,
            sees_backer_updates=sees,
            moderator=True,
        )
    else:
        updates_html = parts["updates_backers" if sees else "updates_public"]
    wrote_one = current_user.is_authenticated and current_user.id in parts["comment_authors"]
    if not (moderator or wrote_one):
        return updates_html, parts["comments"]
    comments = loaded["comments"] if "comments" in loaded else services.pages.latest_comments(campaign.id)
    comments_html = render_template(
        "campaigns/page/comments.html",
        campaign=campaign,
        comments=comments,
        totals={"comments": parts["comment_total"]},
        shared=False,
    )
    return updates_html, comments_html


def _empty_comment_form():
    # Never the request's data (formdata=None) and no token: it is kept for every reader.
    return {"form": forms.CommentForm(formdata=None, meta={"csrf": False})}


def _campaign_page(slug, comment_form=None):
    """Render the campaign page: the shared parts (from the page cache when it is on), and
    around them only what depends on the visitor (see ``page_cache.shared_parts``)."""
    locale = current_locale()
    loaded = {}

    def shared():
        page = services.pages.campaign_page(slug, current_user, locale=locale)
        if page is None:
            return None
        loaded.update(page)
        return _shared_campaign_parts(page, locale)

    if page_cache.enabled():
        # Who may see it is checked on the campaign's row before any shared part is used.
        campaign, loaded["sees_backer_updates"] = services.pages.reader_campaign(slug, current_user)
        parts = page_cache.shared_parts(f"show:{slug}", shared) if campaign is not None else None
    else:
        parts = shared()
        campaign = loaded.get("campaign")
    if parts is None:
        abort(404)

    updates_html, comments_html = _personal_lists(campaign, parts, loaded, locale)
    # Only people who may comment get the form: its CSRF token would start a session,
    # and a guest's visit must not (no cookie on the public page). A fresh form's fields
    # are the same for everyone in a language; one sent back with errors is her own.
    comment_fields = None
    if comment_form is None and can("campaigns.comment", campaign):
        comment_fields = rendered_once(COMMENT_FIELDS, context=_empty_comment_form)
    return render_template(
        "campaigns/show.html",
        campaign=campaign,
        parts=parts,
        updates_html=updates_html,
        comments_html=comments_html,
        comment_form=comment_form,
        comment_fields=comment_fields,
        locale=locale,
    )


def _visible_campaign_or_404(slug):
    """The campaign the current visitor may see under ``slug``, or 404."""
    campaign = services.pages.get_campaign(slug, current_user)
    if campaign is None:
        abort(404)
    return campaign


@bp.route("/<slug>/backers")
def backers(slug):
    campaign = _visible_campaign_or_404(slug)
    pagination = services.pages.list_backers(campaign, page=page_arg())
    return render_template("campaigns/backers.html", campaign=campaign, pagination=pagination)


@bp.route("/<slug>/updates")
def updates(slug):
    campaign = _visible_campaign_or_404(slug)
    pagination = services.pages.list_updates(campaign, page=page_arg(), locale=current_locale())
    return render_template(
        "campaigns/updates.html",
        campaign=campaign,
        pagination=pagination,
        sees_backer_updates=services.pages.sees_backer_updates(campaign, current_user),
        may_correct=can("campaigns.post_update", campaign),
    )


@bp.route("/<slug>/comments")
def comments(slug):
    campaign = _visible_campaign_or_404(slug)
    pagination = services.comments.list_comments(campaign, page=page_arg())
    return render_template("campaigns/comments.html", campaign=campaign, pagination=pagination)


@bp.route("/<slug>/comments", methods=["POST"])
@limiter.limit(COMMENT_RATE_LIMIT, key_func=_person_or_address)
@require_login
def post_comment(slug):
    campaign = _visible_campaign_or_404(slug)
    form = forms.CommentForm()
    if form.validate_on_submit() and attempt(
        lambda: services.comments.post_comment(current_user, campaign.id, form.body.data),
        form,
        _("Your comment is posted."),
    ):
        return redirect(url_for("campaigns.show", slug=slug, _anchor="comments"))
    return _campaign_page(slug, comment_form=form), 422


@bp.route("/<slug>/comments/<int:comment_id>/delete", methods=["POST"])
@require_login
def delete_comment(slug, comment_id):
    if forms.ConfirmForm().validate_on_submit() and confirmed():
        attempt(
            lambda: services.comments.delete_comment(current_user, comment_id, slug=slug),
            success=_("Your comment is deleted."),
        )
    return redirect(safe_next(url_for("campaigns.show", slug=slug, _anchor="comments")))


@bp.route("/<slug>/image/<int:file_id>")
def image(slug, file_id):
    campaign, stored = services.pages.campaign_image(slug, file_id, current_user)
    if stored is None:
        abort(404)
    response = send_stored(stored, as_attachment=False)
    if campaign.is_public:
        # Public covers are the heaviest part of the page: let phones cache them.
        response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/pattern/<int:campaign_id>.svg")
def pattern(campaign_id):
    """The textile-pattern cover of a campaign without a photo: drawn from the id alone
    (no query, nothing about the campaign revealed), so it is cached for a year."""
    response = Response(patterns.cover_svg(campaign_id), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.route("/unfollow/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the proof; mail clients POST here for one-click unsubscribe (RFC 8058)
def unfollow(token):
    """An update email's unsubscribe link: a page with one button (link checkers that
    open links must not unsubscribe anyone); a POST stops the emails."""
    found = services.following.read_unfollow_token(token)
    if found is None:
        abort(404)
    campaign, _email = found
    done = False
    if request.method == "POST":
        services.following.unfollow(token)
        done = True
    return render_template("campaigns/unfollow.html", campaign=campaign, done=done)


@bp.route("/my-pledges")
@require_login
def my_pledges():
    pagination = services.pages.pledges_for_user(current_user, page=page_arg())
    return render_template("campaigns/my_pledges.html", pagination=pagination)
