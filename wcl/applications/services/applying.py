"""The applicant's path: a draft in four steps, submission, withdrawal.

Steps: 1 about you, 2 answers, 3 files, 4 review and submit. A draft is
saved at every step, so she can leave and continue on another day.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from wcl.accounts.permissions import ensure
from wcl.accounts.services import save_demographics
from wcl.applications.models import (
    Application,
    ApplicationAttachment,
    AttachmentKind,
    CallQuestion,
    QuestionKind,
)
from wcl.applications.services._common import S, clean_text, fail, new_draft
from wcl.applications.services._submission import (
    clean_answers,
    queue_submitted_email,
    snapshot_demographics,
    store_answers,
)
from wcl.applications.services.teams import ensure_individual_allowed, ensure_team_ready
from wcl.audit.services import record
from wcl.extensions import db
from wcl.files.services import DOCUMENT_TYPES, UploadError, delete_stored, save_upload
from wcl.time import utcnow

MAX_ATTACHMENTS = 10
STEPS = (1, 2, 3, 4)
# Not once accepted: she may already have a place in a group (an enrolment,
# which this package cannot end); the Lab team frees it with her.
WITHDRAWABLE = (S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.SHORTLISTED, S.WAITLISTED)
ACCEPTED_WITHDRAWAL = _l(
    "Your application was accepted, so it cannot be withdrawn here. If you can no longer take part, "
    "please contact the Lab team: they will free your place in the group for another woman."
)


def _ensure_own_draft(actor, application):
    # Only the applicant edits her draft: not even an admin types answers for her.
    if application.applicant_id != getattr(actor, "id", None):
        ensure("applications.edit", application, user=actor)
        fail(_l("This is not your application."))
    if application.status != S.DRAFT:
        fail(_l("This application is already submitted and cannot be changed."))


def find_application(user, call):
    """The user's application to ``call``, or ``None``."""
    return db.session.scalar(
        db.select(Application).where(Application.call_id == call.id, Application.applicant_id == user.id)
    )


