"""Answering a follow-up from its signed link: save and finish later, or submit.

The link carries only the follow-up's id, signed with a salt of its own and an age
limit. An expired, tampered or already-submitted link is refused with a clear message
and changes nothing; an out-of-range answer is refused and nothing of the form is saved.
"""

from flask_babel import lazy_gettext as _l

from wcl.accounts.models import User
from wcl.accounts.tokens import TokenError, make_token, read_token
from wcl.audit.services import record
from wcl.extensions import db
from wcl.links import absolute_url
from wcl.outcomes.errors import LinkError, OutcomesError
from wcl.outcomes.models import (
    INCOME_BANDS,
    MAX_EMPLOYEES,
    MAX_HOURS,
    MONEY_USED,
    REGISTRATIONS,
    FollowUp,
    FollowUpConsent,
)
from wcl.outcomes.services.followups import LINK_MAX_AGE, LINK_PURPOSE
from wcl.time import utcnow

CONSENT_VERSION = "2026-1"
CONSENT_PURPOSE = "outcomes-consent"
CONSENT_MAX_AGE = 400 * 24 * 60 * 60  # seconds: kept from the "stopped" page for over a year

# name: (kind, allowed) — a choice from a tuple, an integer range, or yes/no.
QUESTIONS = {
    "income_band": ("choice", INCOME_BANDS),
    "hours_per_week": ("int", (0, MAX_HOURS)),
    "employees_women": ("int", (0, MAX_EMPLOYEES)),
    "employees_men": ("int", (0, MAX_EMPLOYEES)),
    "registration": ("choice", REGISTRATIONS),
    "online_sales": ("bool", None),
    "money_used": ("choice", MONEY_USED),
    "recommend": ("int", (0, 10)),
}


def follow_up_from_link(token):
    """The follow-up a link opens, or ``LinkError`` (expired, invalid or used)."""
    follow_up = _row_from_link(FollowUp, LINK_PURPOSE, token, LINK_MAX_AGE, "f")
    if follow_up.submitted_at is not None:
        raise LinkError(_l("These answers have already been sent. Thank you!"), "used", follow_up)
    return follow_up


def _clean(name, value):
    kind, allowed = QUESTIONS[name]
    return clean_answer(name, kind, allowed, value)


def clean_answer(name, kind, allowed, value):
    """One answer checked: ``kind`` is choice (from ``allowed``), int (``allowed`` is
    (low, high)) or bool (yes/no); empty is ``None``; anything else ``OutcomesError``."""
    if value is None or value == "":
        return None
    if kind == "choice":
        if value not in allowed:
            raise OutcomesError(_l("Please choose one of the answers."), field=name)
        return value
    if kind == "bool":
        if value in (True, "yes", "y", "1"):
            return True
        if value in (False, "no", "n", "0"):
            return False
        raise OutcomesError(_l("Please choose one of the answers."), field=name)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise OutcomesError(_l("Please enter a whole number."), field=name) from None
    low, high = allowed
    if not low <= number <= high:
        raise OutcomesError(
            _l("Please enter a number from %(low)s to %(high)s.", low=low, high=high), field=name
        )
    return number


def save_answers(follow_up, answers, finish=False, now=None):
    """Store ``answers`` ({question: value}); with ``finish`` every question must be
    answered and the follow-up is submitted (its link is then spent). Any refused
    answer raises ``OutcomesError`` before anything is changed."""
    if follow_up.submitted_at is not None:
        raise LinkError(_l("These answers have already been sent. Thank you!"), "used")
    cleaned = {name: _clean(name, answers.get(name)) for name in QUESTIONS}
    if finish:
        for name, value in cleaned.items():
            if value is None:
                raise OutcomesError(_l("Please answer this question before sending."), field=name)
    now = now or utcnow()
    for name, value in cleaned.items():
        setattr(follow_up, name, value)
    follow_up.saved_at = now
    if finish:
        follow_up.submitted_at = now
    db.session.commit()
    return follow_up


def contact_state(user_id):
    """Her consent row (``None``: never answered, the programme's agreement covers follow-ups)."""
    return db.session.get(FollowUpConsent, user_id)


def consent_link(user_id):
    """Her signed link to the page where she gives or withdraws consent without signing in."""
    return absolute_url("outcomes.consent_from_link", token=make_token(CONSENT_PURPOSE, {"u": user_id}))


def user_from_consent_link(token):
    """The user a consent link belongs to, or ``LinkError`` (expired or invalid)."""
    return _row_from_link(User, CONSENT_PURPOSE, token, CONSENT_MAX_AGE, "u")


def _row_from_link(model, purpose, token, max_age, key):
    """The ``model`` row whose id a signed link carries under ``key``, or ``LinkError``
    (expired, or invalid: a bad signature, another purpose, or no such row)."""
    invalid = _l("This link is not valid. Please use the link from your message.")
    try:
        payload = read_token(purpose, token, max_age)
    except TokenError as exc:
        if exc.expired:
            raise LinkError(
                _l("This link has expired. Please ask the lab for a new one."), "expired"
            ) from None
        raise LinkError(invalid, "invalid") from None
    row = db.session.get(model, payload.get(key) if isinstance(payload, dict) else None)
    if row is None:
        raise LinkError(invalid, "invalid")
    return row


def _consent_row(user_id):
    return db.session.get(FollowUpConsent, user_id) or FollowUpConsent(
        user_id=user_id, version=CONSENT_VERSION
    )


def withdraw_contact(user_id, now=None, actor=None):
    """She asks not to be contacted again about follow-ups; nothing more is sent until
    she gives her consent again. Recorded with its time, and in the audit log."""
    row = _consent_row(user_id)
    row.withdrawn_at = now or utcnow()
    row.version = CONSENT_VERSION
    db.session.add(row)
    db.session.flush()
    record("follow_up_consent.withdrawn", row, actor=actor or user_id, version=CONSENT_VERSION)
    db.session.commit()
    return row


def grant_contact(user_id, now=None, actor=None):
    """She agrees (again) to follow-up contact: the follow-ups still due are sent again
    by the next run. Recorded with its time, and in the audit log."""
    row = _consent_row(user_id)
    row.granted_at = now or utcnow()
    row.withdrawn_at = None
    row.version = CONSENT_VERSION
    db.session.add(row)
    db.session.flush()
    record("follow_up_consent.granted", row, actor=actor or user_id, version=CONSENT_VERSION)
    db.session.commit()
    return row
