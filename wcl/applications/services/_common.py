"""What every applications service shares: the refusal, plain-text cleaning, who can be emailed."""

import unicodedata

from flask_babel import lazy_gettext as _l

from wcl.applications.errors import ApplicationError
from wcl.applications.models import ApplicantKind, Application, ApplicationStatus
from wcl.audit.services import record
from wcl.extensions import db

S = ApplicationStatus
OUTCOMES = S.OUTCOMES
# Applicants entered from a paper form without an email get an address here; it is never mailed.
PLACEHOLDER_EMAIL_DOMAIN = "paper.wcl.invalid"


def fail(message, field=None, errors=None):
    """Refuse the action: raise ``ApplicationError`` (nothing is stored then)."""
    raise ApplicationError(message, field=field, errors=errors)


def clean_text(value, max_length, multiline):
    """Plain text: NFC, no control characters, trimmed. HTML stays literal text."""
    text = unicodedata.normalize("NFC", str(value or "")).replace("\r\n", "\n").replace("\r", "\n")
    keep = "\n\t" if multiline else "\t"
    text = "".join(ch for ch in text if ch in keep or unicodedata.category(ch) != "Cc")
    if not multiline:
        text = " ".join(text.split())
    text = text.strip()
    if len(text) > max_length:
        raise ValueError(str(_l("Please keep this under %(n)d characters.", n=max_length)))
    return text


def can_email(user):
    """False for the placeholder address of a paper applicant without email."""
    return not user.email.endswith("@" + PLACEHOLDER_EMAIL_DOMAIN)


def new_draft(actor, call, organisation=None):
    """A new draft application by ``actor`` on ``call`` (for ``organisation`` when one is given),
    her name and phone as its contact; added, flushed and audited as started (flush only)."""
    application = Application(call=call, applicant_id=actor.id, status=S.DRAFT)
    application.contact_name, application.contact_phone = actor.full_name, actor.phone
    details = {}
    if organisation is not None:
        application.applicant_kind, application.organisation_id = ApplicantKind.ORGANISATION, organisation.id
        details = {"kind": ApplicantKind.ORGANISATION, "organisation_id": organisation.id}
    db.session.add(application)
    db.session.flush()
    record("application.started", application, actor=actor, call_id=call.id, **details)
    return application
