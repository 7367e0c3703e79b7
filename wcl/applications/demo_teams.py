"""Demo data for issue 20: a hackathon call taking teams (and organisations), three
teams formed by invitation (one of three people, one still waiting for a member), an
organisation's draft, and a partner organisation named co-reviewer whose person
reviews a team's application."""

from wcl.accounts.demo import DEMO_PASSWORD, demo_user
from wcl.accounts.services import create_user, save_demographics
from wcl.applications import services
from wcl.applications.demo import add_demo_criteria, open_demo_call
from wcl.extensions import db
from wcl.labs.models import Lab
from wcl.orgs.models import Organisation
from wcl.orgs.services import add_member

HACKATHON_SLUG = "create4-hackathon-2026"
TEXTS = {
    "title_en": "Create4 Hackathon 2026",
    "title_ru": "Хакатон Create4 2026",
    "title_ky": "Create4 хакатону 2026",
    "description_en": "Two days to build a product for the creative industries, in teams of 2 to 4.",
    "description_ru": "Два дня, чтобы создать продукт для креативных индустрий, в командах от 2 до 4 человек.",
    "description_ky": "Чыгармачыл индустриялар үчүн продукт түзүүгө эки күн, 2ден 4кө чейинки командаларда.",
    "eligibility_en": "Teams of 2 to 4 people aged 18 or over, and creative organisations.",
    "eligibility_ru": "Команды от 2 до 4 человек старше 18 лет и творческие организации.",
    "eligibility_ky": "18 жаштан жогору 2ден 4кө чейинки адамдардан турган командалар жана чыгармачыл уюмдар.",
}
CRITERIA = (
    ("Idea", "Идея", "Идея", 2),
    ("Team", "Команда", "Команда", 1),
)
# email, name, gender, birth year, region
PEOPLE = (
    ("aizada@wcl.example", "Aizada Bekova", "woman", 1998, "KG-O"),
    ("begaiym@wcl.example", "Begaiym Turdueva", "woman", 2002, "KG-GO"),
    ("cholpon@wcl.example", "Cholpon Asanova", "woman", 1994, "KG-J"),
    ("daniyar@wcl.example", "Daniyar Osmonov", "man", 1996, "KG-O"),
    ("elmira@wcl.example", "Elmira Saparova", "woman", 1988, "KG-B"),
    ("farida@wcl.example", "Farida Kadyrova", "woman", 2000, "KG-N"),
    ("gulnara@wcl.example", "Gulnara Mamatova", "woman", 1979, "KG-B"),
)
# team name, lead, members who joined, members still invited, submitted?
TEAMS = (
    ("Felt & Code", "aizada@wcl.example", ("begaiym@wcl.example", "cholpon@wcl.example"), (), True),
    ("Osh Sound Lab", "daniyar@wcl.example", ("farida@wcl.example",), (), True),
    ("Batken Makers", "elmira@wcl.example", (), ("gulnara@wcl.example",), False),
)
PARTNER_EMAIL = "partner@wcl.example"


def _person(email, name, gender, birth_year, region):
    user = demo_user(email) or create_user(email, DEMO_PASSWORD, name, ["applicant"])
    if user.demographics is None:
        save_demographics(user, {"gender": gender, "birth_year": birth_year, "region": region})
    return user


def _call(staff, lab):
    call = open_demo_call(staff, lab, TEXTS, closes_in_days=20, reviews_required=1, blind_review=False)
    add_demo_criteria(staff, call, CRITERIA)
    services.set_applicant_kinds(staff, call, False, True, True, 2, 4)
    return call


def _team(call, name, lead, joined, invited, submit):
    application = services.start_team_application(lead, call, name, consent=True)
    services.save_about(lead, application, lead.full_name, "+996 555 000 111", "Osh", None)
    for person in joined:
        member = services.invite_member(lead, application, person.email)
        services.accept_invitation(person, services.team_invite_token(member), consent=True)
    for person in invited:
        services.invite_member(lead, application, person.email)
    if submit:
        services.submit_application(lead, application)
    return application


def load():
    """Create the hackathon once (idempotent)."""
    if services.get_call_by_slug(HACKATHON_SLUG) is not None:
        return [f"Teams: hackathon at /calls/{HACKATHON_SLUG} (already loaded)"]
    staff = demo_user("staff@wcl.example")
    admin = demo_user("admin@wcl.example")
    lab = db.session.scalar(db.select(Lab).where(Lab.slug == "osh"))
    if staff is None or lab is None:
        return ["Teams: skipped (run the accounts demo first)."]
    call = _call(staff, lab)
    people = {row[0]: _person(*row) for row in PEOPLE}
    submitted = []
    for name, lead, joined, invited, submit in TEAMS:
        application = _team(
            call, name, people[lead], [people[e] for e in joined], [people[e] for e in invited], submit
        )
        if submit:
            submitted.append(application)
    lines = [
        f"Teams: hackathon at /calls/{HACKATHON_SLUG} with {len(TEAMS)} teams "
        f"(leads {', '.join(t[1] for t in TEAMS)}); password as above."
    ]
    mayor = db.session.scalar(
        db.select(Organisation).where(Organisation.name_en == "Osh city mayor's office")
    )
    if mayor is not None and admin is not None:
        partner = demo_user(PARTNER_EMAIL) or create_user(
            PARTNER_EMAIL, DEMO_PASSWORD, "Nurlan Partnerov", []
        )
        add_member(admin, mayor, partner.email, "member")
        services.name_co_reviewer(staff, call, mayor)
        application = submitted[0]
        services.assign_reviewer(staff, application, partner)
        services.save_review(
            partner, application, {c.id: 4 for c in call.criteria}, "A strong team with a clear idea."
        )
        lines.append(
            f"  co-reviewer: the Osh mayor's office; {PARTNER_EMAIL} reviewed '{application.team_name}'."
        )
    union = db.session.scalar(
        db.select(Organisation).where(Organisation.name_en == "Kyrgyz Felt Makers Union")
    )
    participant = demo_user("participant@wcl.example")
    if union is not None and participant is not None:
        services.start_organisation_application(participant, call, union)
        lines.append("  participant@wcl.example has started the Kyrgyz Felt Makers Union's application.")
    return lines
