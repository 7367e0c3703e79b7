"""Tranches: her evidence, staff confirming the condition, the release with its
disbursement (proof, who paid) and, above the limit, a second staff member's approval."""

from flask import current_app
from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.extensions import db
from wcl.grants.models import Disbursement, DisbursementMethod, GrantStatus, MovementKind, TrancheStatus
from wcl.grants.queries import milestone_approved
from wcl.grants.services._common import lock_fund, lock_tranche, move, one_line, refuse, save_document
from wcl.grants.services.notices import email_tranche_released
from wcl.time import utcnow

MAX_EVIDENCE_CHARS = 5000


def condition_holds(tranche):
    """Is the tranche's condition met: confirmed by staff, or its milestone approved for her?"""
    if tranche.status != TrancheStatus.WAITING:
        return True
    if tranche.milestone_id is not None:
        return milestone_approved(tranche.milestone_id, tranche.grant.enrolment_id)
    return False


def needs_second_approval(tranche):
    """Does releasing this tranche need a second, different staff member?"""
    return tranche.amount > current_app.config["GRANT_SECOND_APPROVAL_ABOVE"]


def submit_evidence(actor, tranche_id, text, upload=None):
    """She sends evidence that a written condition is met (text, and a photo or PDF if she has one)."""
    tranche = lock_tranche(tranche_id)
    ensure("grants.receive", tranche, user=actor)
    if tranche.grant.status != GrantStatus.ACTIVE or tranche.status != TrancheStatus.WAITING:
        refuse(_l("This tranche is not waiting for evidence."))
    if tranche.milestone_id is not None:
        refuse(_l("Send this evidence on the milestone's page of your cohort."))
    text = " ".join(str(text or "").split())
    if not text or len(text) > MAX_EVIDENCE_CHARS:
        refuse(_l("Describe what you did (at most %(max)d characters).", max=MAX_EVIDENCE_CHARS), "text")
    if upload is not None and getattr(upload, "filename", None):
        tranche.evidence_file_id = save_document(upload, actor).id
    tranche.evidence_text = text
    tranche.evidence_submitted_at = utcnow()
    record("grant_tranche.evidence", tranche, actor=actor, grant_id=tranche.grant_id)
    db.session.commit()
    return tranche


def confirm_condition(actor, tranche_id):
    """Staff confirm a tranche's condition holds: a written condition (after reading her
    evidence), or a milestone her mentor or staff approved. Refused when it does not."""
    tranche = lock_tranche(tranche_id)
    ensure("grants.manage", tranche, user=actor)
    if tranche.status != TrancheStatus.WAITING:
        refuse(_l("This condition is already confirmed."))
    if tranche.milestone_id is not None and not condition_holds(tranche):
        refuse(_l("The milestone is not approved for her yet."))
    tranche.status = TrancheStatus.APPROVED_CONDITION
    tranche.condition_confirmed_by_id = actor.id
    tranche.condition_confirmed_at = utcnow()
    record("grant_tranche.condition_confirmed", tranche, actor=actor, grant_id=tranche.grant_id)
    db.session.commit()
    return tranche


def _complete(tranche, actor, disbursement):
    """Mark the tranche released, write the ``released`` ledger line and tell her (flushes)."""
    fund = lock_fund(tranche.grant.fund_id)
    tranche.status = TrancheStatus.RELEASED
    tranche.released_at = utcnow()
    move(fund, MovementKind.RELEASED, tranche.amount, actor, grant=tranche.grant)
    record("grant_tranche.released", tranche, actor=actor, grant_id=tranche.grant_id, amount=tranche.amount)
    email_tranche_released(tranche, disbursement)


def release_tranche(actor, tranche_id, method, reference, proof):
    """Release a tranche whose condition holds: record how it was paid, the reference,
    the proof (an upload) and who paid; returns the disbursement.

    The tranche row is locked, so two staff releasing it at once make one release
    (the second is refused). Above ``GRANT_SECOND_APPROVAL_ABOVE`` the disbursement
    waits for a second, different staff member (``approve_release``).
    """
    tranche = lock_tranche(tranche_id)
    ensure("grants.manage", tranche, user=actor)
    if tranche.status == TrancheStatus.RELEASED:
        refuse(_l("This tranche has already been released."))
    if tranche.disbursement is not None:
        refuse(_l("This release is waiting for a second staff member's approval."))
    if tranche.grant.status != GrantStatus.ACTIVE:
        refuse(_l("Tranches are released only once the agreement is accepted and countersigned."))
    if not condition_holds(tranche):
        refuse(_l("This tranche's condition is not met yet."))
    if method not in DisbursementMethod.ALL:
        refuse(_l("Choose how the money was paid."), "method")
    reference = one_line(reference, 120, "reference")
    stored = save_document(proof, actor, "proof")
    disbursement = Disbursement(
        tranche_id=tranche.id,
        method=method,
        reference=reference,
        proof_file_id=stored.id,
        paid_by_id=actor.id,
    )
    db.session.add(disbursement)
    tranche.status = TrancheStatus.APPROVED_CONDITION
    db.session.flush()
    record("grant_tranche.disbursed", tranche, actor=actor, grant_id=tranche.grant_id, method=method)
    if not needs_second_approval(tranche):
        _complete(tranche, actor, disbursement)
    db.session.commit()
    return disbursement


def approve_release(actor, tranche_id):
    """The second staff member approves a release above the limit; the tranche is released.

    Refused for the staff member who recorded the disbursement, and for a tranche
    already released (the row lock makes two approvals at once one release).
    """
    tranche = lock_tranche(tranche_id)
    ensure("grants.manage", tranche, user=actor)
    if tranche.status == TrancheStatus.RELEASED:
        refuse(_l("This tranche has already been released."))
    disbursement = tranche.disbursement
    if disbursement is None:
        refuse(_l("There is no disbursement to approve yet."))
    if disbursement.paid_by_id == actor.id:
        refuse(_l("A second, different staff member must approve this release."))
    disbursement.approved_by_id = actor.id
    disbursement.approved_at = utcnow()
    _complete(tranche, actor, disbursement)
    db.session.commit()
    return disbursement
