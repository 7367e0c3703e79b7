"""A municipality's match: a matching pool for its territory, with the signed letter; never
more than its total or its cap per project, even when payments arrive at once."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from tests.ashar.conftest import letter, live_project, match_data, proposed, user
from tests.factories.campaigns import PledgeFactory
from wcl.accounts.permissions import PermissionDenied
from wcl.ashar import services
from wcl.ashar.errors import AsharError
from wcl.ashar.models import MatchCommitment
from wcl.audit.models import AuditEntry
from wcl.campaigns.models import MatchingPool, MatchReservation
from wcl.extensions import db
from wcl.payments import services as payments


def _count(model):
    return db.session.scalar(db.select(sa.func.count()).select_from(model))


def test_a_commitment_is_a_pool_for_the_territorys_admitted_projects(world):
    here = live_project(world)
    elsewhere = live_project(world, district="At-Bashy", title="A school roof")
    waiting = proposed(world, title="A water pipe")
    commitment = services.commit_match(user(world.staff_id), match_data(world), letter())
    pool = commitment.pool
    assert (pool.budget, pool.cap_per_campaign, pool.ratio_num, pool.ratio_den) == (
        30_000_000,
        10_000_000,
        1,
        1,
    )
    assert [c.id for c in pool.campaigns] == [here.campaign_id]
    assert commitment.entered_by_id == world.staff_id and commitment.letter.mimetype == "application/pdf"
    # A project of the territory admitted later joins the pool.
    services.admit_project(user(world.staff_id), waiting.id)
    db.session.expire_all()
    assert {c.id for c in db.session.get(MatchingPool, pool.id).campaigns} == {
        here.campaign_id,
        waiting.campaign_id,
    }
    assert elsewhere.campaign_id not in {c.id for c in db.session.get(MatchingPool, pool.id).campaigns}
    assert (
        db.session.scalar(
            db.select(sa.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "ashar.match_committed")
        )
        == 1
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"cap_per_project": 40_000_000}, "cap_per_project"),  # above the total
        ({"total": -100}, "total"),
        ({"total": 0}, "total"),
        ({"currency": "USD"}, "currency"),
        ({"ratio_num": 0}, "ratio_num"),
        ({"region": "nowhere"}, "region"),
    ],
)
def test_bad_commitments_are_refused_and_change_nothing(world, overrides, field):
    with pytest.raises(AsharError) as refused:
        services.commit_match(user(world.staff_id), match_data(world, **overrides), letter())
    assert refused.value.field == field
    assert _count(MatchCommitment) == 0 and _count(MatchingPool) == 0


def test_a_commitment_without_its_letter_or_with_a_fake_one_is_refused(world):
    with pytest.raises(AsharError, match="commitment letter") as refused:
        services.commit_match(user(world.staff_id), match_data(world), None)
    assert refused.value.field == "letter"
    with pytest.raises(AsharError) as refused:
        services.commit_match(user(world.staff_id), match_data(world), letter("letter.pdf", b"MZ not a pdf"))
    assert refused.value.field == "letter"
    assert _count(MatchCommitment) == 0 and _count(MatchingPool) == 0


def test_only_a_municipality_commits_and_only_staff_enter_it(world):
    with pytest.raises(AsharError) as refused:
        services.commit_match(
            user(world.staff_id), match_data(world, organisation_id=world.company_id), letter()
        )
    assert refused.value.field == "organisation_id"
    with pytest.raises(PermissionDenied):
        services.commit_match(user(world.lead_id), match_data(world), letter())
    assert _count(MatchingPool) == 0


def test_concurrent_payments_never_exceed_the_total_or_the_cap_per_project(app):
    """16 pledges paid at once in each of three projects: the municipality matches 1:1,
    at most 100 000 som per project and 250 000 som in all."""
    from tests.ashar.conftest import build_world

    with app.app_context():
        world = build_world()
        projects = [live_project(world, title=f"Project {n}") for n in range(3)]
        services.commit_match(
            user(world.staff_id),
            match_data(world, cap_per_project=10_000_000, total=25_000_000),
            letter(),
        )
        pool_id = db.session.scalar(db.select(MatchingPool.id))
        ids = [
            PledgeFactory(campaign=project.campaign, amount=1_000_000).id
            for project in projects
            for _ in range(16)
        ]

    def pay(pledge_id):
        with app.app_context():
            try:
                return payments.mark_pledge_paid(pledge_id, 1_000_000, "KGS")
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=7) as executor:
        outcomes = list(executor.map(pay, ids))
    assert all(o.startswith("paid") for o in outcomes)
    with app.app_context():
        pool = db.session.get(MatchingPool, pool_id)
        live = db.session.scalar(
            db.select(sa.func.sum(MatchReservation.amount)).where(MatchReservation.released_at.is_(None))
        )
        assert pool.reserved == live == 25_000_000  # demand was 480 000 som: exactly the total
        per_project = db.session.execute(
            db.select(MatchReservation.campaign_id, sa.func.sum(MatchReservation.amount)).group_by(
                MatchReservation.campaign_id
            )
        ).all()
        assert max(amount for _cid, amount in per_project) <= 10_000_000
