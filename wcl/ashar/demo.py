"""Demo: an Ashar project in a Naryn village — a footbridge in Kara-Suu, Kochkor district —
proposed by a village initiative group, admitted by staff, its campaign live, matched by the
Kochkor ayil okmotu (1:1, up to 150 000 som per project, 600 000 som in all), with two labour
pledges, one confirmed with its certificate of contribution. Its paid money pledges come
from the payments demo (``wcl.payments.demo``, loaded after this one: the domain order keeps
Ashar from importing payments), confirmed as the sandbox checkout confirms them.

Built through the services, so the demo also exercises the real rules. Needs the
accounts demo first (labs and the staff login).
"""

import io
from datetime import timedelta

from PIL import Image
from werkzeug.datastructures import FileStorage

from wcl.accounts.demo import DEMO_PASSWORD, demo_user
from wcl.accounts.services import create_user
from wcl.ashar import services
from wcl.ashar.models import CommunityProject
from wcl.campaigns import services as campaigns
from wcl.extensions import db
from wcl.labs.models import Lab
from wcl.orgs.models import Organisation, OrgKind
from wcl.time import utcnow

LEAD_EMAIL = "ashar@wcl.example"
PROJECT_TITLE = "A footbridge for Kara-Suu"
MUNICIPALITY = ("Kochkor ayil okmotu", "Айыл окмоту Кочкор", "Кочкор айыл өкмөтү")


def _letter():
    """A small picture standing in for the photographed, signed commitment letter."""
    out = io.BytesIO()
    Image.new("RGB", (320, 440), (250, 248, 240)).save(out, "JPEG")
    return FileStorage(stream=io.BytesIO(out.getvalue()), filename="commitment-letter.jpg")


def _municipality():
    org = db.session.scalar(db.select(Organisation).where(Organisation.name_en == MUNICIPALITY[0]))
    if org is None:
        en, ru, ky = MUNICIPALITY
        org = Organisation(kind=OrgKind.STATE_BODY, name_en=en, name_ru=ru, name_ky=ky, region="KG-N")
        db.session.add(org)
        db.session.commit()
    return org


# The footbridge the Kara-Suu initiative group proposes, and what two villagers pledge in labour.
PROJECT = {
    "title": PROJECT_TITLE,
    "summary": "The village builds a footbridge over the Kochkor river so children reach school in spring.",
    "budget": 45_000_000,
    "currency": "KGS",
    "region": "KG-N",
    "district": "Kochkor",
    "village": "Kara-Suu",
    "group_name": "Kara-Suu initiative group",
    "members": [
        {"name": "Bakyt Asanov", "email": "bakyt.asanov@wcl.example"},
        {"name": "Ainura Toktogulova", "email": "ainura.t@wcl.example"},
    ],
}
BUDGET_LINES = [("Steel cables and planks", 30_000_000), ("Concrete for the two pillars", 15_000_000)]
INKIND = [  # (pledge, her language); the first is confirmed by staff
    (
        {
            "kind": "labour",
            "hours": 8,
            "description": "Digging the foundation of the pillars",
            "value": 400_000,
            "currency": "KGS",
            "name": "Nurlan Abdyrakhmanov",
            "email": "nurlan.a@wcl.example",
        },
        "ky",
    ),
    (
        {
            "kind": "labour",
            "hours": 16,
            "description": "Welding the railings",
            "value": 1_200_000,
            "currency": "KGS",
            "name": "Talant Osmonov",
            "email": "talant.o@wcl.example",
        },
        "ru",
    ),
]


def _match_terms(now):
    """The Kochkor ayil okmotu's 1:1 match of the district's projects, for four months."""
    return {
        "organisation_id": _municipality().id,
        "region": "KG-N",
        "district": "Kochkor",
        "ratio_num": 1,
        "ratio_den": 1,
        "cap_per_project": 15_000_000,
        "total": 60_000_000,
        "currency": "KGS",
        "starts_at": now - timedelta(days=1),
        "ends_at": now + timedelta(days=120),
    }


def load():
    """Create the project once; later runs only print what exists."""
    staff = demo_user("staff@wcl.example")
    kochkor = db.session.scalar(db.select(Lab).where(Lab.slug == "kochkor"))
    if staff is None or kochkor is None:
        return ["Ashar: skipped (run the accounts demo first)."]
    project = db.session.scalar(db.select(CommunityProject).where(CommunityProject.title == PROJECT_TITLE))
    if project is not None:
        return [f"Ashar: {PROJECT_TITLE} (/campaigns/{project.campaign.slug}) already loaded."]

    lead = demo_user(LEAD_EMAIL) or create_user(
        LEAD_EMAIL, DEMO_PASSWORD, "Gulnara Sydykova", [], locale="ky"
    )
    services.commit_match(staff, _match_terms(utcnow()), _letter())
    project = services.propose_project(lead, {**PROJECT, "lab_id": kochkor.id})
    services.admit_project(staff, project.id, note="Budget and village meeting minutes checked.")
    for description, amount in BUDGET_LINES:
        campaigns.add_budget_line(lead, project.campaign_id, description, amount)
    campaigns.submit_campaign(lead, project.campaign_id)
    campaigns.approve_campaign(staff, project.campaign_id)
    pledges = [services.pledge_inkind(None, project.id, dict(terms), locale=loc) for terms, loc in INKIND]
    services.confirm_inkind(staff, pledges[0].id)
    return [
        f"Ashar: {PROJECT_TITLE} (/campaigns/{project.campaign.slug}), Kochkor district, matched by "
        f"{MUNICIPALITY[0]}; lead {LEAD_EMAIL}; staff page /ashar/projects/{project.id}."
    ]
