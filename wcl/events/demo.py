"""Demo: the "Create4 Fall Festival" at the Osh lab, a series of three events.

The opening (plenty of places, guests and a demo participant registered), a
workshop that is full (five places, two people on the waitlist), a meetup that
already took place (people checked in at the door, most of them gave their gender
and birth year with consent: the "Who came" counts read as a real event), and a
draft pitch day staff have not published yet. Events are made and published through
the services; the registrations are written as history, their tickets marked as
already emailed: the demo's guests have no real addresses, and forty ticket emails
would only hold up the queue in front of real work (the registration rules have
their own tests).
"""

from datetime import timedelta

from wcl.accounts.demo import demo_user
from wcl.accounts.models import new_cell_key
from wcl.accounts.services import CONSENT_VERSION
from wcl.events import services
from wcl.events.models import Event, EventStatus, Registration, RegistrationStatus
from wcl.events.services.tickets import new_ticket_code
from wcl.extensions import db
from wcl.labs.models import Lab
from wcl.time import utcnow

SERIES = "Create4 Fall Festival"
ORGANISER = "Create4 with the Osh mayor's office"
GUESTS = (
    "Aigul Mamytova", "Bermet Asanova", "Cholpon Sadykova", "Dilnoza Yusupova", "Elmira Bakirova",
    "Gulnara Tashieva", "Jyldyz Kasymova", "Kanykei Orozova", "Meerim Abdieva", "Nazira Toktosunova",
    "Nurgul Isakova", "Saltanat Osmonova", "Timur Bekov", "Azamat Usenov", "Zarina Jumabaeva",
    "Aida Ergesheva", "Rahima Sultanova", "Umut Mambetova",
)  # fmt: skip
MEN = {"Timur Bekov", "Azamat Usenov"}


def _event(staff, lab, title, start_in_days, hours, capacity, place, texts):
    existing = db.session.scalar(db.select(Event).where(Event.series == SERIES, Event.title_en == title[0]))
    if existing is not None:
        return existing, False
    starts = (utcnow() + timedelta(days=start_in_days)).replace(hour=5, minute=0, second=0, microsecond=0)
    data = {
        "lab_id": lab.id,
        "series": SERIES,
        "organiser": ORGANISER,
        "title_en": title[0],
        "title_ru": title[1],
        "title_ky": title[2],
        "description_en": texts[0],
        "description_ru": texts[1],
        "description_ky": texts[2],
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=hours),
        "place": place,
        "online_url": None,
        "capacity": capacity,
        "registration_required": True,
    }
    return services.create_event(staff, data), True


def _email(name):
    return name.lower().replace(" ", ".") + "@guest.example"


def _seat(event, name, email, locale, user=None, **extra):
    """A registration as the service would have made it: a place while there is room."""
    taken = db.session.scalar(
        db.select(db.func.count(Registration.id)).where(
            Registration.event_id == event.id, Registration.status.in_(RegistrationStatus.HOLDING)
        )
    )
    status = RegistrationStatus.REGISTERED if taken < event.capacity else RegistrationStatus.WAITLISTED
    now = utcnow()
    registration = Registration(
        event_id=event.id,
        user_id=getattr(user, "id", None),
        name=name,
        email=email,
        locale=locale,
        status=status,
        ticket_code=new_ticket_code(),
        created_at=now,
        ticket_emailed_at=now if status == RegistrationStatus.REGISTERED else None,
        cell_key=user.cell_key if user is not None else new_cell_key(),
        **extra,
    )
    db.session.add(registration)
    db.session.flush()
    return registration


def _opening(staff, lab):
    """The festival opening: published, 15 seats taken (one by the demo participant)."""
    opening, new = _event(
        staff,
        lab,
        ("Festival opening: creative industries of the south", "Открытие фестиваля: креативные индустрии юга",
         "Фестивалдын ачылышы: түштүктүн чыгармачыл индустриялары"),
        10, 4, 120, "Osh, Philharmonic hall",
        ("Makers, designers and musicians of Osh, Jalal-Abad and Batken show their work.",
         "Мастера, дизайнеры и музыканты Оша, Джалал-Абада и Баткена показывают свои работы.",
         "Ош, Жалал-Абад жана Баткендин усталары, дизайнерлери жана музыканттары эмгектерин көрсөтүшөт."),
    )  # fmt: skip
    if new:
        services.publish_event(staff, opening.id)
        for name in GUESTS[:14]:
            _seat(opening, name, _email(name), "ky")
        participant = demo_user("participant@wcl.example")
        if participant is not None:
            _seat(opening, participant.public_name, participant.email, "ky", user=participant)
        db.session.commit()


