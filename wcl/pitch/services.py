"""Pitch days: the units of work of staff and jurors, and the results they lead to.

Each public function that changes something checks the actor's permission,
validates, changes, records an audit entry for decisions and commits once at its
end. A refusal rolls the session back and raises ``PitchError`` with a translated
message, so bad input changes nothing.
"""

import secrets
from dataclasses import dataclass, field
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from wcl.accounts.permissions import can, ensure
from wcl.applications.models import Application, ApplicationStatus
from wcl.applications.queries import news_recipients
from wcl.applications.services.ranking import review_total
from wcl.applications.services.reviews import rubric_scores
from wcl.audit.services import record
from wcl.extensions import db
from wcl.links import absolute_url
from wcl.mail import queue_email
from wcl.money import MoneyError, parse_amount
from wcl.pitch.errors import PitchError
from wcl.pitch.models import PitchConflict, PitchDay, PitchFinalist, PitchJuror, PitchScore, PitchStatus
from wcl.pitch.queries import juror_of
from wcl.time import utcnow

# Who may pitch: applications staff have moved on from the review.
FINALIST_STATUSES = (ApplicationStatus.SHORTLISTED, ApplicationStatus.ACCEPTED)
PRIZE_MAX = 200


refuse = PitchError.refuse  # roll back what was flushed, then raise: a refusal changes nothing


def _unpublished(day):
    if day.is_published:
        refuse(_l("The results of this pitch day are published: scores can no longer change."))


# --- staff: the day, its finalists and jury ---------------------------------------


def create_pitch_day(actor, call, event):
    """A pitch day of ``call`` held at ``event``. Returns it."""
    ensure("pitch.manage", PitchDay(call=call), user=actor)
    if event is None:
        refuse(_l("Choose the event the finalists pitch at."), field="event_id")
    day = PitchDay(call_id=call.id, event_id=event.id, created_by_id=actor.id)
    db.session.add(day)
    db.session.flush()
    record("pitch_day.created", day, actor=actor, call_id=call.id, event_id=event.id)
    db.session.commit()
    return day


def eligible_applications(day):
    """The call's shortlisted and accepted applications not yet finalists of the day."""
    taken = sa.select(PitchFinalist.application_id).where(PitchFinalist.pitch_day_id == day.id)
    return db.session.scalars(
        sa.select(Application)
        .where(
            Application.call_id == day.call_id,
            Application.status.in_(FINALIST_STATUSES),
            Application.id.not_in(taken),
        )
        .options(selectinload(Application.applicant))
        .order_by(Application.id)
    ).all()


def add_finalist(actor, day, application):
    """Put a shortlisted or accepted application of the day's call on the programme, last."""
    ensure("pitch.manage", day, user=actor)
    _unpublished(day)
    if (
        application is None
        or application.call_id != day.call_id
        or application.status not in FINALIST_STATUSES
    ):
        refuse(
            _l("Only shortlisted or accepted applications of this call can pitch."), field="application_id"
        )
    if any(f.application_id == application.id for f in day.finalists):
        refuse(_l("This application is already a finalist of the pitch day."), field="application_id")
    position = max((f.position for f in day.finalists), default=-1) + 1
    finalist = PitchFinalist(pitch_day=day, application_id=application.id, position=position)
    db.session.add(finalist)
    db.session.flush()
    record("pitch_day.finalist_added", day, actor=actor, application_id=application.id)
    db.session.commit()
    return finalist


def schedule_finalist(actor, finalist, position, slot_at):
    """Set the finalist's place in the running order and her time slot (UTC, may be None)."""
    day = finalist.pitch_day
    ensure("pitch.manage", day, user=actor)
    _unpublished(day)
    try:
        position = int(position)
    except (TypeError, ValueError):
        position = -1
    if not 0 <= position <= 1000:
        refuse(_l("Enter a whole number from 0 to 1000."), field="position")
    finalist.position = position
    finalist.slot_at = slot_at
    db.session.commit()
    return finalist


