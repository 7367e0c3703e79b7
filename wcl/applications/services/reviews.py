"""A reviewer scores an application against the call's rubric and comments on it."""

from flask_babel import lazy_gettext as _l

from wcl.applications.models import AssignmentStatus, Review, ReviewScore
from wcl.applications.queries import assignment_of
from wcl.applications.services._common import S, clean_text, fail
from wcl.audit.services import record
from wcl.extensions import db

COMMENT_MAX = 6000


def review_by(user, application):
    """The user's review of the application, or ``None``."""
    return db.session.scalar(
        db.select(Review).where(Review.application_id == application.id, Review.reviewer_id == user.id)
    )


def _reviewable_assignment(actor, application):
    """Her assignment to the application, if she may score it now; refuses otherwise."""
    assignment = assignment_of(actor.id, application.id)
    if assignment is None:
        fail(_l("You are not assigned to this application."))
    if assignment.status == AssignmentStatus.CONFLICT:
        fail(_l("You declared a conflict of interest on this application, so you cannot score it."))
    if application.status not in S.IN_REVIEW:
        fail(_l("This application is no longer under review."))
    if not application.call.criteria:
        fail(_l("This call has no scoring criteria yet."))
    return assignment


def rubric_scores(criteria, scores):
    """``(values, errors)`` of ``scores`` (``{criterion_id: raw}``) against a rubric's ``criteria``:
    ``{criterion_id: whole number in range}`` and, per bad score, its message. Reviewers and
    pitch-day jurors are checked alike; each caller refuses in its own error."""
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
    return values, errors


def _checked_scores(criteria, scores):
    """``{criterion_id: whole number in range}``; refuses with an error per bad score."""
    values, errors = rubric_scores(criteria, scores)
    if errors:
        fail(_l("Please correct the scores marked below."), errors=errors)
    return values


def save_review(actor, application, scores, comment):
    """Save the reviewer's scores (``{criterion_id: value}``) and comment.

    Refused unless she is assigned without a conflict, the application is
    still undecided, and every criterion has a whole-number score in range.
    """
    assignment = _reviewable_assignment(actor, application)
    values = _checked_scores(application.call.criteria, scores)
    try:
        comment = clean_text(comment, COMMENT_MAX, True)
    except ValueError as exc:
        fail(str(exc), field="comment")
    review = review_by(actor, application)
    if review is None:
        review = Review(application_id=application.id, reviewer_id=actor.id)
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
    record("review.saved", application, actor=actor, review_id=review.id)
    db.session.commit()
    return review
