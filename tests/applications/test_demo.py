"""``flask --app wcl demo`` shows the feature at once: an open call with reviewed applications."""

from wcl.accounts.demo import demo_user
from wcl.applications import demo, services
from wcl.applications.models import Application, Review
from wcl.demo import load_demo
from wcl.extensions import db


def test_demo_loads_an_open_call_with_reviews_and_is_idempotent(app_ctx):
    load_demo()
    load_demo()
    call = services.get_call_by_slug(demo.CALL_SLUG)
    assert call is not None and call.is_open() and call.lab.slug == "osh"
    assert len(call.questions) == 5 and len(call.criteria) == 3
    statuses = db.session.scalars(db.select(Application.status).where(Application.call_id == call.id)).all()
    assert sorted(statuses) == ["accepted", "draft"] + ["under_review"] * 4
    reviews = db.select(db.func.count(Review.id)).join(Application, Application.id == Review.application_id)
    assert db.session.scalar(reviews.where(Application.call_id == call.id)) == 10
    participant = demo_user("participant@wcl.example")
    accepted = services.find_application(participant, call)
    assert accepted.status == "accepted"  # the cohorts demo enrols her
    ranked = services.ranked_applications(call)
    assert ranked[0].application.id == accepted.id and all(r.mean is not None for r in ranked)
