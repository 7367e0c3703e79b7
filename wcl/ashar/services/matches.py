"""A municipality's match: a signed commitment to match its territory's community projects.

The money side reuses the sponsor matching of ``wcl.campaigns.matching``: the
commitment creates a ``MatchingPool`` (ratio, cap per project as the pool's cap per
campaign, total as its budget, dates), and admitted projects of the territory are
its eligible campaigns. A match is reserved when a pledge is paid, under the pool's
row lock, so concurrent payments never exceed the total or the cap per project.
"""

from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.ashar.models import CommunityProject, MatchCommitment, ProjectStatus
from wcl.ashar.services._common import CURRENCY, check_amount, one_line, refuse
from wcl.ashar.services.projects import link_pools, territory_condition
from wcl.audit.services import record
from wcl.campaigns.models import MatchingPool
from wcl.extensions import db
from wcl.files.services import DOCUMENT_TYPES, UploadError, save_upload
from wcl.orgs.models import Organisation, OrgKind
from wcl.reference import REGION_CODES
from wcl.time import utcnow

# A municipality: a city administration or another state body (an ayil okmotu).
MUNICIPAL_KINDS = (OrgKind.CITY_ADMIN, OrgKind.STATE_BODY)
MAX_RATIO = 100


def municipalities():
    return db.session.scalars(
        db.select(Organisation).where(Organisation.kind.in_(MUNICIPAL_KINDS)).order_by(Organisation.id)
    ).all()


def _checked_terms(data, now):
    """The commitment's terms from ``data``, each refused with a message on its field."""
    org = db.session.get(Organisation, data.get("organisation_id") or 0)
    if org is None or org.kind not in MUNICIPAL_KINDS:
        refuse(_l("Choose a city administration or another state body."), "organisation_id")
    region = data.get("region")
    if region not in REGION_CODES:
        refuse(_l("Choose a region from the list."), "region")
    district = one_line(data.get("district"), 80, "district", required=False)
    for name in ("ratio_num", "ratio_den"):
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_RATIO:
            refuse(_l("Enter a whole number from 1 to 100."), name)
    total = check_amount(data.get("total"), data.get("currency"), "total")
    cap = check_amount(data.get("cap_per_project"), data.get("currency"), "cap_per_project")
    if cap > total:
        refuse(_l("The cap per project cannot be more than the total."), "cap_per_project")
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    if not starts_at or not ends_at or ends_at <= starts_at:
        refuse(_l("The end date must be after the start date."), "ends_at")
    if ends_at <= now:
        refuse(_l("The end date must be in the future."), "ends_at")
    return org, region, district, total, cap


def _stored_letter(letter, actor):
    if letter is None or not getattr(letter, "filename", None):
        refuse(_l("Attach the signed commitment letter: a PDF or a photo."), "letter")
    try:
        return save_upload(letter, allowed=DOCUMENT_TYPES, uploaded_by=actor)
    except UploadError as exc:
        refuse(exc.message, "letter")


def _link_admitted_projects(region, district, now):
    """Projects already admitted in the territory become the new pool's campaigns."""
    projects = db.session.scalars(
        db.select(CommunityProject).where(
            CommunityProject.status == ProjectStatus.ADMITTED,
            territory_condition(CommunityProject.region, CommunityProject.district, region, district)
            if district
            else CommunityProject.region == region,
        )
    ).all()
    for project in projects:
        link_pools(project, now)


def commit_match(actor, data, letter, now=None):
    """Staff enter a municipality's signed commitment, with the letter's scan (PDF or photo).

    ``data``: organisation_id, region, district (optional: the whole region),
    ratio_num, ratio_den, cap_per_project, total (tyiyn), currency, starts_at, ends_at.
    """
    ensure("ashar.match", user=actor)
    now = now or utcnow()
    org, region, district, total, cap = _checked_terms(data, now)
    stored = _stored_letter(letter, actor)
    pool = MatchingPool(
        sponsor_name=org.name("ru")[:120],
        budget=total,
        currency=CURRENCY,
        ratio_num=data["ratio_num"],
        ratio_den=data["ratio_den"],
        cap_per_campaign=cap,
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        created_by_id=actor.id,
    )
    db.session.add(pool)
    db.session.flush()
    commitment = MatchCommitment(
        organisation_id=org.id,
        pool_id=pool.id,
        region=region,
        district=district,
        letter_id=stored.id,
        entered_by_id=actor.id,
    )
    db.session.add(commitment)
    db.session.flush()
    _link_admitted_projects(region, district, now)
    record(
        "ashar.match_committed",
        commitment,
        actor=actor,
        organisation_id=org.id,
        pool_id=pool.id,
        total=total,
        cap_per_project=cap,
        letter_id=stored.id,
    )
    db.session.commit()
    return commitment


def commitments():
    return db.session.scalars(db.select(MatchCommitment).order_by(MatchCommitment.created_at.desc())).all()
