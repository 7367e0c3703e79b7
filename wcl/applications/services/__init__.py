"""Calls, applications, reviews and decisions.

Each public function is one unit of work: it checks who may act, validates,
changes, records an audit entry and commits once at its end. Refusals raise
``ApplicationError`` with a translated message; nothing is stored then.
Other domains call these functions, never the views.
"""

import csv
import io
import re
import secrets
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from wcl.accounts.models import User, UserRole
from wcl.accounts.permissions import Role, can, ensure, has_role, in_lab_scope, is_admin
from wcl.applications.errors import ApplicationError  # noqa: F401  (services.ApplicationError is the public name)
from wcl.applications.models import (
    LOCALES,
    Application,
    ApplicationAnswer,
    ApplicationAttachment,
    ApplicationStatus,
    AssignmentStatus,
    AttachmentKind,
    Call,
    CallQuestion,
    Decision,
    DecisionTemplate,
    QuestionKind,
    Review,
    ReviewAssignment,
    ReviewScore,
    RubricCriterion,
)
from wcl.audit.services import record
from wcl.extensions import db
from wcl.files.services import DOCUMENT_TYPES, UploadError, delete_stored, save_upload
from wcl.links import absolute_url
from wcl.mail import queue_email
from wcl.spreadsheets import safe_cell
from wcl.time import utcnow

S = ApplicationStatus
SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 6000
COMMENT_MAX = 6000
NOTE_MAX = 2000
MAX_ATTACHMENTS = 10
SPREAD_FLAG = 30.0  # points on the 0–100 scale: 30% of the range
STEPS = (1, 2, 3, 4)
PLACEHOLDER_EMAIL_DOMAIN = "paper.wcl.invalid"
WITHDRAWABLE = (S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.SHORTLISTED, S.WAITLISTED, S.ACCEPTED)
DECIDABLE = (S.SUBMITTED, S.UNDER_REVIEW, S.SHORTLISTED, S.WAITLISTED)


def _fail(message, field=None, errors=None):
    raise ApplicationError(message, field=field, errors=errors)


def _locale(user):
    locale = getattr(user, "locale", None)
    return locale if locale in LOCALES else "en"


def _clean_text(value, max_length, multiline):
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


# --- calls --------------------------------------------------------------------


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


def calls_for_staff(user, page=1, per_page=20):
    """Calls the staff member may manage (her lab, or all), newest first."""
    stmt = db.select(Call).options(selectinload(Call.lab)).order_by(Call.opens_at.desc(), Call.id.desc())
    if not is_admin(user) and user.lab_id is not None:
        stmt = stmt.where(Call.lab_id == user.lab_id)
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


CALL_TEXT_FIELDS = tuple(
    f"{stem}_{loc}" for stem in ("title", "description", "eligibility") for loc in LOCALES
)


def _call_values(data):
    """Validated column values of the call form; raises before anything changes."""
    from wcl.labs.models import Lab

    values = {}
    for name in CALL_TEXT_FIELDS:
        try:
            values[name] = _clean_text(data.get(name), 200 if name.startswith("title") else 20000, True)
        except ValueError as exc:
            _fail(str(exc), field=name)
    if not values["title_en"]:
        _fail(_l("Enter a title in English."), field="title_en")
    if db.session.get(Lab, data.get("lab_id")) is None:
        _fail(_l("Choose a lab."), field="lab_id")
    if data["closes_at"] <= data["opens_at"]:
        _fail(_l("The closing time must be after the opening time."), field="closes_at")
    if not 1 <= int(data["reviews_required"]) <= 10:
        _fail(_l("Choose between 1 and 10 reviews."), field="reviews_required")
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


def _parse_options(data):
    lines = {loc: [s.strip() for s in (data.get(f"options_{loc}") or "").splitlines()] for loc in LOCALES}
    english = [s for s in lines["en"] if s]
    if len(english) < 2:
        _fail(_l("A choice question needs at least two options, one per line."), field="options_en")
    if len(set(english)) != len(english):
        _fail(_l("Each option must be different."), field="options_en")
    options = []
    for i, en in enumerate(english):
        option = {"en": en[:200]}
        for loc in ("ru", "ky"):
            translated = [s for s in lines[loc] if s]
            option[loc] = translated[i][:200] if i < len(translated) else ""
        options.append(option)
    return options


def _question_values(data):
    if data.get("kind") not in QuestionKind.ALL:
        _fail(_l("Choose a type of question."), field="kind")
    values = {"kind": data["kind"], "required": bool(data.get("required"))}
    for loc in LOCALES:
        try:
            values[f"label_{loc}"] = _clean_text(data.get(f"label_{loc}"), 300, False)
        except ValueError as exc:
            _fail(str(exc), field=f"label_{loc}")
    if not values["label_en"]:
        _fail(_l("Enter the question in English."), field="label_en")
    values["options"] = _parse_options(data) if values["kind"] == QuestionKind.CHOICE else []
    return values


def add_question(actor, call, data):
    """Append a question to the call."""
    ensure("calls.manage", call, user=actor)
    question = CallQuestion(position=len(call.questions), **_question_values(data))
    call.questions.append(question)
    db.session.flush()
    record("call.question_added", call, actor=actor, question_id=question.id)
    db.session.commit()
    return question


def update_question(actor, question, data):
    """Edit a question's text, type, options and required flag."""
    ensure("calls.manage", question.call, user=actor)
    values = _question_values(data)
    if values["kind"] != question.kind and _question_has_answers(question):
        _fail(_l("Applicants have already answered this question: its type cannot change."), field="kind")
    for name, value in values.items():
        setattr(question, name, value)
    record("call.question_updated", question.call, actor=actor, question_id=question.id)
    db.session.commit()
    return question


def _question_has_answers(question):
    answers = db.session.scalar(
        db.select(func.count(ApplicationAnswer.id)).where(ApplicationAnswer.question_id == question.id)
    )
    files = db.session.scalar(
        db.select(func.count(ApplicationAttachment.id)).where(
            ApplicationAttachment.question_id == question.id
        )
    )
    return bool(answers or files)


def delete_question(actor, question):
    """Remove a question nobody has answered yet."""
    call = question.call
    ensure("calls.manage", call, user=actor)
    if _question_has_answers(question):
        _fail(_l("Applicants have already answered this question: it cannot be deleted."))
    qid = question.id
    call.questions.remove(question)
    for position, other in enumerate(call.questions):
        other.position = position
    record("call.question_deleted", call, actor=actor, question_id=qid)
    db.session.commit()


