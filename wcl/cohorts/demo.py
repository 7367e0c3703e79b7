"""Demo: a running cohort at the Osh lab with two mentors, seven participants,
sessions (some past, with attendance), milestones with progress, check-ins
(one participant at risk), and participant@wcl.example signed off as
campaign-ready (the campaigns demo relies on it).

The cohort came from a closed call ("Osh creative incubator 2026") that 24 more
women applied to: 8 were shortlisted (6 later rejected, 2 waitlisted), the rest
rejected; every participant was enrolled from her accepted application, so the
participation report reads as a real intake (figures, not a page of "c").

Built through the services, so the demo also exercises the real rules.
"""

from datetime import UTC, date, datetime, time, timedelta

from wcl.accounts.demo import DEMO_PASSWORD, demo_user
from wcl.accounts.permissions import Role
from wcl.accounts.services import create_user, save_demographics
from wcl.applications import services as applications
from wcl.applications.models import Application, ApplicationStatus, Call
from wcl.applications.services._submission import snapshot_demographics
from wcl.cohorts import services
from wcl.cohorts.models import Cohort, Enrolment
from wcl.extensions import db
from wcl.labs.models import Lab
from wcl.time import utcnow

COHORT_NAME = "Osh spring cohort 2026"
# Staff write the cohort in English and translate its name, sessions and milestones.
COHORT_NAME_TRANSLATIONS = {
    "ky": {"name": "Ош, 2026-жылдын жазгы тобу"},
    "ru": {"name": "Ошская весенняя группа 2026"},
}
CALL_SLUG = "demo-osh-incubator-2026"
MORE_PARTICIPANTS = (
    ("asel@wcl.example", "Asel Toktogulova"),
    ("nurzhan@wcl.example", "Nurzhan Abdyrakhmanova"),
    ("meerim@wcl.example", "Meerim Sadykova"),
    ("zhyldyz@wcl.example", "Zhyldyz Usenova"),
    ("saikal@wcl.example", "Saikal Osmonova"),
    ("kanykei@wcl.example", "Kanykei Mamatova"),
)
# Demographics for the participants who gave none in the applications demo (Meerim
# deliberately answers nothing: the report's "not stated").
PARTICIPANT_DEMOGRAPHICS = {
    "participant@wcl.example": ("woman", 1996, "KG-O", "urban", "V_ARTS"),
    "nurzhan@wcl.example": ("woman", 1992, "KG-O", "rural", "PERF"),
    "saikal@wcl.example": ("woman", 2001, "KG-J", "rural", "DESIGN"),
    "kanykei@wcl.example": ("woman", 1985, "KG-N", "rural", "V_ARTS"),
}
# The other applicants to the closed call: women of several ages, regions and crafts.
PAST_APPLICANTS = (
    "Aida Bekova", "Aliya Joldosheva", "Ainura Kasymova", "Bermet Toktogulova", "Burul Asanova",
    "Gulzat Momunova", "Dinara Sydykova", "Elnura Imanalieva", "Jibek Osmonova", "Kalima Turdubaeva",
    "Mahabat Jumabaeva", "Nargiza Ergesheva", "Rahat Sultanova", "Sabina Abdrakhmanova",
    "Tolgonai Bakirova", "Umut Isakova", "Venera Kadyrova", "Zamira Mambetova", "Aizhan Nurlanova",
    "Cholpon Orozova", "Gulmira Satybaldieva", "Nurjamal Tashieva", "Perizat Usubalieva", "Asylgul Zhakypova",
)  # fmt: skip
REGIONS = ("KG-O", "KG-J", "KG-B", "KG-GO")
DOMAINS = ("V_ARTS", "PERF", "DESIGN", "CULT_NH")
# Translations of the milestones and sessions, by their English title.
TEXT_TRANSLATIONS = {
    "Business idea": {
        "ky": {"title": "Бизнес идея", "description": "Бир барак: эмне жасайсыз, кимге, эмне үчүн маанилүү."},
        "ru": {
            "title": "Бизнес-идея",
            "description": "Одна страница: что вы делаете, для кого и почему это важно.",
        },
    },
    "Pricing": {
        "ky": {"title": "Баа коюу", "description": "Чыгымдарыңыз жана бир буюмдун баасы."},
        "ru": {"title": "Ценообразование", "description": "Ваши расходы и цена одного изделия."},
    },
    "Welcome and your creative idea": {
        "ky": {"title": "Таанышуу жана сиздин чыгармачыл идеяңыз"},
        "ru": {"title": "Знакомство и ваша творческая идея"},
    },
    "Costs and prices": {"ky": {"title": "Чыгымдар жана баалар"}, "ru": {"title": "Расходы и цены"}},
    "Rewards for backers": {
        "ky": {"title": "Демөөрчүлөр үчүн сыйлыктар"},
        "ru": {"title": "Вознаграждения для спонсоров"},
    },
}
MILESTONES = (
    ("Business idea", "One page: what you make, for whom, why it matters.", -28, True),
    ("Prototype", "A photo of your first product or a short description of your service.", -10, True),
    ("Pricing", "Your costs and the price of one product.", 10, True),
    ("Campaign draft", "The story, goal and rewards of your crowdfunding campaign.", 40, False),
)
SESSIONS = (
    ("Welcome and your creative idea", -35),
    ("Costs and prices", -28),
    ("Photos of your products with a phone", -21),
    ("Telling your story", -14),
    ("Rewards for backers", 3),
    ("Preparing your campaign", 10),
)


