"""Milestones: staff set them, participants hand in evidence, mentors review it."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.cohorts.models import (
    EnrolmentStatus,
    Milestone,
    MilestoneProgress,
    MilestoneStatus,
    MilestoneTranslation,
)
from wcl.cohorts.services._common import in_language, refuse, save_dated_item, save_document
from wcl.extensions import db
from wcl.files.services import delete_stored
from wcl.time import utcnow


def save_milestone(actor, cohort, data, milestone=None):
    """Create (or change) a milestone of the cohort; ``translations`` (optional) are
    ``{locale: {"title", "description"}}`` in the cohort's other languages."""
    ensure("cohorts.manage", cohort, user=actor)
    if milestone is not None and milestone.cohort_id != cohort.id:
        refuse(_l("This milestone belongs to another cohort."))
    created = milestone is None
    if created:
        last = db.session.scalar(
            db.select(func.max(Milestone.position)).where(Milestone.cohort_id == cohort.id)
        )
        milestone = Milestone(cohort_id=cohort.id, position=(last or 0) + 1)
    milestone.due_on = data.get("due_on")
    milestone.required = bool(data.get("required"))
    event = "milestone.created" if created else "milestone.updated"
    save_dated_item(actor, milestone, cohort, data, MilestoneTranslation, event)
    db.session.commit()
    return milestone


def milestones_of(cohort, locale=None):
    """The cohort's milestones in order, with their translation into ``locale``."""
    return (
        db.session.scalars(
            db.select(Milestone)
            .where(Milestone.cohort_id == cohort.id)
            .options(*in_language(Milestone.translations, MilestoneTranslation, locale))
            .order_by(Milestone.position, Milestone.id)
        )
        .unique()
        .all()
    )


def submit_evidence(actor, enrolment, milestone_id, text, upload=None):
    """The participant hands in her work for a milestone: text and/or a photo or
    file (checked like application attachments). A resubmission replaces the
    previous evidence; approved work is final."""
    ensure("cohorts.participate", enrolment, user=actor)
    if enrolment.status != EnrolmentStatus.ACTIVE:
        refuse(_l("This enrolment is closed."))
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or milestone.cohort_id != enrolment.cohort_id:
        refuse(_l("This milestone is not part of your cohort."))
    text = (text or "").strip()
    has_file = upload is not None and getattr(upload, "filename", "")
    progress = db.session.scalar(
        db.select(MilestoneProgress).where(
            MilestoneProgress.milestone_id == milestone.id, MilestoneProgress.enrolment_id == enrolment.id
        )
    )
    if progress is not None and progress.status == MilestoneStatus.APPROVED:
        refuse(_l("This milestone is already approved."))
    if not text and not has_file and not (progress and progress.evidence_file_id):
        refuse(_l("Describe your work or add a photo or file."), field="text")
    stored = save_document(upload, actor) if has_file else None
    if progress is None:
        progress = MilestoneProgress(milestone_id=milestone.id, enrolment_id=enrolment.id)
        db.session.add(progress)
    old_file = progress.evidence_file if stored is not None else None
    progress.evidence_text = text or None
    if stored is not None:
        progress.evidence_file_id = stored.id
    progress.status = MilestoneStatus.SUBMITTED
    progress.submitted_at = utcnow()
    progress.reviewed_at = progress.reviewed_by_id = None
    db.session.flush()
    if old_file is not None:
        delete_stored(old_file)
    record("milestone.submitted", progress, actor=actor, milestone_id=milestone.id, enrolment_id=enrolment.id)
    db.session.commit()
    return progress


def review_evidence(actor, progress, decision, note=None):
    """The mentor (or staff) approves submitted work or asks for changes."""
    ensure("cohorts.review", progress, user=actor)
    if decision not in (MilestoneStatus.APPROVED, MilestoneStatus.NEEDS_CHANGES):
        refuse(_l("Choose approve or ask for changes."))
    if progress.status != MilestoneStatus.SUBMITTED:
        refuse(_l("Only submitted work can be reviewed."))
    if decision == MilestoneStatus.NEEDS_CHANGES and not (note or "").strip():
        refuse(_l("Say what should change."), field="note")
    progress.status = decision
    progress.review_note = (note or "").strip() or None
    progress.reviewed_at = utcnow()
    progress.reviewed_by_id = actor.id
    record("milestone.reviewed", progress, actor=actor, decision=decision)
    db.session.commit()
    return progress