def move_question(actor, question, offset):
    """Move a question up (-1) or down (+1) in the form."""
    call = question.call
    ensure("calls.manage", call, user=actor)
    items = list(call.questions)
    i = items.index(question)
    j = i + offset
    if 0 <= j < len(items):
        items[i], items[j] = items[j], items[i]
        for position, item in enumerate(items):
            item.position = position
        record("call.question_moved", call, actor=actor, question_id=question.id, position=j)
        db.session.commit()


def _criterion_has_scores(criterion):
    return bool(
        db.session.scalar(
            db.select(func.count(ReviewScore.id)).where(ReviewScore.criterion_id == criterion.id)
        )
    )


def _criterion_values(data, criterion=None):
    values = {}
    for loc in LOCALES:
        try:
            values[f"label_{loc}"] = _clean_text(data.get(f"label_{loc}"), 200, False)
        except ValueError as exc:
            _fail(str(exc), field=f"label_{loc}")
    if not values["label_en"]:
        _fail(_l("Enter the criterion in English."), field="label_en")
    weight, low, high = int(data["weight"]), int(data["min_score"]), int(data["max_score"])
    if not 1 <= weight <= 100:
        _fail(_l("The weight must be between 1 and 100."), field="weight")
    if high <= low:
        _fail(_l("The highest score must be above the lowest."), field="max_score")
    changed_range = criterion is not None and (low, high) != (criterion.min_score, criterion.max_score)
    if changed_range and _criterion_has_scores(criterion):
        _fail(_l("Reviewers have already scored this criterion: its range cannot change."), field="min_score")
    values.update(weight=weight, min_score=low, max_score=high)
    return values


def add_criterion(actor, call, data):
    """Append a rubric criterion to the call."""
    ensure("calls.manage", call, user=actor)
    criterion = RubricCriterion(position=len(call.criteria), **_criterion_values(data))
    call.criteria.append(criterion)
    db.session.flush()
    record("call.criterion_added", call, actor=actor, criterion_id=criterion.id)
    db.session.commit()
    return criterion


def update_criterion(actor, criterion, data):
    """Edit a criterion's labels and weight (its range only while unscored)."""
    ensure("calls.manage", criterion.call, user=actor)
    for name, value in _criterion_values(data, criterion).items():
        setattr(criterion, name, value)
    record("call.criterion_updated", criterion.call, actor=actor, criterion_id=criterion.id)
    db.session.commit()
    return criterion


def delete_criterion(actor, criterion):
    """Remove a criterion no reviewer has scored yet."""
    call = criterion.call
    ensure("calls.manage", call, user=actor)
    if _criterion_has_scores(criterion):
        _fail(_l("Reviewers have already scored this criterion: it cannot be deleted."))
    cid = criterion.id
    call.criteria.remove(criterion)
    for position, other in enumerate(call.criteria):
        other.position = position
    record("call.criterion_deleted", call, actor=actor, criterion_id=cid)
    db.session.commit()


# --- applying -----------------------------------------------------------------


def _ensure_own_draft(user, application):
    # Only the applicant edits her draft: not even an admin types answers for her.
    if application.applicant_id != getattr(user, "id", None):
        ensure("applications.edit", application, user=user)
        _fail(_l("This is not your application."))
    if application.status != S.DRAFT:
        _fail(_l("This application is already submitted and cannot be changed."))


def find_application(user, call):
    """The user's application to ``call``, or ``None``."""
    return db.session.scalar(
        db.select(Application).where(Application.call_id == call.id, Application.applicant_id == user.id)
    )


def start_application(user, call):
    """Open a draft for ``user`` on ``call`` (or return her existing one)."""
    ensure("applications.apply", user=user)
    existing = find_application(user, call)
    if existing is not None:
        if existing.status == S.WITHDRAWN:
            _fail(_l("You withdrew your application to this call."))
        return existing
    if not call.is_open():
        _fail(_l("This call is not open for applications."))
    application = Application(
        call=call,
        applicant_id=user.id,
        status=S.DRAFT,
        contact_name=user.full_name,
        contact_phone=user.phone,
    )
    db.session.add(application)
    db.session.flush()
    record("application.started", application, actor=user, call_id=call.id)
    db.session.commit()
    return application


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


def save_about(user, application, contact_name, contact_phone, contact_locality, demographics=None):
    """Step 1: how to reach her; optionally her demographics (with consent).

    ``demographics`` is the answers dict of the accounts' demographics form,
    or ``None`` when she left those questions alone.
    """
    _ensure_own_draft(user, application)
    try:
        name = _clean_text(contact_name, 120, False)
        phone = _clean_text(contact_phone, 32, False)
        locality = _clean_text(contact_locality, 120, False)
    except ValueError as exc:
        _fail(str(exc))
    if not name:
        _fail(_l("Please tell us your name."), field="contact_name")
    application.contact_name = name
    application.contact_phone = phone or None
    application.contact_locality = locality or None
    application.last_saved_step = max(application.last_saved_step, 1)
    record("application.draft_saved", application, actor=user, step=1)
    if demographics is not None:
        from wcl.accounts.services import save_demographics

        # The accounts service records its own audit entry and commits this unit.
        save_demographics(user, demographics)
    else:
        db.session.commit()
    return application


def _clean_answer(question, raw):
    """The stored form of one answer ('' when empty); raises ``ValueError``."""
    if question.kind == QuestionKind.SHORT_TEXT:
        return _clean_text(raw, SHORT_TEXT_MAX, False)
    if question.kind == QuestionKind.LONG_TEXT:
        return _clean_text(raw, LONG_TEXT_MAX, True)
    text = _clean_text(raw, 100, False)
    if not text:
        return ""
    if question.kind == QuestionKind.CHOICE:
        if text not in {value for value, _label in question.option_labels()}:
            raise ValueError(str(_l("Choose one of the options.")))
        return text
    if question.kind == QuestionKind.NUMBER:
        try:
            number = Decimal(text.replace(" ", "").replace("\u00a0", "").replace(",", "."))
        except InvalidOperation:
            raise ValueError(str(_l("Enter a number, like 12 or 3.5."))) from None
        if not number.is_finite() or abs(number) >= Decimal(10) ** 12:
            raise ValueError(str(_l("Enter a number, like 12 or 3.5.")))
        return format(number.normalize(), "f")
    return ""