def my_applications(user, page=1, per_page=20):
    """The user's own applications, newest first."""
    stmt = (
        db.select(Application)
        .where(Application.applicant_id == user.id)
        .options(selectinload(Application.call))
        .order_by(Application.created_at.desc(), Application.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def start_application(actor, call):
    """Open a draft for ``actor`` on ``call`` (or return her existing one)."""
    ensure("applications.apply", user=actor)
    existing = find_application(actor, call)
    if existing is not None:
        if existing.status == S.WITHDRAWN:
            fail(_l("You withdrew your application to this call."))
        return existing
    if not call.is_open():
        fail(_l("This call is not open for applications."))
    ensure_individual_allowed(actor, call)
    application = new_draft(actor, call)
    db.session.commit()
    return application


# --- the four steps ---------------------------------------------------------------


def step_completion(application):
    """``{step: done?}``: 1 about you, 2 answers, 3 files, 4 review (never "done")."""
    answers = application.answer_map()
    file_questions = {a.question_id for a in application.attachments if a.question_id}
    questions = application.call.questions
    about = application.last_saved_step >= 1 and bool(application.contact_name)
    answered = application.last_saved_step >= 2 and all(
        answers.get(q.id) for q in questions if q.required and q.kind != QuestionKind.FILE
    )
    files = application.last_saved_step >= 3 and all(
        q.id in file_questions for q in questions if q.required and q.kind == QuestionKind.FILE
    )
    return {1: about, 2: answered, 3: files, 4: False}


def first_incomplete_step(application):
    """Where a returning applicant continues: the first step not yet complete."""
    done = step_completion(application)
    return next(step for step in STEPS if not done[step])


def save_about(actor, application, contact_name, contact_phone, contact_locality, demographics=None):
    """Step 1: how to reach her; optionally her demographics (with consent).

    ``demographics`` is the answers dict of the accounts' demographics form,
    or ``None`` when she left those questions alone.
    """
    _ensure_own_draft(actor, application)
    try:
        name = clean_text(contact_name, 120, False)
        phone = clean_text(contact_phone, 32, False)
        locality = clean_text(contact_locality, 120, False)
    except ValueError as exc:
        fail(str(exc))
    if not name:
        fail(_l("Please tell us your name."), field="contact_name")
    application.contact_name = name
    application.contact_phone = phone or None
    application.contact_locality = locality or None
    application.last_saved_step = max(application.last_saved_step, 1)
    record("application.draft_saved", application, actor=actor, step=1)
    if demographics is not None:
        # The accounts service records its own audit entry and commits this unit.
        save_demographics(actor, demographics)
    else:
        db.session.commit()
    return application


def save_answers(actor, application, raw):
    """Step 2: save the answers typed so far (``raw`` maps question id → text).

    Required answers are checked only at submission, so a half-finished draft
    is always saved; answers of the wrong form (not a number, not an option,
    too long) refuse the whole step and nothing changes.
    """
    _ensure_own_draft(actor, application)
    cleaned, errors = clean_answers(application.call, raw)
    if errors:
        fail(_l("Please correct the answers marked below."), errors=errors)
    store_answers(application, cleaned)
    application.last_saved_step = max(application.last_saved_step, 2)
    record("application.draft_saved", application, actor=actor, step=2)
    db.session.commit()
    return application


def add_attachment(actor, application, file_storage, question_id=None):
    """Step 3: store one uploaded file (image or PDF, sniffed and cleaned)."""
    _ensure_own_draft(actor, application)
    question = None
    if question_id:
        question = db.session.get(CallQuestion, question_id)
        if question is None or question.call_id != application.call_id or question.kind != QuestionKind.FILE:
            fail(_l("Choose what this file is for."), field="question_id")
    if len(application.attachments) >= MAX_ATTACHMENTS:
        fail(_l("You can attach up to %(n)d files. Remove one first.", n=MAX_ATTACHMENTS))
    try:
        stored = save_upload(file_storage, allowed=DOCUMENT_TYPES, uploaded_by=actor)
    except UploadError as exc:
        fail(exc.message, field="file")
    attachment = ApplicationAttachment(
        stored_file=stored,
        question_id=question.id if question else None,
        kind=AttachmentKind.ANSWER if question else AttachmentKind.PORTFOLIO,
    )
    application.attachments.append(attachment)
    db.session.flush()
    record("application.file_added", application, actor=actor, attachment_id=attachment.id)
    db.session.commit()
    return attachment


def remove_attachment(actor, application, attachment_id):
    """Step 3: delete one of the draft's files."""
    _ensure_own_draft(actor, application)
    attachment = next((a for a in application.attachments if a.id == attachment_id), None)
    if attachment is None:
        fail(_l("This file is not part of your application."))
    stored = attachment.stored_file
    application.attachments.remove(attachment)
    db.session.flush()
    delete_stored(stored)
    record("application.file_removed", application, actor=actor, attachment_id=attachment_id)
    db.session.commit()


def finish_files_step(actor, application):
    """Step 3: mark the files step as seen (files themselves save on upload)."""
    _ensure_own_draft(actor, application)
    application.last_saved_step = max(application.last_saved_step, 3)
    record("application.draft_saved", application, actor=actor, step=3)
    db.session.commit()


# --- submitting and withdrawing -------------------------------------------------------


def missing_required(application):
    """Required questions without an answer (or file), in form order."""
    answers = application.answer_map()
    files = {a.question_id for a in application.attachments if a.question_id}
    missing = []
    for question in application.call.questions:
        if not question.required:
            continue
        present = question.id in files if question.kind == QuestionKind.FILE else answers.get(question.id)
        if not present:
            missing.append(question)
    return missing


def _ensure_submittable(application, now):
    """Refuse a submission that is not a complete draft inside the call's open window."""
    if application.status != S.DRAFT:
        fail(_l("This application was already submitted."))
    if now >= application.call.closes_at:
        fail(_l("The deadline for this call has passed. Applications are no longer accepted."))
    if now < application.call.opens_at:
        fail(_l("This call is not open for applications yet."))
    if not application.contact_name:
        fail(_l("Please fill in step 1: your name."))
    ensure_team_ready(application)
    missing = missing_required(application)
    if missing:
        fail(
            _l("Some required questions are not answered yet."),
            errors={q.id: str(_l("This question needs an answer.")) for q in missing},
        )


def submit_application(actor, application):
    """Submit the draft: once, before the deadline, with every required answer.

    Copies her demographics into ``snapshot_*`` and queues the confirmation email.
    """
    if application.applicant_id != getattr(actor, "id", None):
        fail(_l("This is not your application."))
    # Lock the row: two submits racing each other must not both pass the check.
    db.session.refresh(application, with_for_update=True)
    now = utcnow()
    _ensure_submittable(application, now)
    application.status = S.SUBMITTED
    application.submitted_at = now
    application.last_saved_step = 4
    snapshot_demographics(application, application.applicant)
    record("application.submitted", application, actor=actor, call_id=application.call_id)
    queue_submitted_email(application)
    db.session.commit()
    return application


def withdraw_application(actor, application):
    """The applicant takes her application back (any time before a decision;
    once accepted she is asked to contact the Lab team, who end her enrolment)."""
    ensure("applications.withdraw", application, user=actor)
    if application.applicant_id != actor.id:
        fail(_l("Only the applicant can withdraw her application."))
    if application.status == S.ACCEPTED:
        fail(ACCEPTED_WITHDRAWAL)
    if application.status not in WITHDRAWABLE:
        fail(_l("This application cannot be withdrawn now."))
    previous = application.status
    application.status = S.WITHDRAWN
    application.withdrawn_at = utcnow()
    record("application.withdrawn", application, actor=actor, previous=previous)
    db.session.commit()
    return application
