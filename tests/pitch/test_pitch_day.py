"""Pitch day: finalists, jury, live scores hidden until staff publish, results, certificates."""

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy.exc import IntegrityError

from tests.pitch.helpers import ready_day, score_all, user
from wcl.accounts.permissions import PermissionDenied
from wcl.applications.models import Application, Call
from wcl.events.models import Event
from wcl.extensions import db
from wcl.pitch import services
from wcl.pitch.errors import PitchError
from wcl.pitch.models import PitchDay, PitchScore


def _scores():
    return db.session.scalars(sa.select(PitchScore).order_by(PitchScore.id)).all()


def _pdf_text(data):
    return " ".join("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def test_staff_create_a_day_and_schedule_finalists_in_order(app_ctx, world):
    day = ready_day(world)
    assert [f.application_id for f in day.finalists] == list(world.finalists)
    assert [f.position for f in day.finalists] == [0, 1, 2]
    assert day.finalists[1].slot_at - day.finalists[0].slot_at == timedelta(minutes=10)
    assert {j.user_id for j in day.jurors} == set(world.jurors)
    # reordering: the last pitches first
    a, b, c = list(day.finalists)
    for position, finalist in enumerate((c, b, a)):
        services.schedule_finalist(user(world.staff_id), finalist, position, day.event.starts_at)
    db.session.expire_all()
    assert [f.application_id for f in db.session.get(PitchDay, day.id).finalists] == list(
        reversed(world.finalists)
    )


def test_only_shortlisted_or_accepted_applications_of_the_call_are_finalists(app_ctx, world):
    day = ready_day(world)
    staff = user(world.staff_id)
    for application_id in (world.submitted_id, world.elsewhere_id):
        with pytest.raises(PitchError):
            services.add_finalist(staff, day, db.session.get(Application, application_id))
    with pytest.raises(PitchError):  # twice
        services.add_finalist(staff, day, db.session.get(Application, world.finalists[0]))
    assert len(db.session.get(PitchDay, day.id).finalists) == 3


def test_staff_of_another_lab_and_jurors_cannot_manage(app_ctx, world):
    call = db.session.get(Call, world.call_id)
    event = db.session.get(Event, world.event_id)
    with pytest.raises(PermissionDenied):
        services.create_pitch_day(user(world.other_staff_id), call, event)
    day = ready_day(world)
    with pytest.raises(PermissionDenied):
        services.add_juror(user(world.jurors[0]), day, user(world.stranger_id))


def test_weighted_totals_and_ranking_as_reviews_weigh_them(app_ctx, world):
    day = ready_day(world)
    j1, j2 = world.jurors
    score_all(day, world, {j1: [(5, 10), (3, 5), (1, 0)], j2: [(4, 10), (5, 10), (1, 2)]})
    rows = services.results(day)
    # review_total: Σ(normalised × weight)/Σweight × 100 — (5,10) → 100; (4,10) → (0.75×2+1)/3 = 83.3
    assert [r.finalist.application_id for r in rows] == [
        world.finalists[0],
        world.finalists[1],
        world.finalists[2],
    ]
    assert rows[0].totals == [100.0, 83.3] and rows[0].mean == 91.7 and rows[0].rank == 1
    assert rows[1].rank == 2 and rows[2].rank == 3
    assert services.missing_scores(day) == 0


def test_a_juror_scores_and_a_second_score_updates_the_first(app_ctx, world):
    day = ready_day(world)
    pitching, impact = world.criteria
    juror = user(world.jurors[1])  # a partner's person, no role
    services.score_finalist(juror, day.finalists[0], {pitching: 2, impact: 3})
    services.score_finalist(juror, day.finalists[0], {pitching: 4, impact: 3})
    assert [(s.criterion_id, s.score) for s in _scores()] == [(pitching, 4), (impact, 3)]
    # and the database refuses a second row for the same juror, finalist and criterion
    score = _scores()[0]
    db.session.add(
        PitchScore(finalist_id=score.finalist_id, juror_id=score.juror_id, criterion_id=pitching, score=1)
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_two_simultaneous_first_scores_of_a_juror_end_as_one_update(app_ctx, world):
    """A double tap or a second window: her first scores of a finalist reach the database
    from another transaction after this one looked for them and before it inserts its own.
    The second submission updates those rows instead of failing on the unique key."""
    day = ready_day(world)
    pitching, impact = world.criteria
    juror = user(world.jurors[1])
    finalist = day.finalists[0]
    seat = services.juror_of(day.id, juror.id)
    raced = []

    def the_other_window(session, flush_context, instances):
        if raced or not any(isinstance(row, PitchScore) for row in session.new):
            return
        raced.append(True)
        with db.engine.begin() as other:  # a concurrent transaction, committed first
            other.execute(
                sa.insert(PitchScore.__table__),
                [
                    {"finalist_id": finalist.id, "juror_id": seat.id, "criterion_id": c, "score": 1}
                    for c in (pitching, impact)
                ],
            )

    sa.event.listen(db.session, "before_flush", the_other_window)
    try:
        services.score_finalist(juror, finalist, {pitching: 4, impact: 5})
    finally:
        sa.event.remove(db.session, "before_flush", the_other_window)
    assert raced
    db.session.expire_all()
    assert sorted((s.criterion_id, s.score) for s in _scores()) == sorted([(pitching, 4), (impact, 5)])


@pytest.mark.parametrize("bad", [0, 6, "x", None, "3.5"])
def test_a_score_outside_the_rubric_range_is_refused_and_nothing_changes(app_ctx, world, bad):
    day = ready_day(world)
    pitching, impact = world.criteria
    juror = user(world.jurors[0])
    services.score_finalist(juror, day.finalists[0], {pitching: 3, impact: 3})
    with force_locale("ru"), pytest.raises(PitchError) as refused:
        services.score_finalist(juror, day.finalists[0], {pitching: bad, impact: 9})
    assert "исправьте" in str(refused.value)  # translated when raised
    assert set(refused.value.errors) == {pitching}
    assert [(s.criterion_id, s.score) for s in _scores()] == [(pitching, 3), (impact, 3)]


def test_a_score_by_someone_not_on_the_jury_is_refused(app_ctx, world):
    day = ready_day(world)
    pitching, impact = world.criteria
    for outsider in (world.stranger_id, world.staff_id):
        with pytest.raises((PitchError, PermissionDenied)):
            services.score_finalist(user(outsider), day.finalists[0], {pitching: 3, impact: 3})
    assert _scores() == []


def test_a_juror_with_a_conflict_is_excused_and_cannot_score_that_finalist(app_ctx, world):
    day = ready_day(world)
    pitching, impact = world.criteria
    juror = user(world.jurors[0])
    services.score_finalist(juror, day.finalists[1], {pitching: 3, impact: 3})
    services.declare_conflict(juror, day.finalists[1])
    assert _scores() == []  # her scores of that finalist are withdrawn
    with force_locale("ky"), pytest.raises(PitchError) as refused:
        services.score_finalist(juror, day.finalists[1], {pitching: 3, impact: 3})
    assert "conflict" not in str(refused.value)  # translated (ky) when raised
    assert _scores() == []
    # excused: her missing scores for that finalist are not missing
    j1, j2 = world.jurors
    services.score_finalist(juror, day.finalists[0], {pitching: 3, impact: 3})
    services.score_finalist(juror, day.finalists[2], {pitching: 3, impact: 3})
    score_all(day, world, {j2: [(3, 3), (3, 3), (3, 3)]})
    assert services.missing_scores(day) == 0
    by_finalist = {row.finalist.id: row for row in services.results(day)}
    assert by_finalist[day.finalists[1].id].totals == [43.3]  # one juror only: she is excused
    assert by_finalist[day.finalists[0].id].totals == [43.3, 43.3]


def test_scores_are_hidden_from_jurors_and_the_public_until_published(app_ctx, world):
    day = ready_day(world)
    j1, _ = world.jurors
    assert not services.may_see_scores(user(j1), day)
    assert not services.may_see_scores(user(world.stranger_id), day)
    assert not services.may_see_scores(None, day)
    assert services.may_see_scores(user(world.staff_id), day)
    assert services.public_results(day) is None


def test_publishing_with_missing_scores_asks_for_confirmation(app_ctx, world):
    day = ready_day(world)
    j1, _ = world.jurors
    score_all(day, world, {j1: [(5, 10), (3, 5), (1, 0)]})
    assert services.missing_scores(day) == 6
    with pytest.raises(PitchError) as refused:
        services.publish_results(user(world.staff_id), day)
    assert "6" in str(refused.value.message)
    assert not db.session.get(PitchDay, day.id).is_published
    services.publish_results(user(world.staff_id), day, confirm_missing=True)
    assert db.session.get(PitchDay, day.id).is_published


def test_after_publishing_no_score_is_entered_or_changed(app_ctx, world):
    day = ready_day(world)
    j1, j2 = world.jurors
    pitching, impact = world.criteria
    score_all(day, world, {j1: [(5, 10), (3, 5), (1, 0)], j2: [(4, 10), (5, 10), (1, 2)]})
    services.publish_results(user(world.staff_id), day)
    before = [(s.id, s.score) for s in _scores()]
    for juror_id, finalist in ((j1, day.finalists[0]), (j2, day.finalists[2])):
        with pytest.raises(PitchError):
            services.score_finalist(user(juror_id), finalist, {pitching: 2, impact: 2})
    with pytest.raises(PitchError):
        services.declare_conflict(user(j1), day.finalists[1])
    assert [(s.id, s.score) for s in _scores()] == before


def test_winners_prizes_publishing_and_announcements(app_ctx, world, run_jobs):
    day = ready_day(world)
    j1, j2 = world.jurors
    score_all(day, world, {j1: [(5, 10), (3, 5), (1, 0)], j2: [(4, 10), (5, 10), (1, 2)]})
    staff = user(world.staff_id)
    services.set_award(
        staff, day.finalists[0], winner=True, prize="First prize", amount="50 000", currency="KGS"
    )
    services.set_award(
        staff, day.finalists[1], winner=True, prize="Audience prize", amount="", currency="KGS"
    )
    with pytest.raises(PitchError):
        services.set_award(staff, day.finalists[2], winner=True, prize="x", amount="-5", currency="KGS")
    assert day.finalists[0].prize_amount == 5_000_000 and day.finalists[0].prize_currency == "KGS"
    assert day.finalists[1].prize_amount is None
    services.publish_results(staff, day)
    public = services.public_results(db.session.get(PitchDay, day.id))
    assert [row.name for row in public.winners] == ["Aida", "Bermet"]
    assert [row.name for row in public.participants] == ["Cholpon"]
    # announcement emails, one per finalist in her language, after commit
    from tests.helpers import outbox_messages  # noqa: PLC0415

    run_jobs()
    subjects = {m["to"]: m["subject"] for m in outbox_messages(app_ctx)}
    finalists = [db.session.get(Application, a).applicant for a in world.finalists]
    assert set(subjects) == {f.email for f in finalists}
    assert "Хакатон" in subjects[finalists[0].email]  # ky
    assert subjects[finalists[2].email].startswith("Results")  # en


def test_every_accepted_team_member_hears_the_results(app_ctx, world, run_jobs):
    from tests.factories.accounts import UserFactory  # noqa: PLC0415
    from tests.helpers import outbox_messages  # noqa: PLC0415
    from wcl.applications.models import TeamMember  # noqa: PLC0415
    from wcl.time import utcnow  # noqa: PLC0415

    application = db.session.get(Application, world.finalists[0])
    joined = UserFactory(email="joined@example.org", locale="ru")
    invited = UserFactory(email="invited@example.org")
    for person, status in ((joined, "accepted"), (invited, "invited")):
        db.session.add(
            TeamMember(
                application_id=application.id,
                call_id=application.call_id,
                email=person.email,
                user_id=person.id,
                status=status,
                **(
                    {"accepted_at": utcnow(), "consent_at": utcnow(), "consent_version": "1"}
                    if status == "accepted"
                    else {}
                ),
            )
        )
    db.session.commit()
    day = ready_day(world)
    services.publish_results(user(world.staff_id), day, confirm_missing=True)
    run_jobs()
    to = [m["to"] for m in outbox_messages(app_ctx)]
    assert to.count(application.applicant.email) == 1 and to.count("joined@example.org") == 1
    assert "invited@example.org" not in to  # an invitation not accepted is not a member


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en", ["Certificate", "Aida", "Hackathon", "winner"]),
        ("ru", ["Сертификат", "Aida", "Хакатон"]),
        ("ky", ["Сертификат", "Aida", "Хакатон"]),
    ],
)
def test_certificates_in_three_languages_with_a_verification_code(app_ctx, world, locale, words):
    day = ready_day(world)
    staff = user(world.staff_id)
    services.set_award(staff, day.finalists[0], winner=True, prize="First prize", amount="", currency="KGS")
    services.publish_results(staff, day, confirm_missing=True)
    finalist = day.finalists[0]
    assert finalist.certificate_code
    text = _pdf_text(services.certificate_pdf(finalist, locale))
    for word in words:
        assert word in text
    assert finalist.certificate_code in text
    assert "/pitch/certificates/" in text
    assert services.finalist_by_code(finalist.certificate_code).id == finalist.id
    assert services.finalist_by_code("nope") is None
    participant = _pdf_text(services.certificate_pdf(day.finalists[2], locale))
    assert "Cholpon" in participant and day.finalists[2].certificate_code in participant