def _clean_answers(call, raw):
    """``({question_id: value}, {question_id: error})`` for the non-file questions."""
    cleaned, errors = {}, {}
    for question in call.questions:
        if question.kind == QuestionKind.FILE:
            continue
        try:
            cleaned[question.id] = _clean_answer(question, raw.get(question.id, ""))
        except ValueError as exc:
            errors[question.id] = str(exc)
    return cleaned, errors


def _store_answers(application, cleaned):
    existing = {a.question_id: a for a in application.answers}
    for question_id, value in cleaned.items():
        row = existing.get(question_id)
        if value and row is None:
            application.answers.append(ApplicationAnswer(question_id=question_id, value=value))
        elif value:
            row.value = value
        elif row is not None:
            application.answers.remove(row)


def save_answers(user, application, raw):
    """Step 2: save the answers typed so far (``raw`` maps question id → text).

    Required answers are checked only at submission, so a half-finished draft
    is always saved; answers of the wrong form (not a number, not an option,
    too long) refuse the whole step and nothing changes.
    """
    _ensure_own_draft(user, application)
    cleaned, errors = _clean_answers(application.call, raw)
    if errors:
        _fail(_l("Please correct the answers marked below."), errors=errors)
    _store_answers(application, cleaned)
    application.last_saved_step = max(application.last_saved_step, 2)
    record("application.draft_saved", application, actor=user, step=2)
    db.session.commit()
    return application


def add_attachment(user, application, file_storage, question_id=None):
    """Step 3: store one uploaded file (image or PDF, sniffed and cleaned)."""
    _ensure_own_draft(user, application)
    question = None
    if question_id:
        question = db.session.get(CallQuestion, question_id)
        if question is None or question.call_id != application.call_id or question.kind != QuestionKind.FILE:
            _fail(_l("Choose what this file is for."), field="question_id")
    if len(application.attachments) >= MAX_ATTACHMENTS:
        _fail(_l("You can attach up to %(n)d files. Remove one first.", n=MAX_ATTACHMENTS))
    try:
        stored = save_upload(file_storage, allowed=DOCUMENT_TYPES, uploaded_by=user)
    except UploadError as exc:
        _fail(exc.message, field="file")
    attachment = ApplicationAttachment(
        stored_file=stored,
        question_id=question.id if question else None,
        kind=AttachmentKind.ANSWER if question else AttachmentKind.PORTFOLIO,
    )
    application.attachments.append(attachment)
    db.session.flush()
    record("application.file_added", application, actor=user, attachment_id=attachment.id)
    db.session.commit()
    return attachment


def remove_attachment(user, application, attachment_id):
    """Step 3: delete one of the draft's files."""
    _ensure_own_draft(user, application)
    attachment = next((a for a in application.attachments if a.id == attachment_id), None)
    if attachment is None:
        _fail(_l("This file is not part of your application."))
    stored = attachment.stored_file
    application.attachments.remove(attachment)
    db.session.flush()
    delete_stored(stored)
    record("application.file_removed", application, actor=user, attachment_id=attachment_id)
    db.session.commit()


def finish_files_step(user, application):
    """Step 3: mark the files step as seen (files themselves save on upload)."""
    _ensure_own_draft(user, application)
    application.last_saved_step = max(application.last_saved_step, 3)
    record("application.draft_saved", application, actor=user, step=3)
    db.session.commit()


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


def _snapshot_demographics(application, user):
    """Copy her answers as they are now: reports count "applied" by these."""
    answers = user.demographics
    application.snapshot_gender = answers.gender if answers else None
    application.snapshot_birth_year = answers.birth_year if answers else None
    application.snapshot_region = answers.region if answers else None
    application.snapshot_settlement = answers.settlement if answers else None
    application.snapshot_creative_domain = answers.creative_domain if answers else None
    application.snapshot_disability = answers.has_disability if answers else None


def _can_email(user):
    return not user.email.endswith("@" + PLACEHOLDER_EMAIL_DOMAIN)


def _queue_submitted_email(application):
    user = application.applicant
    if not _can_email(user):
        return
    locale = _locale(user)
    queue_email(
        user.email,
        "applications/submitted",
        locale,
        name=application.contact_name or user.public_name,
        call_title=application.call.title(locale),
        reference=application.id,
        link=absolute_url("applications.detail", application_id=application.id),
    )


def _queue_review_request_emails(call, reviewer_ids):
    """Tell each reviewer how many applications of ``call`` she was just given.

    One email per reviewer, however many were assigned at once; it names the
    call only (never an applicant, so a blind review stays blind).
    """
    for reviewer_id, count in Counter(reviewer_ids).items():
        reviewer = db.session.get(User, reviewer_id)
        if reviewer is None or not _can_email(reviewer):
            continue
        locale = _locale(reviewer)
        queue_email(
            reviewer.email,
            "applications/review_assigned",
            locale,
            name=reviewer.public_name,
            call_title=call.title(locale),
            count=count,
            link=absolute_url("applications.my_reviews"),
        )


def submit_application(user, application):
    """Submit the draft: once, before the deadline, with every required answer.

    Copies her demographics into ``snapshot_*`` and queues the confirmation email.
    """
    if application.applicant_id != getattr(user, "id", None):
        _fail(_l("This is not your application."))
    # Lock the row: two submits racing each other must not both pass the check.
    db.session.refresh(application, with_for_update=True)
    if application.status != S.DRAFT:
        _fail(_l("This application was already submitted."))
    now = utcnow()
    if now >= application.call.closes_at:
        _fail(_l("The deadline for this call has passed. Applications are no longer accepted."))
    if now < application.call.opens_at:
        _fail(_l("This call is not open for applications yet."))
    if not application.contact_name:
        _fail(_l("Please fill in step 1: your name."))
    missing = missing_required(application)
    if missing:
        _fail(
            _l("Some required questions are not answered yet."),
            errors={q.id: str(_l("This question needs an answer.")) for q in missing},
        )
    application.status = S.SUBMITTED
    application.submitted_at = now
    application.last_saved_step = 4
    _snapshot_demographics(application, application.applicant)
    record("application.submitted", application, actor=user, call_id=application.call_id)
    _queue_submitted_email(application)
    db.session.commit()
    return application


