"""The programme's labs: the seed list and names in three languages."""

from wcl.extensions import db
from wcl.labs.models import Lab
from wcl.labs.services import SEED_LABS, all_labs, ensure_seed_labs
from wcl.reference import REGION_CODES


def test_seed_labs_are_created_once(app_ctx):
    labs = ensure_seed_labs()
    assert sorted(lab.slug for lab in labs) == sorted(row[0] for row in SEED_LABS)
    assert ensure_seed_labs() == labs  # idempotent: nothing added the second time
    assert db.session.scalar(db.select(db.func.count(Lab.id))) == len(SEED_LABS)


def test_every_lab_sits_in_a_kyrgyz_region_and_has_three_names(app_ctx):
    for lab in ensure_seed_labs():
        assert lab.region in REGION_CODES
        assert lab.name("en") and lab.name("ru") and lab.name("ky")
    osh = next(lab for lab in all_labs() if lab.slug == "osh")
    assert (osh.name("en"), osh.name("ru"), osh.name("ky")) == ("Osh", "Ош", "Ош")
    assert osh.name("de") == "Osh"  # an unknown language falls back to English


def test_all_labs_are_listed_by_english_name(app_ctx):
    names = [lab.name_en for lab in ensure_seed_labs()]
    assert names == sorted(names)
