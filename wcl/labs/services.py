"""Lab lookups and the seed list of the programme's labs."""

from wcl.extensions import db
from wcl.labs.models import Lab

# The programme's labs (DESIGN.md: Osh, Jalal-Abad, Batken and village labs in Naryn).
SEED_LABS = (
    ("osh", "Osh", "Ош", "Ош", "KG-GO"),
    ("jalal-abad", "Jalal-Abad", "Джалал-Абад", "Жалал-Абад", "KG-J"),
    ("batken", "Batken", "Баткен", "Баткен", "KG-B"),
    ("at-bashy", "At-Bashy", "Ат-Баши", "Ат-Башы", "KG-N"),
    ("kochkor", "Kochkor", "Кочкор", "Кочкор", "KG-N"),
    ("kyzart", "Kyzart", "Кызарт", "Кызарт", "KG-N"),
)


def all_labs():
    """Every lab, by name."""
    return db.session.scalars(db.select(Lab).order_by(Lab.name_en)).all()


def ensure_seed_labs():
    """Create the programme's labs if missing (idempotent); commits."""
    existing = set(db.session.scalars(db.select(Lab.slug)))
    for slug, en, ru, ky, region in SEED_LABS:
        if slug not in existing:
            db.session.add(Lab(slug=slug, name_en=en, name_ru=ru, name_ky=ky, region=region))
    db.session.commit()
    return all_labs()
