"""The knowledge bank demo: twenty published resources in three languages, loaded once."""

from wcl.demo import DEMO_LOADERS, load_demo
from wcl.extensions import db
from wcl.knowledge.models import Resource


def test_demo_resources(app_ctx):
    assert DEMO_LOADERS.index("wcl.knowledge.demo.load") > DEMO_LOADERS.index("wcl.cohorts.demo.load")
    load_demo()
    published = db.session.scalars(db.select(Resource).where(Resource.status == "published")).all()
    assert len(published) == 20
    assert {code for r in published for code in r.language_codes} == {"ky", "ru", "en"}
    assert {r.kind for r in published} == {"article", "video", "template", "file"}
    assert any(r.source_material_id for r in published)
    assert any(r.visibility == "members" for r in published)
    assert db.session.scalar(db.select(db.func.count()).where(Resource.status == "suggested")) == 1
    assert any("already loaded" in line for line in load_demo())
    assert db.session.scalar(db.select(db.func.count(Resource.id))) == 21
