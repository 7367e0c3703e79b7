"""The organisations demo: a dozen organisations with partnerships and directory entries, loaded once."""

from wcl.accounts import demo as accounts_demo
from wcl.demo import DEMO_LOADERS
from wcl.extensions import db
from wcl.orgs import demo
from wcl.orgs.models import DirectoryEntry, Organisation, Partnership


def _count(model):
    return db.session.scalar(db.select(db.func.count(model.id)))


def test_demo_organisations(app_ctx):
    assert DEMO_LOADERS.index("wcl.orgs.demo.load") == DEMO_LOADERS.index("wcl.accounts.demo.load") + 1
    accounts_demo.load()
    demo.load()
    assert _count(Organisation) == 12
    kinds = set(db.session.scalars(db.select(Organisation.kind)))
    assert kinds == {"city_admin", "donor", "state_body", "company", "academia", "media", "ngo"}
    assert _count(Partnership) >= 12 and _count(DirectoryEntry) >= 5
    assert any("already loaded" in line for line in demo.load())
    assert _count(Organisation) == 12