def withdraw_application(user, application):
    """The applicant takes her application back (any time before a rejection)."""
    ensure("applications.withdraw", application, user=user)
    if application.applicant_id != user.id:
        _fail(_l("Only the applicant can withdraw her application."))
    if application.status not in WITHDRAWABLE:
        _fail(_l("This application cannot be withdrawn now."))
    previous = application.status
    application.status = S.WITHDRAWN
    application.withdrawn_at = utcnow()
    record("application.withdrawn", application, actor=user, previous=previous)
    db.session.commit()
    return application


def my_applications(user, page=1, per_page=20):
    """The user's own applications, newest first."""
    stmt = (
        db.select(Application)
        .where(Application.applicant_id == user.id)
        .options(selectinload(Application.call))
        .order_by(Application.created_at.desc(), Application.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


# --- paper applications -----------------------------------------------------


def _placeholder_email():
    return f"paper-{secrets.token_hex(8)}@{PLACEHOLDER_EMAIL_DOMAIN}"


def _paper_applicant(actor, full_name, email, phone):
    """The applicant's account: found by email, or created without a usable password.

    A woman without email gets a placeholder address (``.invalid``, never
    mailed); with an email she can later set a password with "forgot password".
    """
    from wcl.accounts.passwords import hash_password
    from wcl.accounts.services import get_user_by_email, normalise_email

    email = normalise_email(email)
    if email:
        user = get_user_by_email(email)
        if user is not None:
            return user
    user = User(
        email=email or _placeholder_email(),
        password_hash=hash_password(secrets.token_urlsafe(32)),
        full_name=full_name,
        phone=phone or None,
        lab_id=None,
    )
    user.roles = [UserRole(role=str(Role.APPLICANT), granted_by_id=actor.id)]
    db.session.add(user)
    db.session.flush()
    record("user.created", user, actor=actor, via="paper_application")
    return user


def enter_paper_application(actor, call, data, scan, raw_answers):
    """Staff type in a paper application, with the scanned form and consent.

    ``data`` holds full_name, email, phone, locality and consent. The
    application is stored as submitted, records who entered it and when, and
    keeps the scan as a ``paper_scan`` attachment. Paper forms collected
    before the deadline may be typed in after it; required answers are not
    enforced (the scan is the record of what she wrote).
    """
    ensure("applications.enter_paper", call, user=actor)
    if not data.get("consent"):
        _fail(
            _l("Tick the box to confirm that the applicant signed the consent on the form."), field="consent"
        )
    try:
        full_name = _clean_text(data.get("full_name"), 120, False)
        phone = _clean_text(data.get("phone"), 32, False)
        locality = _clean_text(data.get("locality"), 120, False)
    except ValueError as exc:
        _fail(str(exc))
    if not full_name:
        _fail(_l("Enter the applicant's name."), field="full_name")
    cleaned, errors = _clean_answers(call, raw_answers)
    if errors:
        _fail(_l("Please correct the answers marked below."), errors=errors)
    with db.session.no_autoflush:
        user = _paper_applicant(actor, full_name, data.get("email"), phone)
        if find_application(user, call) is not None:
            _fail(_l("This person has already applied to this call."), field="email")
        try:
            stored = save_upload(scan, allowed=DOCUMENT_TYPES, uploaded_by=actor)
        except UploadError as exc:
            _fail(exc.message, field="scan")
    now = utcnow()
    application = Application(
        call=call,
        applicant_id=user.id,
        status=S.SUBMITTED,
        submitted_at=now,
        contact_name=full_name,
        contact_phone=phone or None,
        contact_locality=locality or None,
        last_saved_step=4,
        entered_by_id=actor.id,
        entered_at=now,
        paper_consent=True,
    )
    db.session.add(application)
    db.session.flush()
    _store_answers(application, cleaned)
    application.attachments.append(ApplicationAttachment(stored_file=stored, kind=AttachmentKind.PAPER_SCAN))
    _snapshot_demographics(application, user)
    record("application.paper_entered", application, actor=actor, call_id=call.id, applicant_id=user.id)
    _queue_submitted_email(application)
    db.session.commit()
    return application


# --- who sees what ------------------------------------------------------------


def is_active_reviewer(user_id, application_id):
    """True if the user is assigned to the application and has no conflict."""
    return (
        db.session.scalar(
            db.select(ReviewAssignment.id).where(
                ReviewAssignment.application_id == application_id,
                ReviewAssignment.reviewer_id == user_id,
                ReviewAssignment.status.in_(AssignmentStatus.ACTIVE),
            )
        )
        is not None
    )


def viewer_role(user, application):
    """How ``user`` sees the application: "owner", "staff", "reviewer" or ``None``."""
    if application.applicant_id == getattr(user, "id", None):
        return "owner"
    if is_admin(user) or (
        has_role(user, Role.STAFF) and can("applications.view_all", application.call, user)
    ):
        return "staff"
    if can("applications.review", application, user=user) and has_role(user, Role.REVIEWER):
        return "reviewer"
    return None


def is_blind_for(user, application):
    """Blind first pass: a reviewer sees no identity until the shortlist."""
    return (
        application.call.blind_review
        and viewer_role(user, application) == "reviewer"
        and application.status in (S.SUBMITTED, S.UNDER_REVIEW)
    )


def get_attachment(application, attachment_id):
    """The application's attachment ``attachment_id``, or ``None``."""
    return next((a for a in application.attachments if a.id == attachment_id), None)


# --- reviewers ------------------------------------------------------------------


def eligible_reviewers(call):
    """Active reviewers whose lab scope covers the call, by name."""
    users = db.session.scalars(
        db.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == str(Role.REVIEWER), User.is_active_account.is_(True))
        .order_by(User.full_name, User.id)
    ).all()
    return [u for u in users if in_lab_scope(u, call.lab_id)]


def assignments_for(application):
    """The application's review assignments, oldest first."""
    return db.session.scalars(
        db.select(ReviewAssignment)
        .where(ReviewAssignment.application_id == application.id)
        .options(selectinload(ReviewAssignment.reviewer))
        .order_by(ReviewAssignment.id)
    ).all()


def _call_loads(call_id):
    """``{reviewer_id: active assignments in the call}``."""
    rows = db.session.execute(
        db.select(ReviewAssignment.reviewer_id, func.count(ReviewAssignment.id))
        .join(Application, Application.id == ReviewAssignment.application_id)
        .where(Application.call_id == call_id, ReviewAssignment.status.in_(AssignmentStatus.ACTIVE))
        .group_by(ReviewAssignment.reviewer_id)
    )
    return dict(rows.all())


def _new_assignment(application, reviewer_id, actor):
    assignment = ReviewAssignment(
        application_id=application.id, reviewer_id=reviewer_id, assigned_by_id=getattr(actor, "id", None)
    )
    db.session.add(assignment)
    db.session.flush()
    record("review.assigned", application, actor=actor, reviewer_id=reviewer_id, assignment_id=assignment.id)
    if application.status == S.SUBMITTED:
        application.status = S.UNDER_REVIEW
        record("application.status_changed", application, actor=actor, old=S.SUBMITTED, new=S.UNDER_REVIEW)
    return assignment


def assign_reviewer(actor, application, reviewer):
    """Staff assign one reviewer by hand."""
    ensure("applications.assign_reviewers", application, user=actor)
    if application.status not in S.IN_REVIEW:
        _fail(_l("Only submitted applications that are not decided yet can be reviewed."))
    if reviewer is None or reviewer not in eligible_reviewers(application.call):
        _fail(_l("Choose a reviewer."), field="reviewer_id")
    if reviewer.id == application.applicant_id:
        _fail(_l("Nobody can review her own application."), field="reviewer_id")
    existing = db.session.scalar(
        db.select(ReviewAssignment).where(
            ReviewAssignment.application_id == application.id, ReviewAssignment.reviewer_id == reviewer.id
        )
    )
    if existing is not None:
        if existing.status == AssignmentStatus.CONFLICT:
            _fail(
                _l("This reviewer declared a conflict of interest on this application."), field="reviewer_id"
            )
        _fail(_l("This reviewer is already assigned."), field="reviewer_id")
    assignment = _new_assignment(application, reviewer.id, actor)
    _queue_review_request_emails(application.call, [reviewer.id])
    db.session.commit()
    return assignment


@dataclass
class AutoAssignResult:
    created: int = 0
    short: list = field(default_factory=list)  # application ids still missing reviewers


def _pick_reviewers(application, pool, loads, taken, how_many):
    """The ``how_many`` least-loaded reviewers of ``pool`` not yet on the application."""
    candidates = [u for u in pool if u.id not in taken and u.id != application.applicant_id]
    candidates.sort(key=lambda u: (loads.get(u.id, 0), u.id))
    return candidates[:how_many]


def auto_assign(actor, call):
    """Give every undecided application of ``call`` its required reviewers.

    Each pick is the least-loaded eligible reviewer (fewest active assignments
    in this call), so loads never differ by more than one when every reviewer
    is eligible for every application. Conflicted reviewers are never reused.
    """
    ensure("applications.assign_reviewers", call, user=actor)
    pool = eligible_reviewers(call)
    if not pool:
        _fail(_l("There are no reviewers for this lab yet."))
    loads = _call_loads(call.id)
    applications = db.session.scalars(
        db.select(Application)
        .where(Application.call_id == call.id, Application.status.in_(S.IN_REVIEW))
        .order_by(Application.submitted_at, Application.id)
    ).all()
    existing = {}
    for row in db.session.scalars(
        db.select(ReviewAssignment).where(ReviewAssignment.application_id.in_([a.id for a in applications]))
    ):
        existing.setdefault(row.application_id, []).append(row)
    result = AutoAssignResult()
    assigned_to = []
    for application in applications:
        rows = existing.get(application.id, [])
        active = sum(1 for r in rows if r.status in AssignmentStatus.ACTIVE)
        need = call.reviews_required - active
        if need <= 0:
            continue
        picks = _pick_reviewers(application, pool, loads, {r.reviewer_id for r in rows}, need)
        for reviewer in picks:
            _new_assignment(application, reviewer.id, actor)
            assigned_to.append(reviewer.id)
            loads[reviewer.id] = loads.get(reviewer.id, 0) + 1
            result.created += 1
        if len(picks) < need:
            result.short.append(application.id)
    record("call.reviewers_auto_assigned", call, actor=actor, created=result.created, short=len(result.short))
    _queue_review_request_emails(call, assigned_to)
    db.session.commit()
    return result


def declare_conflict(reviewer, application):
    """The reviewer excuses herself; the least-loaded eligible reviewer replaces her.

    Returns the replacement ``User`` or ``None`` when nobody is free.
    """
    assignment = db.session.scalar(
        db.select(ReviewAssignment).where(
            ReviewAssignment.application_id == application.id, ReviewAssignment.reviewer_id == reviewer.id
        )
    )
    if assignment is None:
        _fail(_l("You are not assigned to this application."))
    if assignment.status == AssignmentStatus.CONFLICT:
        _fail(_l("You have already declared a conflict of interest on this application."))
    if assignment.status == AssignmentStatus.DONE:
        _fail(_l("You have already reviewed this application. Please tell the Lab staff about the conflict."))
    assignment.status = AssignmentStatus.CONFLICT
    assignment.conflict_declared_at = utcnow()
    record("review.conflict_declared", application, actor=reviewer, assignment_id=assignment.id)
    replacement = None
    if application.status in S.IN_REVIEW:
        taken = set(
            db.session.scalars(
                db.select(ReviewAssignment.reviewer_id).where(
                    ReviewAssignment.application_id == application.id
                )
            )
        )
        picks = _pick_reviewers(
            application, eligible_reviewers(application.call), _call_loads(application.call_id), taken, 1
        )
        if picks:
            replacement = picks[0]
            _new_assignment(application, replacement.id, None)
            record("review.replaced", application, replaced=reviewer.id, reviewer_id=replacement.id)
            _queue_review_request_emails(application.call, [replacement.id])
    db.session.commit()
    return replacement


def reviewer_assignments(user, page=1, per_page=20):
    """The reviewer's assignments (to do first), with their applications."""
    order = db.case((ReviewAssignment.status == AssignmentStatus.ASSIGNED, 0), else_=1)
    stmt = (
        db.select(ReviewAssignment)
        .where(ReviewAssignment.reviewer_id == user.id)
        .options(selectinload(ReviewAssignment.application).selectinload(Application.call))
        .order_by(order, ReviewAssignment.assigned_at.desc(), ReviewAssignment.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def review_by(user, application):
    """The user's review of the application, or ``None``."""
    return db.session.scalar(
        db.select(Review).where(Review.application_id == application.id, Review.reviewer_id == user.id)
    )


def save_review(reviewer, application, scores, comment):
    """Save the reviewer's scores (``{criterion_id: value}``) and comment.

    Refused unless she is assigned without a conflict, the application is
    still undecided, and every criterion has a whole-number score in range.
    """
    assignment = db.session.scalar(
        db.select(ReviewAssignment).where(
            ReviewAssignment.application_id == application.id, ReviewAssignment.reviewer_id == reviewer.id
        )
    )
    if assignment is None:
        _fail(_l("You are not assigned to this application."))
    if assignment.status == AssignmentStatus.CONFLICT:
        _fail(_l("You declared a conflict of interest on this application, so you cannot score it."))
    if application.status not in S.IN_REVIEW:
        _fail(_l("This application is no longer under review."))
    criteria = application.call.criteria
    if not criteria:
        _fail(_l("This call has no scoring criteria yet."))
    values, errors = {}, {}
    for criterion in criteria:
        raw = scores.get(criterion.id)
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            errors[criterion.id] = str(_l("Enter a whole number."))
            continue
        if not criterion.min_score <= value <= criterion.max_score:
            errors[criterion.id] = str(
                _l("Enter a score from %(min)d to %(max)d.", min=criterion.min_score, max=criterion.max_score)
            )
            continue
        values[criterion.id] = value
    if errors:
        _fail(_l("Please correct the scores marked below."), errors=errors)
    try:
        comment = _clean_text(comment, COMMENT_MAX, True)
    except ValueError as exc:
        _fail(str(exc), field="comment")
    review = review_by(reviewer, application)
    if review is None:
        review = Review(application_id=application.id, reviewer_id=reviewer.id)
        db.session.add(review)
    review.comment = comment
    by_criterion = {s.criterion_id: s for s in review.scores}
    for criterion_id, value in values.items():
        if criterion_id in by_criterion:
            by_criterion[criterion_id].score = value
        else:
            review.scores.append(ReviewScore(criterion_id=criterion_id, score=value))
    assignment.status = AssignmentStatus.DONE
    db.session.flush()
    record("review.saved", application, actor=reviewer, review_id=review.id)
    db.session.commit()
    return review


# --- totals and ranking ------------------------------------------------------


def review_total(review, criteria):
    """The weighted score on a 0–100 scale: Σ(normalised score × weight) / Σ weight."""
    by_id = {c.id: c for c in criteria}
    weighted = weights = 0.0
    for score in review.scores:
        criterion = by_id.get(score.criterion_id)
        if criterion is None:
            continue
        span = criterion.max_score - criterion.min_score
        weighted += (score.score - criterion.min_score) / span * criterion.weight
        weights += criterion.weight
    return round(weighted / weights * 100, 1) if weights else None


@dataclass
class RankedRow:
    application: Application
    totals: list
    mean: float | None
    spread: float | None
    flagged: bool
    rank: int | None = None
    active_reviewers: int = 0

    @property
    def reviews_done(self):
        return len(self.totals)


def ranked_applications(call, include_withdrawn=False):
    """Submitted applications of ``call`` by mean weighted total (unscored last).

    ``flagged`` marks reviewers who disagree: the highest and lowest totals
    differ by more than 30% of the scale.
    """
    criteria = list(call.criteria)
    applications = db.session.scalars(
        db.select(Application)
        .where(
            Application.call_id == call.id,
            Application.status.not_in((S.DRAFT,) if include_withdrawn else (S.DRAFT, S.WITHDRAWN)),
        )
        .options(selectinload(Application.applicant))
    ).all()
    ids = [a.id for a in applications]
    reviews = {}
    if ids:
        for review in db.session.scalars(
            db.select(Review).where(Review.application_id.in_(ids)).options(selectinload(Review.scores))
        ):
            reviews.setdefault(review.application_id, []).append(review)
    active = dict(
        db.session.execute(
            db.select(ReviewAssignment.application_id, func.count(ReviewAssignment.id))
            .where(
                ReviewAssignment.application_id.in_(ids),
                ReviewAssignment.status.in_(AssignmentStatus.ACTIVE),
            )
            .group_by(ReviewAssignment.application_id)
        ).all()
    )
    rows = []
    for application in applications:
        totals = [
            t for t in (review_total(r, criteria) for r in reviews.get(application.id, [])) if t is not None
        ]
        mean = round(sum(totals) / len(totals), 1) if totals else None
        spread = round(max(totals) - min(totals), 1) if len(totals) > 1 else None
        rows.append(
            RankedRow(
                application,
                totals,
                mean,
                spread,
                bool(spread is not None and spread > SPREAD_FLAG),
                active_reviewers=active.get(application.id, 0),
            )
        )
    rows.sort(
        key=lambda r: (
            r.mean is None,
            -(r.mean or 0),
            r.application.submitted_at or utcnow(),
            r.application.id,
        )
    )
    for i, row in enumerate(r for r in rows if r.mean is not None):
        row.rank = i + 1
    return rows


def application_reviews(application):
    """``[(review, weighted total, {criterion_id: score})]`` of the application, for staff."""
    criteria = list(application.call.criteria)
    reviews = db.session.scalars(
        db.select(Review)
        .where(Review.application_id == application.id)
        .options(selectinload(Review.scores), selectinload(Review.reviewer))
        .order_by(Review.id)
    ).all()
    return [
        (review, review_total(review, criteria), {s.criterion_id: s.score for s in review.scores})
        for review in reviews
    ]


# --- decisions ----------------------------------------------------------------

OUTCOMES = S.OUTCOMES
PLACEHOLDERS = ("name", "call", "link", "note")

DEFAULT_TEMPLATES = {
    ("accepted", "en"): (
        "You are accepted: {call}",
        "Dear {name},\n\nCongratulations! You have been accepted to {call}. The Lab team will "
        "contact you soon about the start of the programme.\n\n{note}\n\nYour application: {link}\n\n"
        "Women's Creative Lab",
    ),
    ("accepted", "ru"): (
        "Вы приняты: {call}",
        "Здравствуйте, {name}!\n\nПоздравляем! Вы приняты в программу «{call}». Команда лаборатории "
        "скоро свяжется с вами и расскажет о начале программы.\n\n{note}\n\nВаша заявка: {link}\n\n"
        "Женская творческая лаборатория",
    ),
    ("accepted", "ky"): (
        "Сиз кабыл алындыңыз: {call}",
        "Саламатсызбы, {name}!\n\nКуттуктайбыз! Сиз «{call}» программасына кабыл алындыңыз. "
        "Лабораториянын командасы жакында сиз менен байланышып, программанын башталышы тууралуу "
        "айтып берет.\n\n{note}\n\nСиздин арызыңыз: {link}\n\nАялдардын чыгармачыл лабораториясы",
    ),
    ("waitlisted", "en"): (
        "You are on the waiting list: {call}",
        "Dear {name},\n\nThank you for applying to {call}. There were more strong applications than "
        "places, and you are on our waiting list. If a place becomes free, we will write to you."
        "\n\n{note}\n\nYour application: {link}\n\nWomen's Creative Lab",
    ),
    ("waitlisted", "ru"): (
        "Вы в листе ожидания: {call}",
        "Здравствуйте, {name}!\n\nСпасибо за заявку в программу «{call}». Сильных заявок было больше, "
        "чем мест, и вы в нашем листе ожидания. Если место освободится, мы вам напишем."
        "\n\n{note}\n\nВаша заявка: {link}\n\nЖенская творческая лаборатория",
    ),
    ("waitlisted", "ky"): (
        "Сиз күтүү тизмесиндесиз: {call}",
        "Саламатсызбы, {name}!\n\n«{call}» программасына арыз бергениңиз үчүн рахмат. Күчтүү арыздар "
        "орундардан көп болду, сиз биздин күтүү тизмебиздесиз. Орун бошосо, сизге жазабыз."
        "\n\n{note}\n\nСиздин арызыңыз: {link}\n\nАялдардын чыгармачыл лабораториясы",
    ),
    ("rejected", "en"): (
        "About your application: {call}",
        "Dear {name},\n\nThank you for applying to {call}. We are sorry: this time we cannot offer "
        "you a place. Please apply again to our next calls.\n\n{note}\n\nYour application: {link}\n\n"
        "Women's Creative Lab",
    ),
    ("rejected", "ru"): (
        "О вашей заявке: {call}",
        "Здравствуйте, {name}!\n\nСпасибо за заявку в программу «{call}». К сожалению, в этот раз мы "
        "не можем предложить вам место. Пожалуйста, подавайте заявки на наши следующие наборы."
        "\n\n{note}\n\nВаша заявка: {link}\n\nЖенская творческая лаборатория",
    ),
    ("rejected", "ky"): (
        "Арызыңыз тууралуу: {call}",
        "Саламатсызбы, {name}!\n\n«{call}» программасына арыз бергениңиз үчүн рахмат. Тилекке каршы, "
        "бул жолу сизге орун сунуштай албайбыз. Кийинки кабыл алууларыбызга дагы арыз бериңиз."
        "\n\n{note}\n\nСиздин арызыңыз: {link}\n\nАялдардын чыгармачыл лабораториясы",
    ),
}


def decision_template(outcome, locale):
    """``(subject, body)`` for an outcome in a language: the staff's edit or the default."""
    row = db.session.scalar(
        db.select(DecisionTemplate).where(
            DecisionTemplate.outcome == outcome, DecisionTemplate.locale == locale
        )
    )
    if row is not None:
        return row.subject, row.body
    return DEFAULT_TEMPLATES[(outcome, locale)]


def all_decision_templates():
    """``[(outcome, locale, subject, edited?)]`` for the staff list."""
    edited = {(r.outcome, r.locale): r for r in db.session.scalars(db.select(DecisionTemplate)).all()}
    return [
        (outcome, locale, decision_template(outcome, locale)[0], (outcome, locale) in edited)
        for outcome in OUTCOMES
        for locale in LOCALES
    ]


def fill_placeholders(text, values):
    """Replace ``{name}``-style placeholders literally (no template language)."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))), text)


def _unknown_placeholders(text):
    return sorted(set(re.findall(r"\{(\w+)\}", text)) - set(PLACEHOLDERS))


def save_decision_template(actor, outcome, locale, subject, body):
    """Staff edit the decision email for an outcome and language."""
    ensure("applications.decide", user=actor)
    if outcome not in OUTCOMES or locale not in LOCALES:
        _fail(_l("Unknown template."))
    try:
        subject = _clean_text(subject, 200, False)
        body = _clean_text(body, 10000, True)
    except ValueError as exc:
        _fail(str(exc))
    if not subject:
        _fail(_l("Enter a subject."), field="subject")
    if not body:
        _fail(_l("Enter the text of the email."), field="body")
    for name, text in (("subject", subject), ("body", body)):
        unknown = _unknown_placeholders(text)
        if unknown:
            _fail(
                _l(
                    "Unknown placeholder: %(names)s. Use only {name}, {call}, {link} and {note}.",
                    names=", ".join("{" + u + "}" for u in unknown),
                ),
                field=name,
            )
    row = db.session.scalar(
        db.select(DecisionTemplate).where(
            DecisionTemplate.outcome == outcome, DecisionTemplate.locale == locale
        )
    )
    if row is None:
        row = DecisionTemplate(outcome=outcome, locale=locale)
        db.session.add(row)
    row.subject, row.body, row.updated_by_id = subject, body, actor.id
    db.session.flush()
    record("decision_template.saved", row, actor=actor, outcome=outcome, locale=locale)
    db.session.commit()
    return row


def _queue_decision_email(application, outcome, note):
    user = application.applicant
    if not _can_email(user):
        return
    locale = _locale(user)
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
        _fail(_l("Choose at least one application."))
    return rows


def decide(actor, application_ids, outcome, note="", call_id=None):
    """Accept, waitlist or reject one or many applications, with a note.

    All or nothing: if one application cannot take this outcome, none
    changes. A waitlisted application can later be accepted (promoted).
    Decision emails are queued to go after the commit. With ``call_id``,
    every application must belong to that call (the ranked list's).
    """
    if outcome not in OUTCOMES:
        _fail(_l("Choose a decision."), field="outcome")
    try:
        note = _clean_text(note, NOTE_MAX, True)
    except ValueError as exc:
        _fail(str(exc), field="note")
    applications = _load_for_update(application_ids, call_id)
    for application in applications:
        ensure("applications.decide", application, user=actor)
        if application.status not in DECIDABLE or application.status == outcome:
            _fail(
                _l(
                    "Application #%(id)d cannot be given this decision (it is %(status)s).",
                    id=application.id,
                    status=status_label(application.status),
                )
            )
    now = utcnow()
    for application in applications:
        previous = application.status
        application.status = outcome
        application.decided_at = now
        decision = Decision(
            application_id=application.id, outcome=outcome, note=note, decided_by_id=actor.id, decided_at=now
        )
        db.session.add(decision)
        db.session.flush()
        record(
            "application.decided",
            application,
            actor=actor,
            old=previous,
            new=outcome,
            decision_id=decision.id,
        )
        _queue_decision_email(application, outcome, note)
    db.session.commit()
    return applications


def shortlist(actor, application_ids, call_id=None):
    """Move submitted or reviewed applications to the shortlist (all or nothing)."""
    applications = _load_for_update(application_ids, call_id)
    for application in applications:
        ensure("applications.decide", application, user=actor)
        if application.status not in (S.SUBMITTED, S.UNDER_REVIEW):
            _fail(
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


def decisions_for(application):
    """The application's decisions, newest first."""
    return db.session.scalars(
        db.select(Decision)
        .where(Decision.application_id == application.id)
        .options(selectinload(Decision.decided_by))
        .order_by(Decision.decided_at.desc(), Decision.id.desc())
    ).all()


STATUS_LABELS = {
    S.DRAFT: _l("Draft"),
    S.SUBMITTED: _l("Submitted"),
    S.UNDER_REVIEW: _l("Under review"),
    S.SHORTLISTED: _l("Shortlisted"),
    S.ACCEPTED: _l("Accepted"),
    S.WAITLISTED: _l("Waiting list"),
    S.REJECTED: _l("Not selected"),
    S.WITHDRAWN: _l("Withdrawn"),
}


AUDIT_LABELS = {
    "application.started": _l("Draft started"),
    "application.draft_saved": _l("Draft saved"),
    "application.file_added": _l("File added"),
    "application.file_removed": _l("File removed"),
    "application.submitted": _l("Submitted"),
    "application.paper_entered": _l("Paper application entered"),
    "application.status_changed": _l("Status changed"),
    "application.decided": _l("Decision made"),
    "application.withdrawn": _l("Withdrawn"),
    "review.assigned": _l("Reviewer assigned"),
    "review.conflict_declared": _l("Conflict of interest declared"),
    "review.replaced": _l("Reviewer replaced"),
    "review.saved": _l("Review saved"),
}


def audit_label(action):
    """The translated name of an audit action on an application (its code if unknown)."""
    return str(AUDIT_LABELS.get(action, action))


def status_label(status):
    """The translated name of an application status."""
    return str(STATUS_LABELS.get(status, status))


# --- staff lists and export ---------------------------------------------------


def call_applications(actor, call, status=None, page=1, per_page=30):
    """The call's applications for staff, newest submission first."""
    ensure("applications.view_all", call, user=actor)
    stmt = (
        db.select(Application)
        .where(Application.call_id == call.id)
        .options(selectinload(Application.applicant))
        .order_by(Application.submitted_at.desc().nulls_last(), Application.id.desc())
    )
    if status in S.ALL:
        stmt = stmt.where(Application.status == status)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


DEMOGRAPHIC_COLUMNS = (
    "snapshot_gender",
    "snapshot_birth_year",
    "snapshot_region",
    "snapshot_settlement",
    "snapshot_creative_domain",
    "snapshot_disability",
)


def export_table(actor, call):
    """Header and rows of the call's applications with scores.

    Demographic snapshot columns appear only to those who may read raw
    demographics (``demographics.read_raw``: admins; they are the most
    sensitive data here).
    """
    ensure("applications.export", call, user=actor)
    with_demographics = can("demographics.read_raw", user=actor)
    questions = [q for q in call.questions if q.kind != QuestionKind.FILE]
    header = [
        "id",
        "status",
        "submitted_at",
        "name",
        "email",
        "phone",
        "locality",
        "paper",
        "reviews",
        "mean_score",
        "spread",
        "flagged",
        "decision_note",
    ]
    header += [f"q{q.position + 1}: {q.label_en}" for q in questions]
    if with_demographics:
        header += [c.removeprefix("snapshot_") for c in DEMOGRAPHIC_COLUMNS]
    rows = []
    ranked = ranked_applications(call, include_withdrawn=True)
    ids = [r.application.id for r in ranked]
    answers = {}
    notes = {}
    if ids:
        for answer in db.session.scalars(
            db.select(ApplicationAnswer).where(ApplicationAnswer.application_id.in_(ids))
        ):
            answers[(answer.application_id, answer.question_id)] = answer.value
        for decision in db.session.scalars(
            db.select(Decision).where(Decision.application_id.in_(ids)).order_by(Decision.decided_at)
        ):
            notes[decision.application_id] = decision.note
    for row in ranked:
        a = row.application
        line = [
            a.id,
            a.status,
            a.submitted_at.isoformat() if a.submitted_at else "",
            a.contact_name or a.applicant.full_name,
            "" if not _can_email(a.applicant) else a.applicant.email,
            a.contact_phone or "",
            a.contact_locality or "",
            "yes" if a.is_paper else "no",
            row.reviews_done,
            row.mean if row.mean is not None else "",
            row.spread if row.spread is not None else "",
            "yes" if row.flagged else "no",
            notes.get(a.id, ""),
        ]
        line += [answers.get((a.id, q.id), "") for q in questions]
        if with_demographics:
            line += ["" if getattr(a, c) is None else getattr(a, c) for c in DEMOGRAPHIC_COLUMNS]
        rows.append([safe_cell(v) for v in line])
    record("call.exported", call, actor=actor, rows=len(rows), demographics=with_demographics)
    db.session.commit()
    return header, rows


def export_csv(actor, call):
    """The export as CSV text (UTF-8 with BOM so spreadsheet apps read Cyrillic)."""
    header, rows = export_table(actor, call)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def export_xlsx(actor, call):
    """The export as an XLSX workbook (bytes)."""
    from openpyxl import Workbook

    header, rows = export_table(actor, call)
    book = Workbook()
    sheet = book.active
    sheet.title = "applications"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