def remove_finalist(actor, finalist):
    """Take a finalist off the programme (with any scores she has), before publishing."""
    day = finalist.pitch_day
    ensure("pitch.manage", day, user=actor)
    _unpublished(day)
    record("pitch_day.finalist_removed", day, actor=actor, application_id=finalist.application_id)
    db.session.delete(finalist)
    db.session.commit()


def add_juror(actor, day, user):
    """Name ``user`` (anyone with an account: staff, a partner's person …) to the jury."""
    ensure("pitch.manage", day, user=actor)
    _unpublished(day)
    if user is None:
        refuse(_l("No account has this email address."), field="email")
    if juror_of(day.id, user.id) is not None:
        refuse(_l("This person is already on the jury."), field="email")
    juror = PitchJuror(pitch_day=day, user_id=user.id)
    db.session.add(juror)
    db.session.flush()
    record("pitch_day.juror_added", day, actor=actor, user_id=user.id)
    db.session.commit()
    return juror


# --- jurors: live scores -----------------------------------------------------------


def _seat(actor, day):
    """The actor's jury seat on ``day``; refuses anyone else."""
    seat = juror_of(day.id, actor.id) if actor is not None else None
    if seat is None:
        refuse(_l("You are not on the jury of this pitch day."))
    return seat


def has_conflict(seat, finalist):
    return (
        db.session.scalar(
            sa.select(PitchConflict.id).where(
                PitchConflict.juror_id == seat.id, PitchConflict.finalist_id == finalist.id
            )
        )
        is not None
    )


def _checked_scores(criteria, scores):
    """``{criterion_id: whole number in range}``; refuses with an error per bad score."""
    values, errors = rubric_scores(criteria, scores)
    if errors:
        db.session.rollback()
        error = PitchError(_l("Please correct the scores marked below."))
        error.errors = errors
        raise error
    return values


def score_finalist(actor, finalist, scores):
    """Save a juror's scores of a finalist (``{criterion_id: value}``, every criterion).

    A second submission updates her earlier scores, also when both are her first and
    arrive at the same moment (a double tap, a second window): the one that finds
    the other's rows inserted first saves again, as an update. Refused for anyone not
    on the jury, for a finalist she declared a conflict with, after the results are
    published, and for a score outside the criterion's range.
    """
    try:
        _save_scores(actor, finalist, scores)
    except IntegrityError:
        db.session.rollback()
        try:
            _save_scores(actor, finalist, scores)
        except IntegrityError:
            refuse(
                _l(
                    "Your scores were being saved from another window at the same moment. Check them and save again."
                )
            )


def _save_scores(actor, finalist, scores):
    day = finalist.pitch_day
    seat = _seat(actor, day)
    _unpublished(day)
    if has_conflict(seat, finalist):
        refuse(_l("You declared a conflict of interest with this finalist, so you cannot score her."))
    criteria = list(day.call.criteria)
    if not criteria:
        refuse(_l("This call has no scoring criteria yet."))
    values = _checked_scores(criteria, scores)
    existing = {
        s.criterion_id: s
        for s in db.session.scalars(
            sa.select(PitchScore)
            .where(PitchScore.finalist_id == finalist.id, PitchScore.juror_id == seat.id)
            .with_for_update()
        )
    }
    for criterion_id, value in values.items():
        if criterion_id in existing:
            existing[criterion_id].score = value
        else:
            db.session.add(
                PitchScore(finalist_id=finalist.id, juror_id=seat.id, criterion_id=criterion_id, score=value)
            )
    db.session.commit()


def declare_conflict(actor, finalist):
    """The juror is excused from scoring ``finalist``; any scores she gave her are withdrawn."""
    day = finalist.pitch_day
    seat = _seat(actor, day)
    _unpublished(day)
    if not has_conflict(seat, finalist):
        db.session.add(PitchConflict(juror_id=seat.id, finalist_id=finalist.id))
        db.session.execute(
            sa.delete(PitchScore).where(PitchScore.finalist_id == finalist.id, PitchScore.juror_id == seat.id)
        )
        db.session.flush()
        record("pitch_day.conflict_declared", day, actor=actor, finalist_id=finalist.id)
    db.session.commit()


