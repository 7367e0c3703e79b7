"""The annual mapping survey of creative entrepreneurs: anyone may answer (no sign-in).

An answer is kept only with her explicit consent and only if every question is
answered within range; anything else is refused with a translated message and nothing
is stored. Her email, given only to receive a copy, is never stored: a keyed hash of it
refuses a second answer from the same address in the same year (the view also guards
the device, and the limiter the address).

The answers are published only as protected aggregates, through the reports'
disclosure control (``wcl.reports.protection``): each answer carries a random cell key,
so a count of answers is perturbed like a count of people and small counts are hidden;
a number of employees is counted as people too, and shown only where its number of
businesses is.
"""

import hashlib
import hmac

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from wcl.accounts.models import new_cell_key
from wcl.extensions import db
from wcl.mail import queue_email
from wcl.outcomes.errors import OutcomesError
from wcl.outcomes.labels import MAPPING_DIMENSION_LABELS, MAPPING_LABELS
from wcl.outcomes.models import (
    BUSINESS_SIZES,
    EXPORT_SHARES,
    MAX_EMPLOYEES,
    SETTLEMENTS,
    TURNOVER_BANDS,
    MappingResponse,
)
from wcl.outcomes.services.answers import clean_answer
from wcl.reference import CREATIVE_DOMAIN_CODES, REGION_CODES, creative_domain_label, region_name
from wcl.reports.protection import MARK, RULE, Cell, publish, total
from wcl.time import utcnow

CONSENT_VERSION = "map-2026-1"
YES_NO = ("yes", "no")

# name: (kind, allowed, required)
QUESTIONS = {
    "creative_domain": ("choice", CREATIVE_DOMAIN_CODES, True),
    "region": ("choice", REGION_CODES, True),
    "settlement": ("choice", SETTLEMENTS, True),
    "size": ("choice", BUSINESS_SIZES, True),
    "turnover_band": ("choice", TURNOVER_BANDS, True),
    "employees_women": ("int", (0, MAX_EMPLOYEES), True),
    "employees_men": ("int", (0, MAX_EMPLOYEES), True),
    "exports": ("bool", None, True),
    "export_share": ("choice", EXPORT_SHARES, False),
}
UNKNOWN = {
    "creative_domain": _l("Choose a creative domain from the list."),
    "region": _l("Only a region can be shown, never a village. Choose a region from the list."),
}
# The published one-way tables, in this order.
DIMENSIONS = (
    ("creative_domain", CREATIVE_DOMAIN_CODES),
    ("region", REGION_CODES),
    ("settlement", SETTLEMENTS),
    ("size", BUSINESS_SIZES),
    ("turnover_band", TURNOVER_BANDS),
    ("exports", YES_NO),
    ("export_share", EXPORT_SHARES),
)
EMPLOYEES = ("women", "men")


_refuse = OutcomesError.refuse  # roll back what was flushed, then raise: a refusal changes nothing


def _cleaned(answers):
    out = {}
    for name, (kind, allowed, required) in QUESTIONS.items():
        value = answers.get(name)
        try:
            value = clean_answer(name, kind, allowed, value)
        except OutcomesError as exc:
            _refuse(UNKNOWN.get(name, exc.message), field=name)
        if value is None and required:
            _refuse(_l("Please answer this question before sending."), field=name)
        out[name] = value
    if not out["exports"]:
        out["export_share"] = None
    return out


def _email(email):
    email = (email or "").strip()
    if not email:
        return None
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        _refuse(_l("Enter a valid email address, like name@example.com."), field="email")


