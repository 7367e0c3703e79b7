"""The demo hackathon's pitch day: scored by a jury, published, three winners; loaded once."""

import sqlalchemy as sa

from wcl.applications.demo_teams import HACKATHON_SLUG
from wcl.demo import DEMO_LOADERS, load_demo
from wcl.extensions import db
from wcl.pitch import services
from wcl.pitch.models import PitchDay, PitchScore


def test_demo_pitch_day(app_ctx):
    assert "wcl.pitch.demo.load" in DEMO_LOADERS
    load_demo()
    day = db.session.scalar(sa.select(PitchDay))
    # The teams demo's call, named by its slug (not whatever call's slug contains "hackathon").
    assert day.is_published and day.call.slug == HACKATHON_SLUG
    public = services.public_results(day)
    assert len(public.winners) == 3 and len(public.participants) == 2
    assert [w.rank for w in public.winners] == [1, 2, 3]
    assert all(f.certificate_code for f in day.finalists)
    scores = db.session.scalar(sa.select(sa.func.count(PitchScore.id)))
    load_demo()
    assert db.session.scalar(sa.select(sa.func.count(PitchDay.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(PitchScore.id))) == scores