def my_scores(actor, finalist):
    """``{criterion_id: score}`` the juror gave the finalist (her own, never others')."""
    seat = juror_of(finalist.pitch_day_id, actor.id)
    if seat is None:
        return {}
    return dict(
        db.session.execute(
            sa.select(PitchScore.criterion_id, PitchScore.score).where(
                PitchScore.finalist_id == finalist.id, PitchScore.juror_id == seat.id
            )
        ).all()
    )


def conflicts_of(actor, day):
    """Ids of the finalists the juror declared a conflict with."""
    seat = juror_of(day.id, actor.id)
    if seat is None:
        return set()
    return set(
        db.session.scalars(sa.select(PitchConflict.finalist_id).where(PitchConflict.juror_id == seat.id))
    )


# --- results ----------------------------------------------------------------------


def may_see_scores(user, day):
    """Staff of the call's lab always; nobody else (jurors included) ever sees the table."""
    return user is not None and can("pitch.manage", day, user=user)


@dataclass
class ResultRow:
    finalist: PitchFinalist
    totals: list
    mean: float | None
    rank: int | None = None
    missing: int = 0


def _conflict_pairs(day):
    return set(
        db.session.execute(
            sa.select(PitchConflict.juror_id, PitchConflict.finalist_id)
            .join(PitchJuror, PitchJuror.id == PitchConflict.juror_id)
            .where(PitchJuror.pitch_day_id == day.id)
        ).all()
    )


def results(day):
    """Finalists by their mean weighted total (as reviews are weighted), unscored last.

    Only for staff (callers check ``may_see_scores``) until the results are published.
    """
    criteria = list(day.call.criteria)
    conflicts = _conflict_pairs(day)
    rows = []
    for finalist in day.finalists:
        by_juror = {}
        for score in finalist.scores:
            by_juror.setdefault(score.juror_id, []).append(score)
        totals = [
            t
            for t in (review_total(SimpleNamespace(scores=s), criteria) for _j, s in sorted(by_juror.items()))
            if t is not None
        ]
        mean = round(sum(totals) / len(totals), 1) if totals else None
        missing = sum(
            1
            for juror in day.jurors
            if (juror.id, finalist.id) not in conflicts
            for criterion in criteria
            if not any(s.criterion_id == criterion.id for s in by_juror.get(juror.id, []))
        )
        rows.append(ResultRow(finalist, totals, mean, missing=missing))
    rows.sort(key=lambda r: (r.mean is None, -(r.mean or 0), r.finalist.position, r.finalist.id))
    for i, row in enumerate(r for r in rows if r.mean is not None):
        row.rank = i + 1
    return rows


def missing_scores(day):
    """How many (juror, finalist, criterion) scores are still missing (conflicts excused)."""
    return sum(row.missing for row in results(day))


def set_award(actor, finalist, winner, prize="", amount="", currency="KGS"):
    """Mark a finalist a winner (or not) with a prize text and an optional amount."""
    day = finalist.pitch_day
    ensure("pitch.manage", day, user=actor)
    if day.is_published:
        refuse(_l("The results of this pitch day are published: scores can no longer change."))
    prize = " ".join(str(prize or "").split())
    if len(prize) > PRIZE_MAX:
        refuse(_l("Use at most %(count)d characters.", count=PRIZE_MAX), field="prize")
    minor = None
    if str(amount or "").strip():
        try:
            minor = parse_amount(amount, currency)
        except MoneyError as exc:
            refuse(exc.message, field="amount")
    finalist.is_winner = bool(winner)
    finalist.prize = prize if winner else ""
    finalist.prize_amount = minor if winner else None
    finalist.prize_currency = currency if winner and minor is not None else None
    record(
        "pitch_day.award_set", day, actor=actor, finalist_id=finalist.id, winner=bool(winner), amount=minor
    )
    db.session.commit()
    return finalist