def email_hash(year, email):
    """A keyed hash of ``email`` for ``year``: refuses a second answer, reveals no address."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"mapping:{year}:{email}".encode(), hashlib.sha256).hexdigest()


def _answer_labels(cleaned, locale):
    with force_locale(locale):
        rows = []
        for name, _codes in DIMENSIONS:
            value = cleaned[name]
            if name == "exports":
                value = "yes" if value else "no"
            if value is not None:
                rows.append((str(MAPPING_DIMENSION_LABELS[name]), category_label(name, value, locale)))
        for sex in EMPLOYEES:
            rows.append((str(MAPPING_LABELS[f"employees_{sex}"]), str(cleaned[f"employees_{sex}"])))
        return rows


def submit_mapping(answers, consent, email=None, locale="en", now=None):
    """Store one answer to this year's survey; refuses (``OutcomesError``) without
    consent, with a missing, unknown or out-of-range answer, or a second answer from
    the same email address this year. A copy goes to ``email`` if given."""
    if not consent:
        _refuse(_l("Tick the box to agree to your answers being used this way."), field="consent")
    cleaned = _cleaned(answers)
    address = _email(email)
    now = now or utcnow()
    digest = email_hash(now.year, address) if address else None
    if digest is not None and db.session.scalar(
        sa.select(MappingResponse.id).where(
            MappingResponse.year == now.year, MappingResponse.email_hash == digest
        )
    ):
        _refuse(_l("This email address has already answered this year's survey. Thank you!"), field="email")
    response = MappingResponse(
        year=now.year,
        submitted_at=now,
        locale=locale,
        cell_key=new_cell_key(),
        consent_version=CONSENT_VERSION,
        email_hash=digest,
        **cleaned,
    )
    db.session.add(response)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # the same address at the same moment
        _refuse(_l("This email address has already answered this year's survey. Thank you!"), field="email")
    if address:
        queue_email(
            address, "outcomes/mapping_copy", locale, year=now.year, answers=_answer_labels(cleaned, locale)
        )
    db.session.commit()
    return response


def responses_by_year():
    """Staff: how many answers each year, newest first (a plain count of answers)."""
    return db.session.execute(
        sa.select(MappingResponse.year, sa.func.count())
        .group_by(MappingResponse.year)
        .order_by(MappingResponse.year.desc())
    ).all()


def category_label(dimension, code, locale="en"):
    """A category's words in ``locale``."""
    if dimension == "creative_domain":
        return str(creative_domain_label(code))
    if dimension == "region":
        return region_name(code, locale)
    return str(MAPPING_LABELS.get(f"{dimension}:{code}", code))


def _cells(year, column):
    rows = db.session.execute(
        sa.select(column, sa.func.count(), sa.func.coalesce(sa.func.sum(MappingResponse.cell_key), 0))
        .where(MappingResponse.year == year)
        .group_by(column)
    ).all()
    return {value: Cell(n, int(keys) % 256) for value, n, keys in rows}


def _employees(year, sex):
    """(businesses employing ``sex``, people of ``sex`` they employ), both published.
    Employees are people: their count is a cell of its own whose key is the sum of each
    answer's key once per employee; it is shown only where its businesses are."""
    column = getattr(MappingResponse, f"employees_{sex}")
    n, keys, people, weighted = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(MappingResponse.cell_key), 0),
            sa.func.coalesce(sa.func.sum(column), 0),
            sa.func.coalesce(sa.func.sum(column * MappingResponse.cell_key), 0),
        ).where(MappingResponse.year == year, column > 0)
    ).one()
    businesses = publish(Cell(n, int(keys) % 256))
    if businesses in (0, MARK):
        return businesses, businesses
    return businesses, publish(Cell(int(people), int(weighted) % 256))


def mapping_aggregates(year, locale="en"):
    """The year's survey as published: every figure protected. ``{"year", "respondents",
    "tables": [{"dimension", "label", "rows": [(code, label, value)]}], "employees":
    [{"code", "label", "value"}], "rule"}``; a value is a number or ``MARK``."""
    tables = []
    everyone = Cell()
    for dimension, codes in DIMENSIONS:
        column = getattr(MappingResponse, dimension)
        if dimension == "exports":
            cells = {("yes" if k else "no"): c for k, c in _cells(year, column).items()}
        else:
            cells = _cells(year, column)
        if dimension == "creative_domain":
            everyone = total(cells.values())
        tables.append(
            {
                "dimension": dimension,
                "label": str(MAPPING_DIMENSION_LABELS[dimension]),
                "rows": [
                    (code, category_label(dimension, code, locale), publish(cells.get(code, Cell())))
                    for code in codes
                ],
            }
        )
    employees = []
    for sex in EMPLOYEES:
        businesses, people = _employees(year, sex)
        employees.append(
            {
                "code": f"businesses_employing_{sex}",
                "label": str(MAPPING_LABELS[f"businesses_{sex}"]),
                "value": businesses,
            }
        )
        employees.append(
            {
                "code": f"employees_{sex}",
                "label": str(MAPPING_LABELS[f"employees_{sex}_total"]),
                "value": people,
            }
        )
    return {
        "year": year,
        "respondents": publish(everyone),
        "tables": tables,
        "employees": employees,
        "rule": str(RULE),
    }