def _workshop(staff, lab):
    """A five-seat workshop, full: the next registrations wait."""
    workshop, new = _event(
        staff,
        lab,
        ("Workshop: pricing handmade products", "Мастер-класс: как назначить цену изделию ручной работы",
         "Устаткана: кол өнөрчүлүк буюмуна баа коюу"),
        11, 2, 5, "Osh, Creative hub, room 2",
        ("Costs, margins and the price of one product, with a local crafts trader.",
         "Затраты, наценка и цена одного изделия — вместе с местным торговцем ремёслами.",
         "Чыгымдар, үстөк баа жана бир буюмдун баасы — жергиликтүү кол өнөрчүлүк соодагери менен."),
    )  # fmt: skip
    if new:
        services.publish_event(staff, workshop.id)
        for name in GUESTS[:7]:
            _seat(workshop, name, _email(name), "ru")
        db.session.commit()


def _meetup(staff, lab):
    """A meetup twenty days ago: 18 registered, 15 came, most answered the optional questions."""
    meetup, new = _event(
        staff,
        lab,
        ("Meetup: women in crafts", "Встреча: женщины в ремёслах", "Жолугушуу: кол өнөрчүлүктөгү аялдар"),
        30, 3, 40, "Osh, Creative hub",
        ("An evening of stories from women who made a living of their craft.",
         "Вечер историй женщин, которые сделали ремесло своим делом.",
         "Кол өнөрчүлүгүн кесипке айланткан аялдардын окуялар кечеси."),
    )  # fmt: skip
    if new:
        # History: the meetup took place twenty days ago; 18 registered, 15 came.
        meetup.starts_at = utcnow().replace(minute=0, second=0, microsecond=0) - timedelta(days=20)
        meetup.ends_at = meetup.starts_at + timedelta(hours=3)
        meetup.status = EventStatus.PUBLISHED
        meetup.published_at = meetup.starts_at - timedelta(days=14)
        for i, name in enumerate(GUESTS):
            came = i < 15
            answered = i % 6 != 5  # most answered the two optional questions
            db.session.add(
                Registration(
                    event_id=meetup.id,
                    name=name,
                    email=_email(name),
                    locale="ky" if i % 2 else "ru",
                    status=RegistrationStatus.CHECKED_IN if came else RegistrationStatus.REGISTERED,
                    ticket_code=new_ticket_code(),
                    created_at=meetup.starts_at - timedelta(days=10 - i % 7),
                    checked_in_at=meetup.starts_at + timedelta(minutes=5 + i) if came else None,
                    checked_in_by_id=staff.id if came else None,
                    cell_key=new_cell_key(),
                    gender=("man" if name in MEN else "woman") if answered else None,
                    birth_year=(1975 + (i * 3) % 30) if answered else None,
                    consent_version=CONSENT_VERSION if answered else None,
                    consent_at=meetup.starts_at - timedelta(days=10) if answered else None,
                )
            )
        db.session.commit()


def _pitch_day(staff, lab):
    """The festival's pitch day, a draft staff will schedule finalists into."""
    _event(
        staff,
        lab,
        ("Pitch day of the Fall Festival", "Питч-день осеннего фестиваля", "Күзгү фестивалдын питч күнү"),
        12, 3, 80, "Osh, Philharmonic hall",
        ("Finalists of the festival's incubation pitch to a jury.", "Финалисты инкубации фестиваля выступают перед жюри.",
         "Фестивалдын инкубациясынын финалисттери калыстар алдында чыгып сүйлөшөт."),
    )  # fmt: skip


def load():
    """Create the festival's events and registrations if missing."""
    staff = demo_user("admin@wcl.example")
    lab = db.session.scalar(db.select(Lab).where(Lab.slug == "osh"))
    if staff is None or lab is None:
        return []
    for make in (_opening, _workshop, _meetup, _pitch_day):
        make(staff, lab)
    return [f"Events: {SERIES} — opening, a full workshop with a waitlist, a past meetup, a draft pitch day"]
