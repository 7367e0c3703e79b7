"""Demo: this year's mapping survey (30 answers from creative entrepreneurs across the
regions) and three public alumni profiles of the demo graduates, so the open-data page's
mapping section and the alumni directory show something."""

import random

import sqlalchemy as sa

from wcl.accounts.models import new_cell_key
from wcl.accounts.services import get_user_by_email
from wcl.campaigns.markup import render_markdown
from wcl.extensions import db
from wcl.outcomes import queries
from wcl.outcomes.models import (
    BUSINESS_SIZES,
    EXPORT_SHARES,
    TURNOVER_BANDS,
    AlumniProfile,
    MappingResponse,
)
from wcl.outcomes.services.mapping import CONSENT_VERSION
from wcl.time import utcnow

SURVEY_ANSWERS = 30
# Most answers come from the programme's regions and from crafts, as in the labs.
DOMAINS = (
    ("V_ARTS",) * 12 + ("DESIGN",) * 6 + ("PERF",) * 3 + ("CULT_NH",) * 3 + ("AV_MEDIA", "TOURISM", "PRINT")
)
REGIONS = ("KG-O",) * 8 + ("KG-J",) * 6 + ("KG-N",) * 6 + ("KG-B",) * 5 + ("KG-GB",) * 3 + ("KG-C", "KG-Y")
PROFILES = (
    (
        "alumna1@wcl.example",
        "Gulnara — felt and shyrdak",
        "V_ARTS",
        "KG-O",
        "I make **shyrdak** felt rugs with natural dyes, and teach two apprentices.\n\n"
        "Orders are welcome from March to November.",
        ["https://example.com/gulnara-felt"],
    ),
    (
        "alumna3@wcl.example",
        "Nazira B.",
        "DESIGN",
        "KG-O",
        "Clothing design with Kyrgyz ornaments: small series, made to order.",
        ["https://example.com/nazira-design", "https://example.org/shop/nazira"],
    ),
    (
        "alumna6@wcl.example",
        "Feruza Karimova",
        "AV_MEDIA",
        "KG-O",
        "Short documentary films about women makers in the south.",
        [],
    ),
)


def _survey(year):
    rng = random.Random(f"wcl mapping demo {year}")
    for _ in range(SURVEY_ANSWERS):
        exports = rng.random() < 0.3
        db.session.add(
            MappingResponse(
                year=year,
                submitted_at=utcnow(),
                locale=rng.choice(("ky", "ru", "ky", "en")),
                cell_key=new_cell_key(),
                consent_version=CONSENT_VERSION,
                creative_domain=rng.choice(DOMAINS),
                region=rng.choice(REGIONS),
                settlement=rng.choice(("rural", "rural", "urban")),
                size=rng.choice(BUSINESS_SIZES[:3]),
                turnover_band=rng.choice(TURNOVER_BANDS[:4]),
                employees_women=rng.choice((0, 0, 1, 1, 2, 3)),
                employees_men=rng.choice((0, 0, 0, 1)),
                exports=exports,
                export_share=rng.choice(EXPORT_SHARES) if exports else None,
            )
        )


def _profiles():
    made = 0
    for email, name, domain, region, bio, links in PROFILES:
        user = get_user_by_email(email)
        enrolment = user and queries.graduated_enrolment(user.id)
        if enrolment is None or queries.own_profile(user.id) is not None:
            continue
        db.session.add(
            AlumniProfile(
                user_id=user.id,
                enrolment_id=enrolment.id,
                display_name=name,
                creative_domain=domain,
                region=region,
                bio=bio,
                bio_html=render_markdown(bio),
                links=links,
            )
        )
        made += 1
    return made


def load():
    """Add the survey answers and the profiles once."""
    year = utcnow().year
    if db.session.scalar(sa.select(MappingResponse.id).where(MappingResponse.year == year).limit(1)):
        return ["Mapping survey and alumni: already loaded (/mapping-survey, /alumni/)."]
    _survey(year)
    made = _profiles()
    db.session.commit()
    return [
        f"Mapping survey: {SURVEY_ANSWERS} answers (/open-data/{year}); alumni: {made} public profiles (/alumni/)."
    ]