def publish_results(actor, day, confirm_missing=False):
    """Publish the results: scores freeze, certificates get codes, finalists are told.

    With scores still missing, staff must confirm (``confirm_missing``).
    """
    ensure("pitch.manage", day, user=actor)
    _unpublished(day)
    if not day.finalists:
        refuse(_l("Add finalists before publishing the results."))
    missing = missing_scores(day)
    if missing and not confirm_missing:
        refuse(
            _l(
                "%(count)d scores are still missing. Publish anyway only if the jury has finished.",
                count=missing,
            ),
            field="confirm_missing",
        )
    day.status = PitchStatus.PUBLISHED
    day.published_at = utcnow()
    day.published_by_id = actor.id
    for finalist in day.finalists:
        finalist.certificate_code = finalist.certificate_code or secrets.token_urlsafe(12)
    db.session.flush()
    record("pitch_day.published", day, actor=actor, missing=missing)
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    for finalist in day.finalists:
        # Every accepted member of a team hears the results, not only its lead.
        for person in news_recipients(finalist.application_id):
            _announce(day, finalist, person, person.locale or default)
    db.session.commit()


def _announce(day, finalist, person, locale):
    queue_email(
        person.email,
        "pitch/results",
        locale,
        name=person.public_name,
        call=day.call.title(locale),
        winner=finalist.is_winner,
        prize=finalist.prize,
        results_link=absolute_url("pitch.results", day_id=day.id),
        certificate_link=absolute_url("pitch.certificate", code=finalist.certificate_code),
    )


@dataclass
class PublicRow:
    name: str
    rank: int | None
    prize: str
    prize_amount: int | None
    prize_currency: str | None


@dataclass
class PublicResults:
    day: PitchDay
    winners: list = field(default_factory=list)
    participants: list = field(default_factory=list)


def finalist_name(finalist):
    """The name a finalist pitches under (the application's applicant's public name)."""
    return finalist.application.applicant.public_name


def public_results(day):
    """Winners (by rank) and other finalists, once published; ``None`` before. No scores, no demographics."""
    if not day.is_published:
        return None
    out = PublicResults(day)
    for row in results(day):
        f = row.finalist
        item = PublicRow(finalist_name(f), row.rank, f.prize, f.prize_amount, f.prize_currency)
        (out.winners if f.is_winner else out.participants).append(item)
    out.participants.sort(key=lambda r: r.name)
    return out


def published_days():
    return db.session.scalars(
        sa.select(PitchDay)
        .where(PitchDay.status == PitchStatus.PUBLISHED)
        .order_by(PitchDay.published_at.desc())
    ).all()


# --- certificates -----------------------------------------------------------------


def finalist_by_code(code):
    """The finalist of a published pitch day whose certificate carries ``code``, or ``None``."""
    if not code or len(code) > 32:
        return None
    finalist = db.session.scalar(sa.select(PitchFinalist).where(PitchFinalist.certificate_code == code))
    if finalist is None or not finalist.pitch_day.is_published:
        return None
    return finalist


def certificate_pdf(finalist, locale):
    """The finalist's certificate (winner or participant) as PDF bytes in ``locale``."""
    from wcl.pdf import render_pdf  # WeasyPrint is slow to load: only when printing

    day = finalist.pitch_day
    return render_pdf(
        "pitch/pdf/certificate.html",
        locale,
        name=finalist_name(finalist),
        call_title=day.call.title(locale),
        event_title=day.event.title(locale),
        held_on=day.event.starts_at,
        winner=finalist.is_winner,
        prize=finalist.prize,
        code=finalist.certificate_code,
        verify_url=absolute_url("pitch.certificate", code=finalist.certificate_code),
    )
