"""Deciding: shortlist, then accept, waitlist or reject, each decision emailed to the applicant."""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from wcl.accounts.permissions import ensure
from wcl.applications.models import Application, Decision
from wcl.applications.services._common import OUTCOMES, S, can_email, clean_text, fail
from wcl.applications.services.decision_templates import decision_template, fill_placeholders
from wcl.applications.services.labels import status_label
from wcl.audit.services import record
from wcl.extensions import db
from wcl.i18n import user_locale
from wcl.links import absolute_url
from wcl.mail import queue_email
from wcl.time import utcnow

NOTE_MAX = 2000
DECIDABLE = (S.SUBMITTED, S.UNDER_REVIEW, S.SHORTLISTED, S.WAITLISTED)


def decisions_for(application):
    """The application's decisions, newest first."""
    return db.session.scalars(
        db.select(Decision)
        .where(Decision.application_id == application.id)
        .options(selectinload(Decision.decided_by))
        .order_by(Decision.decided_at.desc(), Decision.id.desc())
    ).all()


def _queue_decision_email(application, outcome, note):
    user = application.applicant
    if not can_email(user):
        return
    locale = user_locale(user)
    subject, body = decision_template(outcome, locale)
    values = {
        "name": application.contact_name or user.public_name,
        "call": application.call.title(locale),
        "link": absolute_url("applications.detail", application_id=application.id),
        "note": note,
    }
    body = re.sub(r"\n{3,}", "\n\n", fill_placeholders(body, values))
    queue_email(
        user.email,
        "applications/decision",
        locale,
        subject=fill_placeholders(subject, values),
        body=body,
    )


def _load_for_update(application_ids, call_id=None):
    ids = sorted({int(i) for i in application_ids})
    stmt = db.select(Application).where(Application.id.in_(ids))
    if call_id is not None:
        stmt = stmt.where(Application.call_id == call_id)
    rows = db.session.scalars(stmt.order_by(Application.id).with_for_update()).all()
    if not ids or len(rows) != len(ids):
        fail(_l("Choose at least one application."))
    return rows


def _ensure_decidable(actor, applications, outcome):
    for application in applications:
        ensure("applications.decide", application, user=actor)
        if application.status not in DECIDABLE or application.status == outcome:
            fail(
                _l(
                    "Application #%(id)d cannot be given this decision (it is %(status)s).",
                    id=application.id,
                    status=status_label(application.status),
                )
            )


def _record_decision(actor, application, outcome, note, now):
    previous = application.status
    application.status = outcome
    application.decided_at = now
    decision = Decision(
        application_id=application.id, outcome=outcome, note=note, decided_by_id=actor.id, decided_at=now
    )
    db.session.add(decision)
    db.session.flush()
    record(
        "application.decided", application, actor=actor, old=previous, new=outcome, decision_id=decision.id
    )


def decide(actor, application_ids, outcome, note="", call_id=None):
    """Accept, waitlist or reject one or many applications, with a note.

    All or nothing: if one application cannot take this outcome, none
    changes. A waitlisted application can later be accepted (promoted).
    Decision emails are queued to go after the commit. With ``call_id``,
    every application must belong to that call (the ranked list's).
    """
    if outcome not in OUTCOMES:
        fail(_l("Choose a decision."), field="outcome")
    try:
        note = clean_text(note, NOTE_MAX, True)
    except ValueError as exc:
        fail(str(exc), field="note")
    applications = _load_for_update(application_ids, call_id)
    _ensure_decidable(actor, applications, outcome)
    now = utcnow()
    for application in applications:
        _record_decision(actor, application, outcome, note, now)
        _queue_decision_email(application, outcome, note)
    db.session.commit()
    return applications


def shortlist(actor, application_ids, call_id=None):
    """Move submitted or reviewed applications to the shortlist (all or nothing)."""
    applications = _load_for_update(application_ids, call_id)
    for application in applications:
        ensure("applications.decide", application, user=actor)
        if application.status not in (S.SUBMITTED, S.UNDER_REVIEW):
            fail(
                _l(
                    "Application #%(id)d cannot be shortlisted (it is %(status)s).",
                    id=application.id,
                    status=status_label(application.status),
                )
            )
    for application in applications:
        previous = application.status
        application.status = S.SHORTLISTED
        record("application.status_changed", application, actor=actor, old=previous, new=S.SHORTLISTED)
    db.session.commit()
    return applications
