"""Totals and ranking: each review's weighted score, and a call's applications by their mean."""

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.orm import selectinload

from wcl.applications.models import Application, AssignmentStatus, Review, ReviewAssignment
from wcl.applications.services._common import S
from wcl.extensions import db
from wcl.time import utcnow

SPREAD_FLAG = 30.0  # points on the 0–100 scale: 30% of the range


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


def _reviews_by_application(ids):
    """``{application_id: [reviews with their scores]}``."""
    reviews = {}
    if ids:
        for review in db.session.scalars(
            db.select(Review).where(Review.application_id.in_(ids)).options(selectinload(Review.scores))
        ):
            reviews.setdefault(review.application_id, []).append(review)
    return reviews


def _active_reviewer_counts(ids):
    """``{application_id: reviewers assigned without a conflict}``."""
    return dict(
        db.session.execute(
            db.select(ReviewAssignment.application_id, func.count(ReviewAssignment.id))
            .where(
                ReviewAssignment.application_id.in_(ids),
                ReviewAssignment.status.in_(AssignmentStatus.ACTIVE),
            )
            .group_by(ReviewAssignment.application_id)
        ).all()
    )


def _ranked_row(application, reviews, criteria, active_reviewers):
    totals = [t for t in (review_total(r, criteria) for r in reviews) if t is not None]
    mean = round(sum(totals) / len(totals), 1) if totals else None
    spread = round(max(totals) - min(totals), 1) if len(totals) > 1 else None
    flagged = bool(spread is not None and spread > SPREAD_FLAG)
    return RankedRow(application, totals, mean, spread, flagged, active_reviewers=active_reviewers)


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
    reviews = _reviews_by_application(ids)
    active = _active_reviewer_counts(ids)
    rows = [_ranked_row(a, reviews.get(a.id, []), criteria, active.get(a.id, 0)) for a in applications]
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