def _user(email, name, roles):
    user = demo_user(email)
    if user is None:
        user = create_user(email, DEMO_PASSWORD, name, roles)
    return user


def _answers(person, gender, birth_year, region, settlement, domain, **more):
    if person.demographics is None:
        answers = {"gender": gender, "birth_year": birth_year, "region": region}
        answers |= {"settlement": settlement, "creative_domain": domain, **more}
        save_demographics(person, answers)


def _past_applications(staff, call):
    """The closed call's other applicants (created through the selection services, so
    their status history is real): 8 shortlisted, of whom 6 were later rejected and 2
    waitlisted, and 16 rejected without a shortlist."""
    ids = []
    for i, name in enumerate(PAST_APPLICANTS):
        person = _user(f"applicant{i + 1:02d}@wcl.example", name, [Role.APPLICANT])
        walking = {"wg_walking": "a_lot"} if i % 8 == 5 else {}
        settlement = "urban" if i % 3 == 0 else "rural"
        _answers(person, "woman", 1984 + (i * 7) % 22, REGIONS[i % 4], settlement, DOMAINS[i % 4], **walking)
        application = Application(
            call_id=call.id,
            applicant_id=person.id,
            status=ApplicationStatus.SUBMITTED,
            submitted_at=call.opens_at + timedelta(days=3 + i % 20),
        )
        snapshot_demographics(application, person)
        db.session.add(application)
        db.session.commit()
        ids.append(application.id)
    applications.shortlist(staff, ids[:8])
    applications.decide(staff, ids[:6], ApplicationStatus.REJECTED, "Thank you for applying.")
    applications.decide(staff, ids[6:8], ApplicationStatus.WAITLISTED, "You are on the waiting list.")
    applications.decide(staff, ids[8:], ApplicationStatus.REJECTED, "Thank you for applying.")


def accepted_application(person, call=None):
    """``person``'s accepted application in the Osh lab, made (accepted in the closed
    demo call, with her answers as its snapshot) if she has none; the campaigns demo
    enrols its creators from it."""
    call = call or _call(db.session.scalar(db.select(Lab).where(Lab.slug == "osh")))
    existing = db.session.scalar(
        db.select(Application)
        .join(Call, Call.id == Application.call_id)
        .where(
            Application.applicant_id == person.id,
            Application.status == ApplicationStatus.ACCEPTED,
            Call.lab_id == call.lab_id,
        )
    )
    if existing is not None:
        return existing
    application = Application(
        call_id=call.id,
        applicant_id=person.id,
        status=ApplicationStatus.ACCEPTED,
        submitted_at=call.opens_at + timedelta(days=5),
        decided_at=call.closes_at + timedelta(days=7),
    )
    snapshot_demographics(application, person)
    db.session.add(application)
    db.session.commit()
    return application


def _call(osh):
    call = db.session.scalar(db.select(Call).where(Call.slug == CALL_SLUG))
    if call is None:
        now = utcnow()
        call = Call(
            lab_id=osh.id,
            slug=CALL_SLUG,
            title_en="Osh creative incubator 2026",
            title_ru="Креативный инкубатор Ош 2026",
            title_ky="Ош чыгармачыл инкубатору 2026",
            opens_at=now - timedelta(days=120),
            closes_at=now - timedelta(days=75),
        )
        db.session.add(call)
        db.session.commit()
    return call


def _at(day_offset, hour_utc=4):
    day = date.today() + timedelta(days=day_offset)
    return datetime.combine(day, time(hour_utc), tzinfo=UTC)  # 10:00 in Bishkek


def _create_cohort(staff, osh):
    return services.create_cohort(
        staff,
        {
            "lab_id": osh.id,
            "name": COHORT_NAME,
            "starts_on": date.today() - timedelta(days=40),
            "ends_on": date.today() + timedelta(days=60),
            "capacity": 20,
            "is_online": False,
            "location": "Osh, Kurmanjan Datka street 271",
            "region": "KG-GO",
            "min_attendance_pct": 75,
            "require_milestones": True,
            "checkin_interval_days": 14,
            "language": "en",
            "translations": COHORT_NAME_TRANSLATIONS,
        },
    )


def _mentor_of(index, mentor, mentor2):
    # The first four participants are mentor@'s, the rest mentor2@'s.
    return mentor if index < 4 else mentor2


