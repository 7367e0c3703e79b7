"""Alumni public profiles: a graduate opts in to be shown, and stays in charge.

A profile holds only what she typed to be shown: a display name, a creative domain, a
region, a short bio (Markdown, sanitised as campaign stories are) and a few http(s)
links. Never her village, never her demographics: there is no field for them, a request
that asks to show a village is refused, and so is a name or bio that names a town or
village she gave on an application. She can hide it or delete it at any time; staff of
her lab may hide it (audited).
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.campaigns.markup import render_markdown
from wcl.extensions import db
from wcl.links import is_web_address
from wcl.outcomes import queries
from wcl.outcomes.errors import OutcomesError
from wcl.outcomes.models import MAX_LINKS, AlumniProfile
from wcl.reference import CREATIVE_DOMAIN_CODES, REGION_CODES, creative_domain_label, region_name
from wcl.time import utcnow

PER_PAGE = 12
MAX_BIO = 1000
MAX_LINK = 300
VILLAGE_REFUSED = _l("Only a region can be shown, never a village. Choose a region from the list.")
# Keys a crafted request might send to show more than a region or to show who she is.
REFUSED_KEYS = ("village", "locality", "address", "birth_year", "age", "gender", "disability")


_refuse = OutcomesError.refuse  # roll back what was flushed, then raise: a refusal changes nothing


def _text(value, limit, field):
    value = (value or "").strip()
    if len(value) > limit:
        _refuse(_l("This text is too long: at most %(max)s characters.", max=limit), field=field)
    return value


def _links(values):
    links = [v.strip() for v in values or () if v and v.strip()]
    if len(links) > MAX_LINKS:
        _refuse(_l("At most %(max)s links.", max=MAX_LINKS), field="link1")
    for link in links:
        if len(link) > MAX_LINK or not is_web_address(link):
            _refuse(
                _l("A link must start with http:// or https://, like https://example.com."), field="link1"
            )
    return links


def _names_a_place(text, places):
    lowered = text.lower()
    return any(len(place) >= 3 and place.lower() in lowered for place in places)


def save_profile(actor, data, now=None):
    """Create or change ``actor``'s profile from ``data`` (display_name, creative_domain,
    region, bio, links, consent). Refused (``OutcomesError``, nothing changed) unless she
    graduated, agrees, and shows nothing more precise than a region."""
    enrolment = queries.graduated_enrolment(actor.id)
    if enrolment is None:
        _refuse(_l("Only graduates of the lab can have an alumni profile."))
    ensure("alumni.profile", enrolment, user=actor)
    if not data.get("consent"):
        _refuse(_l("Tick the box to agree to be shown in the public alumni directory."), field="consent")
    if any(str(data.get(key) or "").strip() for key in REFUSED_KEYS):
        _refuse(VILLAGE_REFUSED, field="region")
    name = _text(data.get("display_name"), 80, "display_name")
    if not name:
        _refuse(_l("Give the name to show in the directory."), field="display_name")
    domain = (data.get("creative_domain") or "").strip() or None
    if domain is not None and domain not in CREATIVE_DOMAIN_CODES:
        _refuse(_l("Choose a creative domain from the list."), field="creative_domain")
    region = (data.get("region") or "").strip() or None
    if region is not None and region not in REGION_CODES:
        _refuse(VILLAGE_REFUSED, field="region")
    bio = _text(data.get("bio"), MAX_BIO, "bio")
    links = _links(data.get("links"))
    places = queries.known_localities(actor.id)
    for field, text in (("display_name", name), ("bio", bio)):
        if _names_a_place(text, places):
            _refuse(
                _l("Please do not name your town or village: the profile shows only your region."),
                field=field,
            )
    profile = queries.own_profile(actor.id)
    created = profile is None
    if created:
        profile = AlumniProfile(user_id=actor.id, enrolment_id=enrolment.id)
        db.session.add(profile)
    profile.display_name = name
    profile.creative_domain = domain
    profile.region = region
    profile.bio = bio
    profile.bio_html = render_markdown(bio)
    profile.links = links
    profile.visible = True
    profile.consented_at = now or utcnow()
    db.session.flush()
    record("alumni_profile.created" if created else "alumni_profile.updated", profile, actor=actor)
    db.session.commit()
    return profile


def set_visible(actor, profile, visible):
    """She hides her profile, or shows it again (not one staff have hidden)."""
    ensure("alumni.edit", profile, user=actor)
    profile.visible = bool(visible)
    db.session.flush()
    record("alumni_profile.shown" if visible else "alumni_profile.hidden", profile, actor=actor)
    db.session.commit()
    return profile


def delete_profile(actor, profile):
    """She deletes her profile: it is gone at once."""
    ensure("alumni.edit", profile, user=actor)
    record("alumni_profile.deleted", profile, actor=actor)
    db.session.delete(profile)
    db.session.commit()


def staff_hide(actor, profile, hidden=True):
    """Staff of her lab hide a profile from the directory (or show it again); audited."""
    ensure("alumni.moderate", profile, user=actor)
    profile.hidden_by_staff_at = utcnow() if hidden else None
    profile.hidden_by_id = actor.id if hidden else None
    db.session.flush()
    record("alumni_profile.staff_hidden" if hidden else "alumni_profile.staff_shown", profile, actor=actor)
    db.session.commit()
    return profile


def _listed():
    return sa.select(AlumniProfile).where(
        AlumniProfile.visible.is_(True), AlumniProfile.hidden_by_staff_at.is_(None)
    )


def directory_page(page=1, creative_domain=None, region=None):
    """The public directory, by name, narrowed by creative domain and region."""
    stmt = _listed()
    if creative_domain in CREATIVE_DOMAIN_CODES:
        stmt = stmt.where(AlumniProfile.creative_domain == creative_domain)
    if region in REGION_CODES:
        stmt = stmt.where(AlumniProfile.region == region)
    stmt = stmt.order_by(sa.func.lower(AlumniProfile.display_name), AlumniProfile.id)
    return db.paginate(stmt, page=page, per_page=PER_PAGE, error_out=False)


def listed_profile(profile_id):
    """A profile the public may see, or None."""
    return db.session.scalar(_listed().where(AlumniProfile.id == profile_id))


def public_data(profile, locale="en"):
    """Everything the public page shows, and nothing else (its JSON)."""
    return {
        "id": profile.id,
        "display_name": profile.display_name,
        "creative_domain": profile.creative_domain,
        "creative_domain_label": str(creative_domain_label(profile.creative_domain))
        if profile.creative_domain
        else None,
        "region": profile.region,
        "region_name": region_name(profile.region, locale) if profile.region else None,
        "bio_html": profile.bio_html,
        "links": list(profile.links or ()),
    }
