"""Calls for applications: finding them, and staff creating and editing them."""

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from wcl.accounts.permissions import ensure, lab_scope
from wcl.applications.models import LOCALES, Application, Call
from wcl.applications.services._common import clean_text, fail
from wcl.audit.services import record
from wcl.extensions import db
from wcl.labs.models import Lab
from wcl.time import utcnow

CALL_TEXT_FIELDS = tuple(
    f"{stem}_{loc}" for stem in ("title", "description", "eligibility") for loc in LOCALES
)


def slugify(text):
    """An ASCII slug for URLs (``"Osh Lab 2026"`` → ``"osh-lab-2026"``)."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "call"


def _unique_slug(base):
    taken = set(db.session.scalars(db.select(Call.slug).where(Call.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def get_call_by_slug(slug):
    """The call with ``slug``, or ``None``."""
    return db.session.scalar(db.select(Call).where(Call.slug == slug))


def list_open_calls(page=1, per_page=20):
    """Calls open now, the closest deadline first (public)."""
    now = utcnow()
    stmt = (
        db.select(Call)
        .where(Call.opens_at <= now, Call.closes_at > now)
        .options(selectinload(Call.lab))
        .order_by(Call.closes_at, Call.id)
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def calls_for_staff(actor, page=1, per_page=20):
    """Calls the staff member may manage (her lab, or all), newest first."""
    stmt = db.select(Call).options(selectinload(Call.lab)).order_by(Call.opens_at.desc(), Call.id.desc())
    stmt = lab_scope(stmt, actor, Call.lab_id)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def application_counts(call_ids):
    """``{call_id: {status: n}}`` for the staff list."""
    counts = {}
    if not call_ids:
        return counts
    rows = db.session.execute(
        db.select(Application.call_id, Application.status, func.count(Application.id))
        .where(Application.call_id.in_(call_ids))
        .group_by(Application.call_id, Application.status)
    )
    for call_id, status, n in rows:
        counts.setdefault(call_id, {})[status] = n
    return counts


def _call_texts(data):
    """The call's titles, descriptions and eligibility texts in every language, cleaned."""
    values = {}
    for name in CALL_TEXT_FIELDS:
        try:
            values[name] = clean_text(data.get(name), 200 if name.startswith("title") else 20000, True)
        except ValueError as exc:
            fail(str(exc), field=name)
    if not values["title_en"]:
        fail(_l("Enter a title in English."), field="title_en")
    return values


def _call_values(data):
    """Validated column values of the call form; raises before anything changes."""
    values = _call_texts(data)
    if db.session.get(Lab, data.get("lab_id")) is None:
        fail(_l("Choose a lab."), field="lab_id")
    if data["closes_at"] <= data["opens_at"]:
        fail(_l("The closing time must be after the opening time."), field="closes_at")
    if not 1 <= int(data["reviews_required"]) <= 10:
        fail(_l("Choose between 1 and 10 reviews."), field="reviews_required")
    values.update(
        lab_id=data["lab_id"],
        opens_at=data["opens_at"],
        closes_at=data["closes_at"],
        reviews_required=int(data["reviews_required"]),
        blind_review=bool(data.get("blind_review")),
    )
    return values


def create_call(actor, data):
    """Create a call from the staff form's ``data`` (times already in UTC)."""
    call = Call(created_by_id=actor.id, **_call_values(data))
    ensure("calls.manage", call, user=actor)
    call.slug = _unique_slug(slugify(call.title_en))
    db.session.add(call)
    db.session.flush()
    record("call.created", call, actor=actor, lab_id=call.lab_id)
    db.session.commit()
    return call


def update_call(actor, call, data):
    """Change a call's texts, dates and review settings (its slug stays)."""
    ensure("calls.manage", call, user=actor)
    values = _call_values(data)
    # Moving a call to a lab outside her scope is as bad as editing one there.
    ensure("calls.manage", Call(lab_id=values["lab_id"]), user=actor)
    for name, value in values.items():
        setattr(call, name, value)
    record("call.updated", call, actor=actor)
    db.session.commit()
    return call