def _enrol_everyone(staff, cohort, call, people, mentor, mentor2):
    enrolments = []
    for index, person in enumerate(people):
        application = accepted_application(person, call)
        enrolments.append(
            services.enrol(staff, cohort, application.id, _mentor_of(index, mentor, mentor2).id)
        )
    return enrolments


def _add_sessions(staff, cohort):
    return [
        services.save_session(
            staff,
            cohort,
            {
                "title": title,
                "starts_at": _at(offset),
                "ends_at": _at(offset, 7),
                "place": "Osh lab, room 2",
                "link": None,
                "description": None,
                "translations": TEXT_TRANSLATIONS.get(title, {}),
            },
        )
        for title, offset in SESSIONS
    ]


def _mark_past_sessions(staff, sessions, enrolments):
    # Past sessions: most came; Saikal (index 5) missed three, one excused absence.
    for number, session in enumerate(s for s in sessions if s.starts_at < utcnow()):
        marks = {}
        for index, enrolment in enumerate(enrolments):
            if index == 5:
                marks[enrolment.id] = "present" if number == 0 else "absent"
            elif index == 2 and number == 2:
                marks[enrolment.id] = "excused"
            else:
                marks[enrolment.id] = "present"
        services.record_attendance(staff, session, marks)


def _add_milestones(staff, cohort):
    return [
        services.save_milestone(
            staff,
            cohort,
            {
                "title": t,
                "description": d,
                "due_on": date.today() + timedelta(days=due),
                "required": req,
                "translations": TEXT_TRANSLATIONS.get(t, {}),
            },
        )
        for t, d, due, req in MILESTONES
    ]


def _hand_in_work(people, enrolments, milestones, mentor, mentor2):
    for index, enrolment in enumerate(enrolments):
        person = people[index]
        reviewer = _mentor_of(index, mentor, mentor2)
        done = 3 if index == 0 else (2 if index in (1, 2, 4) else (1 if index != 5 else 0))
        for number, milestone in enumerate(milestones[:done]):
            progress = services.submit_evidence(
                person, enrolment, milestone.id, f"My work for “{milestone.title}”."
            )
            if not (index == 1 and number == 1):  # one piece waits for review
                services.review_evidence(reviewer, progress, "approved")


def _check_in(enrolments, mentor, mentor2):
    for index, enrolment in enumerate(enrolments):
        reviewer = _mentor_of(index, mentor, mentor2)
        status = "at_risk" if index == 5 else ("needs_support" if index == 3 else "on_track")
        services.record_checkin(
            reviewer,
            enrolment,
            date.today() - timedelta(days=20),
            "on_track",
            "First meeting: goals for the programme.",
        )
        if index != 6:  # Kanykei's check-in is overdue: her mentor gets a reminder
            services.record_checkin(
                reviewer,
                enrolment,
                date.today() - timedelta(days=3),
                status,
                "Missed three sessions; we agreed to talk every week."
                if status == "at_risk"
                else "Good progress.",
            )


def load():
    """Create the demo cohort once; later runs only print what exists."""
    osh = db.session.scalar(db.select(Lab).where(Lab.slug == "osh"))
    staff = demo_user("staff@wcl.example")
    if osh is None or staff is None:
        return ["Cohorts: skipped (run the accounts demo first)."]
    existing = db.session.scalar(db.select(Cohort).where(Cohort.lab_id == osh.id, Cohort.name == COHORT_NAME))
    if existing is not None:
        return [f"Cohort: {COHORT_NAME} (/cohorts/{existing.id}) already loaded."]

    mentor = demo_user("mentor@wcl.example")
    mentor2 = _user("mentor2@wcl.example", "Zarina Mentor", [Role.MENTOR])
    participant = demo_user("participant@wcl.example")
    others = [_user(email, name, [Role.APPLICANT]) for email, name in MORE_PARTICIPANTS]
    call = _call(osh)
    for person in [participant, *others]:
        if person.email in PARTICIPANT_DEMOGRAPHICS:
            _answers(person, *PARTICIPANT_DEMOGRAPHICS[person.email])
    _past_applications(staff, call)

    cohort = _create_cohort(staff, osh)
    people = [participant, *others]
    enrolments = _enrol_everyone(staff, cohort, call, people, mentor, mentor2)
    sessions = _add_sessions(staff, cohort)
    _mark_past_sessions(staff, sessions, enrolments)
    milestones = _add_milestones(staff, cohort)
    _hand_in_work(people, enrolments, milestones, mentor, mentor2)
    _check_in(enrolments, mentor, mentor2)
    services.sign_off_campaign_ready(mentor, db.session.get(Enrolment, enrolments[0].id))
    return [
        f"Cohort: {COHORT_NAME} (/cohorts/{cohort.id}) with {len(enrolments)} participants, "
        f"{len(sessions)} sessions, {len(milestones)} milestones; mentors mentor@ and mentor2@wcl.example; "
        "participant@wcl.example is campaign-ready.",
    ]
