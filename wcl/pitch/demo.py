"""Demo: the Create4 hackathon call's pitch day, scored by a jury of three and published
with three winners (five finalists; one juror excused from one finalist).

Uses the teams demo's hackathon call (``wcl.applications.demo_teams.HACKATHON_SLUG``)
when that loader made it, else makes a call of that slug itself, closed, with a
three-criterion rubric. Idempotent.
"""

from datetime import timedelta

import sqlalchemy as sa

from wcl.accounts.demo import DEMO_PASSWORD, demo_user
from wcl.accounts.permissions import Role
from wcl.accounts.services import create_user
from wcl.applications.demo_teams import HACKATHON_SLUG
from wcl.applications.models import Application, ApplicationStatus, Call, RubricCriterion
from wcl.events.models import Event, EventStatus
from wcl.extensions import db
from wcl.labs.models import Lab
from wcl.money import to_major
from wcl.pitch import services
from wcl.pitch.models import PitchDay
from wcl.time import utcnow

CALL_SLUG = HACKATHON_SLUG  # the teams demo's call: its teams pitch
EVENT_SLUG = "create4-hackathon-pitch-day"
FINALISTS = (
    # email, name, locale
    ("kiyiz.tech@wcl.example", "Kiyiz Tech (team)", "ky"),
    ("osh.sound@wcl.example", "Osh Sound Lab (team)", "ru"),
    ("batken.apricot@wcl.example", "Batken Apricot Design (team)", "ky"),
    ("naryn.felt@wcl.example", "Naryn Felt Studio", "ru"),
    ("jalal.games@wcl.example", "Jalal-Abad Games (team)", "en"),
)
JURY = (
    ("jury.partner@wcl.example", "Gulnara Partner (jury)"),
    ("jury.mayor@wcl.example", "Erlan Mayor's Office (jury)"),
)
# per juror, per finalist: scores for the three criteria
SCORES = (
    ((5, 5, 4), (4, 4, 4), (5, 4, 5), (3, 3, 4), (3, 2, 3)),
    ((5, 4, 5), (5, 4, 4), (4, 5, 4), (3, 4, 3), (2, 3, 3)),
    ((4, 5, 5), (4, 5, 4), None, (4, 3, 3), (3, 3, 2)),  # None: a conflict of interest
)
PRIZES = (
    ("First prize: seed grant", 10_000_000),
    ("Second prize: incubation place", None),
    ("Audience prize", 2_500_000),
)
CRITERIA = (
    ("Idea and originality", "Идея и оригинальность", "Идея жана өзгөчөлүгү", 2),
    ("Team and feasibility", "Команда и реалистичность", "Команда жана ишке ашуучулугу", 2),
    ("The pitch", "Выступление", "Чыгып сүйлөө", 1),
)


def _call(lab, staff):
    call = db.session.scalar(sa.select(Call).where(Call.slug == CALL_SLUG))
    if call is not None:
        return call
    now = utcnow()
    call = Call(
        lab_id=lab.id,
        slug=CALL_SLUG,
        title_en="Create4 Hackathon: creative tech",
        title_ru="Хакатон Create4: креативные технологии",
        title_ky="Create4 хакатону: чыгармачыл технологиялар",
        description_en="Teams and individuals build products for the creative industries in 48 hours.",
        description_ru="Команды и участницы за 48 часов создают продукты для креативных индустрий.",
        description_ky="Командалар жана катышуучулар 48 саатта чыгармачыл индустриялар үчүн продукт түзүшөт.",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=30),
        created_by_id=staff.id,
    )
    for position, (en, ru, ky, weight) in enumerate(CRITERIA):
        call.criteria.append(
            RubricCriterion(
                position=position,
                label_en=en,
                label_ru=ru,
                label_ky=ky,
                weight=weight,
                min_score=1,
                max_score=5,
            )
        )
    db.session.add(call)
    db.session.flush()
    return call


def _finalist_applications(call):
    found = db.session.scalars(
        sa.select(Application)
        .where(Application.call_id == call.id, Application.status.in_(services.FINALIST_STATUSES))
        .order_by(Application.id)
    ).all()
    for email, name, locale in FINALISTS[len(found) :]:
        user = demo_user(email) or create_user(email, DEMO_PASSWORD, name, [Role.APPLICANT], locale=locale)
        application = Application(
            call_id=call.id,
            applicant_id=user.id,
            status=ApplicationStatus.SHORTLISTED,
            submitted_at=call.closes_at - timedelta(days=3),
            contact_name=name,
        )
        db.session.add(application)
        found.append(application)
    db.session.flush()
    return found[: len(FINALISTS)]


def _event(lab, staff):
    event = db.session.scalar(sa.select(Event).where(Event.slug == EVENT_SLUG))
    if event is None:
        starts = utcnow().replace(minute=0, second=0, microsecond=0) - timedelta(days=14)
        event = Event(
            slug=EVENT_SLUG,
            lab_id=lab.id,
            series="Create4",
            title_en="Create4 Hackathon: pitch day",
            title_ru="Хакатон Create4: питч-день",
            title_ky="Create4 хакатону: питч күнү",
            starts_at=starts,
            ends_at=starts + timedelta(hours=4),
            place="Osh, Creative hub",
            capacity=120,
            status=EventStatus.PUBLISHED,
            published_at=starts - timedelta(days=10),
            created_by_id=staff.id,
        )
        db.session.add(event)
        db.session.flush()
    return event


def load():
    staff = demo_user("admin@wcl.example")
    lab = db.session.scalar(sa.select(Lab).where(Lab.slug == "osh"))
    if staff is None or lab is None:
        return []
    existing = db.session.scalar(sa.select(PitchDay).order_by(PitchDay.id))
    if existing is not None:
        return [f"Pitch day: results at /pitch/{existing.id}/results (already loaded)"]
    call = _call(lab, staff)
    applications = _finalist_applications(call)
    event = _event(lab, staff)
    db.session.commit()
    day = services.create_pitch_day(staff, call, event)
    for position, application in enumerate(applications):
        finalist = services.add_finalist(staff, day, application)
        services.schedule_finalist(
            staff, finalist, position, event.starts_at + timedelta(minutes=30 + 12 * position)
        )
    jurors = [demo_user("staff@wcl.example") or staff]
    for email, name in JURY:
        jurors.append(demo_user(email) or create_user(email, DEMO_PASSWORD, name, []))
    for juror in jurors:
        services.add_juror(staff, day, juror)
    criteria = list(call.criteria)
    for juror, rows in zip(jurors, SCORES, strict=True):
        for finalist, values in zip(list(day.finalists), rows, strict=False):
            if values is None:
                services.declare_conflict(juror, finalist)
            else:
                services.score_finalist(
                    juror, finalist, dict(zip((c.id for c in criteria), values, strict=False))
                )
    ranked = services.results(day)
    for row, (prize, amount) in zip(ranked, PRIZES, strict=False):
        services.set_award(
            staff, row.finalist, True, prize, str(to_major(amount, "KGS")) if amount else "", "KGS"
        )
    services.publish_results(staff, day, confirm_missing=True)
    return [
        f"Pitch day: {len(applications)} finalists of {call.slug}, a jury of {len(jurors)}, "
        f"3 winners — results at /pitch/{day.id}/results, jury page /pitch/{day.id}/judge "
        "(jury.partner@wcl.example)"
    ]
