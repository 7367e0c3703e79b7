"""The lab's own campaign (issue 18): staff create and launch it; its paid pledges,
net of refunds, flow into a matching pool or a grant fund of the same lab."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from tests.factories.accounts import UserFactory
from tests.factories.campaigns import MatchingPoolFactory, PledgeFactory, campaign_in_lab
from tests.factories.programme import LabFactory
from wcl.accounts.permissions import PermissionDenied, can
from wcl.audit.models import AuditEntry
from wcl.campaigns import services
from wcl.campaigns.errors import CampaignError
from wcl.campaigns.models import (
    Campaign,
    LabCampaignMovement,
    MatchingPool,
    MatchReservation,
    Pledge,
)
from wcl.campaigns.queries import campaign_lab_id, pool_lab_id
from wcl.core.ledger import check_ledger
from wcl.extensions import db
from wcl.grants import services as grants
from wcl.grants.models import FundMovement, GrantFund
from wcl.payments import services as payments
from wcl.time import utcnow

POOL = 500_000  # 5 000 som typed in by the sponsor's staff


def _data(world, **overrides):
    data = {
        "lab_id": world.lab_id,
        "title": "Train more women in Naryn",
        "summary": "Every som doubles a woman's campaign.",
        "story": "The lab trains women and matches their backers.",
        "goal": 50_000_000,
        "currency": "KGS",
        "starts_at": utcnow() - timedelta(hours=1),
        "ends_at": utcnow() + timedelta(days=30),
        "funding_model": "keep_it_all",
        "pool_id": world.pool_id,
    }
    data.update(overrides)
    return data


def build_world():
    lab, other_lab = LabFactory(), LabFactory()
    staff = UserFactory(roles=["staff"], lab_id=lab.id, locale="ky")
    other_staff = UserFactory(roles=["staff"], lab_id=other_lab.id)
    participant = UserFactory(roles=["participant"])
    woman = campaign_in_lab(lab)  # an individual campaign of the lab, matched by the pool
    pool = MatchingPoolFactory(campaigns=[woman], budget=POOL, created_by_id=staff.id)
    other_pool = MatchingPoolFactory(campaigns=[campaign_in_lab(other_lab)], created_by_id=other_staff.id)
    usd_pool = MatchingPoolFactory(campaigns=[campaign_in_lab(lab)], currency="USD", created_by_id=staff.id)
    db.session.commit()
    fund = grants.create_fund(staff, lab.id, "Seed fund", "KGS")
    other_fund = grants.create_fund(other_staff, other_lab.id, "Other seed fund", "KGS")
    return SimpleNamespace(
        lab_id=lab.id,
        other_lab_id=other_lab.id,
        staff_id=staff.id,
        other_staff_id=other_staff.id,
        participant_id=participant.id,
        woman_id=woman.id,
        pool_id=pool.id,
        other_pool_id=other_pool.id,
        usd_pool_id=usd_pool.id,
        fund_id=fund.id,
        other_fund_id=other_fund.id,
    )


@pytest.fixture
def world(app_ctx):
    return build_world()


def _user(user_id):
    from wcl.accounts.models import User

    return db.session.get(User, user_id)


def _lab_campaign(world, **overrides):
    campaign = services.create_lab_campaign(_user(world.staff_id), _data(world, **overrides))
    return services.launch_lab_campaign(_user(world.staff_id), campaign.id)


def _pool(pool_id):
    db.session.expire_all()
    return db.session.get(MatchingPool, pool_id)


def _ledger_whole():
    problems = check_ledger()
    problems.pop("stored files")
    assert problems == {name: [] for name in problems}


# --- creating and launching ---------------------------------------------------------


def test_staff_create_and_launch_a_lab_campaign_that_belongs_to_the_lab(world):
    campaign = _lab_campaign(world)
    assert campaign.status == "live" and campaign.lab_id == world.lab_id
    assert campaign.owner_id == world.staff_id  # who created it; no cohort gate for her
    assert campaign.feeds_pool_id == world.pool_id
    assert campaign_lab_id(campaign.id) == world.lab_id  # scope checks, reports, lists
    staff, other = _user(world.staff_id), _user(world.other_staff_id)
    assert can("campaigns.moderate", campaign, staff) and not can("campaigns.moderate", campaign, other)
    assert can("payments.refund", campaign, staff) and not can("payments.refund", campaign, other)
    assert [c.id for c in services.lab_campaigns_for(staff)] == [campaign.id]
    assert services.lab_campaigns_for(other) == []
    assert pool_lab_id(_pool(world.pool_id)) == world.lab_id


def test_a_lab_campaign_may_feed_a_grant_fund_of_its_lab(world):
    campaign = _lab_campaign(world, pool_id=None, fund_id=world.fund_id)
    assert campaign.feeds_fund_id == world.fund_id and campaign.feeds_pool_id is None


@pytest.mark.parametrize(
    ("overrides", "message_ru"),
    [
        ({"pool_id": "other"}, "Этот фонд софинансирования принадлежит другой лаборатории."),
        ({"pool_id": None, "fund_id": "other"}, "Этот грантовый фонд принадлежит другой лаборатории."),
        ({"pool_id": "usd"}, None),
        ({"currency": "USD"}, None),
        ({"pool_id": None}, None),
        ({"fund_id": "own"}, None),  # a pool and a fund at once
    ],
)
def test_bad_destinations_are_refused_with_a_translated_message_and_nothing_changed(
    world, overrides, message_ru
):
    ids = {"other": world.other_pool_id, "usd": world.usd_pool_id, "own": world.fund_id}
    if overrides.get("fund_id") == "other":
        ids["other"] = world.other_fund_id
    values = {k: ids.get(v, v) for k, v in overrides.items()}
    with force_locale("ru"), pytest.raises(CampaignError) as refused:
        services.create_lab_campaign(_user(world.staff_id), _data(world, **values))
    assert refused.value.field in ("destination", "currency")
    with force_locale("ru"):
        text = str(refused.value.message)
    assert text and (message_ru is None or text == message_ru)
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id)).where(Campaign.lab_id.is_not(None))) == 0


@pytest.mark.parametrize("who", ["participant_id", "other_staff_id"])
def test_only_staff_of_the_lab_create_a_lab_campaign(world, who):
    with pytest.raises(PermissionDenied):
        services.create_lab_campaign(_user(getattr(world, who)), _data(world))
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id)).where(Campaign.lab_id.is_not(None))) == 0


def test_only_staff_of_the_lab_launch_it(world):
    campaign = services.create_lab_campaign(_user(world.staff_id), _data(world))
    with pytest.raises(PermissionDenied):
        services.launch_lab_campaign(_user(world.other_staff_id), campaign.id)
    assert db.session.get(Campaign, campaign.id).status == "draft"


# --- money flowing in and out --------------------------------------------------------


def test_paid_pledges_grow_the_pool_once_and_refunds_shrink_it(world, client, run_jobs):
    from tests.campaigns.helpers import checkout_event, signed_webhook

    campaign = _lab_campaign(world)
    pledge = PledgeFactory(campaign=campaign, amount=200_000)
    db.session.commit()
    event = checkout_event(pledge)
    assert signed_webhook(client, event).status_code == 200
    assert signed_webhook(client, event).status_code == 200  # the same webhook twice
    event["id"] += "_resent"  # and told again under another event id
    assert signed_webhook(client, event).status_code == 200
    run_jobs()
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).status == "paid"
    pool = _pool(world.pool_id)
    assert (pool.budget, pool.from_campaigns) == (POOL + 200_000, 200_000)
    assert db.session.scalar(sa.select(sa.func.count(LabCampaignMovement.id))) == 1
    payments.mark_pledge_paid(pledge.id, 200_000, "KGS")  # a late repeat: nothing more
    assert _pool(world.pool_id).budget == POOL + 200_000

    payments.refund_pledge(pledge.id, amount=50_000)
    pool = _pool(world.pool_id)
    assert (pool.budget, pool.from_campaigns) == (POOL + 150_000, 150_000)
    payments.refund_pledge(pledge.id)
    pool = _pool(world.pool_id)
    assert (pool.budget, pool.from_campaigns) == (POOL, 0)
    kinds = db.session.scalars(sa.select(LabCampaignMovement.kind).order_by(LabCampaignMovement.id)).all()
    assert kinds == ["paid", "refunded", "refunded"]
    _ledger_whole()


def test_a_refund_that_would_go_below_what_is_reserved_is_held_and_shown_to_staff(world):
    campaign = _lab_campaign(world)
    lab_pledge = PledgeFactory(campaign=campaign, amount=300_000)
    db.session.commit()
    payments.mark_pledge_paid(lab_pledge.id, 300_000, "KGS")
    assert _pool(world.pool_id).budget == 800_000
    # A woman's campaign is matched 1:1 out of the pool: 700 000 of 800 000 reserved.
    woman = db.session.get(Campaign, world.woman_id)
    backer = PledgeFactory(campaign=woman, amount=700_000)
    db.session.commit()
    payments.mark_pledge_paid(backer.id, 700_000, "KGS")
    assert _pool(world.pool_id).reserved == 700_000

    payments.refund_pledge(lab_pledge.id)  # 800 000 − 300 000 < 700 000 reserved: held
    pool = _pool(world.pool_id)
    assert (pool.budget, pool.reserved, pool.from_campaigns) == (800_000, 700_000, 300_000)
    assert db.session.get(Pledge, lab_pledge.id).status == "refunded"  # the backer got her money
    held = services.held_refunds(_user(world.staff_id))
    assert [(m.kind, m.amount, m.status) for m in held] == [("refunded", 300_000, "held")]
    assert services.held_refunds(_user(world.other_staff_id)) == []
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "lab_campaign.refund_held"))
    assert entry.data["amount"] == 300_000
    _ledger_whole()


def test_staff_settle_a_held_refund_once_the_pool_has_room_again(world):
    from wcl.payments.errors import PaymentError  # noqa: PLC0415

    campaign = _lab_campaign(world)
    lab_pledge = PledgeFactory(campaign=campaign, amount=300_000)
    woman = db.session.get(Campaign, world.woman_id)
    backer = PledgeFactory(campaign=woman, amount=700_000)
    db.session.commit()
    payments.mark_pledge_paid(lab_pledge.id, 300_000, "KGS")
    payments.mark_pledge_paid(backer.id, 700_000, "KGS")
    payments.refund_pledge(lab_pledge.id)  # held: 700 000 of 800 000 reserved
    held = db.session.scalar(sa.select(LabCampaignMovement).where(LabCampaignMovement.status == "held"))
    staff, other = _user(world.staff_id), _user(world.other_staff_id)

    # Still no room: refused with a message, nothing changes.
    with force_locale("ru"):
        with pytest.raises(PaymentError) as refused:
            payments.settle_held_refund(staff, held.id)
        assert "резерв" in str(refused.value.message)
    assert (_pool(world.pool_id).budget, db.session.get(LabCampaignMovement, held.id).status) == (
        800_000,
        "held",
    )
    with pytest.raises(PermissionDenied):  # another lab's staff
        payments.settle_held_refund(other, held.id)

    payments.refund_pledge(backer.id)  # the woman's backer is refunded: her match is released
    assert _pool(world.pool_id).reserved == 0
    payments.settle_held_refund(staff, held.id)
    pool = _pool(world.pool_id)
    assert (pool.budget, pool.from_campaigns) == (500_000, 0)
    assert db.session.get(LabCampaignMovement, held.id).status == "applied"
    assert services.held_refunds(staff) == []
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "lab_campaign.refund_settled"))
    assert entry.data["amount"] == 300_000 and entry.actor_id == staff.id
    with pytest.raises(PaymentError):  # twice: the second changes nothing
        payments.settle_held_refund(staff, held.id)
    assert _pool(world.pool_id).budget == 500_000
    _ledger_whole()


def test_a_fund_grows_with_paid_pledges_and_a_refund_below_what_is_awarded_is_held(world):
    campaign = _lab_campaign(world, pool_id=None, fund_id=world.fund_id)
    first, second = (PledgeFactory(campaign=campaign, amount=100_000) for _ in range(2))
    db.session.commit()
    payments.mark_pledge_paid(first.id, 100_000, "KGS")
    payments.mark_pledge_paid(second.id, 100_000, "KGS")
    db.session.expire_all()
    assert db.session.get(GrantFund, world.fund_id).balance == 200_000
    payments.refund_pledge(first.id)
    db.session.expire_all()
    assert db.session.get(GrantFund, world.fund_id).balance == 100_000
    kinds = db.session.scalars(sa.select(FundMovement.kind).order_by(FundMovement.id)).all()
    assert kinds == ["campaign", "campaign", "refunded"]
    # Everything left is awarded (a movement as the award service writes it): the next refund is held.
    fund = db.session.get(GrantFund, world.fund_id)
    fund.balance = 0
    db.session.add(FundMovement(fund_id=fund.id, kind="awarded", amount=100_000))
    db.session.commit()
    payments.refund_pledge(second.id)
    db.session.expire_all()
    assert db.session.get(GrantFund, world.fund_id).balance == 0
    held = db.session.scalar(sa.select(LabCampaignMovement).where(LabCampaignMovement.status == "held"))
    assert (held.fund_id, held.amount) == (world.fund_id, 100_000)
    _ledger_whole()


def test_the_ledger_check_sees_a_pool_that_differs_from_its_movements(world):
    campaign = _lab_campaign(world)
    pledge = PledgeFactory(campaign=campaign, amount=100_000)
    db.session.commit()
    payments.mark_pledge_paid(pledge.id, 100_000, "KGS")
    _ledger_whole()
    db.session.execute(
        sa.update(MatchingPool).where(MatchingPool.id == world.pool_id).values(from_campaigns=1)
    )
    db.session.commit()
    assert check_ledger()["lab campaigns"]


# --- concurrency (real connections) ----------------------------------------------------


def test_concurrent_lab_payments_refunds_and_matches_never_overdraw_the_pool(app):
    with app.app_context():
        world = build_world()
        lab_campaign = _lab_campaign(world)
        woman = db.session.get(Campaign, world.woman_id)
        lab_pledges = [PledgeFactory(campaign=lab_campaign, amount=50_000) for _ in range(16)]
        refunded = lab_pledges[:8]
        match_pledges = [PledgeFactory(campaign=woman, amount=40_000) for _ in range(30)]
        db.session.commit()
        for p in refunded:  # paid beforehand, refunded during the race
            payments.mark_pledge_paid(p.id, 50_000, "KGS")
        tasks = [("pay", p.id, 50_000) for p in lab_pledges[8:]]
        tasks += [("refund", p.id, None) for p in refunded]
        tasks += [("pay", p.id, 40_000) for p in match_pledges]
        pool_id = world.pool_id

    def run(task):
        action, pledge_id, amount = task
        with app.app_context():
            try:
                if action == "pay":
                    return payments.mark_pledge_paid(pledge_id, amount, "KGS")
                return payments.refund_pledge(pledge_id)
            finally:
                db.session.remove()

    tasks.sort(key=lambda t: (t[1] * 7919) % 101)  # interleaved
    with ThreadPoolExecutor(max_workers=7) as executor:
        list(executor.map(run, tasks))
    with app.app_context():
        pool = _pool(pool_id)
        live = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(MatchReservation.amount), 0)).where(
                MatchReservation.pool_id == pool_id, MatchReservation.released_at.is_(None)
            )
        )
        movements = db.session.scalars(
            sa.select(LabCampaignMovement).where(LabCampaignMovement.status == "applied")
        ).all()
        assert pool.reserved == live
        assert 0 <= pool.reserved <= pool.budget  # never matches more than it holds
        assert pool.from_campaigns == sum(m.signed_amount for m in movements) >= 0
        assert pool.budget == POOL + pool.from_campaigns
        paid_in = sum(m.amount for m in movements if m.kind == "paid")
        assert paid_in == 16 * 50_000
        assert db.session.scalar(sa.select(sa.func.count(Pledge.id)).where(Pledge.status == "refunded")) == 8
        _ledger_whole()


# --- where the money goes: the page and the receipt ------------------------------------


@pytest.mark.parametrize(
    ("locale", "says"),
    [
        ("en", "it doubles a woman's campaign"),
        ("ru", "удваивает кампанию женщины"),
        ("ky", "аялдын кампаниясын эки эсе көбөйтөт"),
    ],
)
def test_the_page_says_where_the_money_goes_and_how_much_was_matched(world, client, locale, says):
    campaign = _lab_campaign(world)
    woman = db.session.get(Campaign, world.woman_id)
    backer = PledgeFactory(campaign=woman, amount=120_000)
    db.session.commit()
    payments.mark_pledge_paid(backer.id, 120_000, "KGS")  # 1 200 som matched out of the pool
    slug = campaign.slug
    db.session.remove()
    page = client.get(f"/campaigns/{slug}", headers={"Accept-Language": locale})
    html = " ".join(page.get_data(as_text=True).split())
    assert says in html.replace("&#39;", "'"), html[:3000]
    assert "1 200" in html or "1,200" in html


@pytest.mark.parametrize(
    ("locale", "says"),
    [
        ("en", "every som doubles a woman's campaign"),
        ("ru", "каждый сом удваивает кампанию женщины"),
        ("ky", "ар бир сом аялдын кампаниясын эки эсе көбөйтөт"),
    ],
)
def test_the_receipt_says_where_the_money_goes_in_one_line(world, locale, says):
    from tests.receipts.test_receipts import _text
    from wcl.receipts import services as receipts
    from wcl.receipts.models import Receipt

    campaign = _lab_campaign(world)
    pledge = PledgeFactory(campaign=campaign, amount=100_000, locale=locale)
    db.session.commit()
    payments.mark_pledge_paid(pledge.id, 100_000, "KGS")
    receipt = receipts.issue_receipt(pledge.id)
    receipts.render_receipt(receipt.id)
    text = " ".join(_text(receipts.pdf_bytes(db.session.get(Receipt, receipt.id))).split())
    assert says in text, text


# --- the staff page -----------------------------------------------------------------------


def test_staff_create_and_launch_through_the_page_and_see_held_refunds(world, client):
    from tests.factories.accounts import PASSWORD
    from tests.helpers import login, post_form

    staff = _user(world.staff_id)
    email = staff.email
    db.session.remove()
    login(client, email, PASSWORD)
    today = utcnow().date()
    response = post_form(
        client,
        "/campaigns/lab/",
        {
            "lab": str(world.lab_id),
            "destination": f"pool:{world.pool_id}",
            "title": "Train more women",
            "summary": "Every som doubles a woman's campaign.",
            "story": "",
            "goal": "500000",
            "currency": "KGS",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.lab_id == world.lab_id))
    assert campaign.feeds_pool_id == world.pool_id and campaign.status == "draft"
    campaign_id = campaign.id
    db.session.remove()
    response = post_form(client, f"/campaigns/lab/{campaign_id}/launch", {}, get_path="/campaigns/lab/")
    assert response.status_code == 302
    assert db.session.get(Campaign, campaign_id).status == "live"
    page = client.get("/campaigns/lab/").get_data(as_text=True)
    assert "Train more women" in page and "Refunds held back" in page


def test_a_participant_may_not_open_the_lab_campaigns_page(world, client):
    from tests.factories.accounts import PASSWORD
    from tests.helpers import login

    email = _user(world.participant_id).email
    db.session.remove()
    login(client, email, PASSWORD)
    assert client.get("/campaigns/lab/").status_code == 403


def test_a_pool_does_not_match_a_lab_campaign(world):
    campaign = _lab_campaign(world)
    staff = _user(world.staff_id)
    assert campaign.id not in [cid for cid, _title in services.pools.pool_choices(staff)]
    with pytest.raises(CampaignError):
        services.save_pool(
            staff,
            {
                "sponsor_name": "Aiyl Bank",
                "budget": 1_000_000,
                "currency": "KGS",
                "ratio_num": 1,
                "ratio_den": 1,
                "starts_at": utcnow(),
                "ends_at": utcnow() + timedelta(days=30),
                "campaign_ids": [campaign.id],
            },
        )
    assert db.session.scalar(sa.select(sa.func.count(MatchingPool.id))) == 3


def test_staff_settle_a_held_refund_from_the_page(world, client):
    from tests.factories.accounts import PASSWORD
    from tests.helpers import csrf_token, login

    campaign = _lab_campaign(world)
    lab_pledge = PledgeFactory(campaign=campaign, amount=300_000)
    backer = PledgeFactory(campaign=db.session.get(Campaign, world.woman_id), amount=700_000)
    db.session.commit()
    payments.mark_pledge_paid(lab_pledge.id, 300_000, "KGS")
    payments.mark_pledge_paid(backer.id, 700_000, "KGS")
    payments.refund_pledge(lab_pledge.id)  # held
    held_id = db.session.scalar(sa.select(LabCampaignMovement.id).where(LabCampaignMovement.status == "held"))
    backer_id = backer.id
    email = _user(world.staff_id).email
    db.session.remove()
    login(client, email, PASSWORD)
    page = client.get("/campaigns/lab/").get_data(as_text=True)
    assert f"/payments/lab-refunds/{held_id}/settle" in page
    token = csrf_token(client, "/campaigns/lab/")
    refused = client.post(
        f"/payments/lab-refunds/{held_id}/settle", data={"csrf_token": token}, follow_redirects=True
    )
    assert "There is still no room" in refused.get_data(as_text=True)
    payments.refund_pledge(backer_id)  # room again
    done = client.post(
        f"/payments/lab-refunds/{held_id}/settle", data={"csrf_token": token}, follow_redirects=True
    )
    assert "The refund is taken out of the pool or fund." in done.get_data(as_text=True)
    assert db.session.get(LabCampaignMovement, held_id).status == "applied"
