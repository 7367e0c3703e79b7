"""Offline payments: a coordinator records cash, bank or QR transfers with proof."""

import io
import re

import pytest

from tests.campaigns.helpers import bomb_bytes, png_bytes
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.campaigns import CampaignFactory, MatchingPoolFactory, RewardTierFactory
from tests.helpers import login, post_form
from wcl.audit.models import AuditEntry
from wcl.campaigns.models import Campaign, MatchReservation, Pledge, RewardTier
from wcl.extensions import db
from wcl.files.models import StoredFile
from wcl.time import utcnow


@pytest.fixture
def setup(app, client):
    with app.app_context():
        campaign = CampaignFactory(slug="felt")
        tier = RewardTierFactory(campaign=campaign, min_amount=100_000, quantity=2)
        MatchingPoolFactory(campaigns=[campaign], budget=50_000)
        UserFactory(email="coord@example.org", full_name="Coordinator", roles=["staff"])
        ids = {"campaign": campaign.id, "tier": tier.id}
    login(client, "coord@example.org", PASSWORD)
    return ids


def _form(tier_id=None, **overrides):
    data = {
        "backer_name": "Gulzat",
        "backer_email": "",
        "amount": "1 500",
        "currency": "KGS",
        "tier": str(tier_id) if tier_id else "",
        "method": "bank",
        "received_on": utcnow().date().isoformat(),
        "reference": "MBANK-123456",
        "proof": (io.BytesIO(png_bytes((300, 200))), "receipt.png"),
        "gender": "woman",
    }
    data.update(overrides)
    return data


def test_coordinator_records_a_bank_transfer(app, client, setup):
    url = "/payments/campaigns/felt/offline"
    response = post_form(client, url, _form(setup["tier"]), content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        pledge = db.session.scalar(db.select(Pledge))
        assert (pledge.status, pledge.provider, pledge.offline_method) == ("paid", "offline", "bank")
        assert pledge.amount == 150_000 and pledge.provider_ref == "MBANK-123456"
        assert pledge.recorded_by.email == "coord@example.org" and pledge.gender == "woman"
        assert db.session.get(StoredFile, pledge.proof_id).mimetype == "image/jpeg"  # re-encoded
        assert db.session.get(RewardTier, setup["tier"]).held == 1
        # Offline money is matched like any other.
        assert db.session.scalar(db.select(MatchReservation.amount)) == 50_000
        actions = db.session.scalars(
            db.select(AuditEntry.action).where(AuditEntry.target_type == "pledges").order_by(AuditEntry.id)
        ).all()
        assert actions == ["pledge.recorded_offline", "pledge.paid", "pledge.matched"]
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "pledge.paid"))
        assert entry.actor.email == "coord@example.org" and entry.data["source"] == "offline"
        pledge_id = pledge.id

    page = client.get("/payments/campaigns/felt/reconciliation").get_data(as_text=True)
    assert "Gulzat" in page and "MBANK-123456" in page and "Coordinator" in page
    proof = client.get(f"/payments/pledges/{pledge_id}/proof")
    assert proof.status_code == 200 and proof.mimetype == "image/jpeg"
    assert "no-store" in proof.headers["Cache-Control"]


def test_cash_without_reference_is_fine(app, client, setup):
    response = post_form(
        client,
        "/payments/campaigns/felt/offline",
        _form(method="cash", reference=""),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Pledge.provider_ref)) is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reference": ""}, "reference number"),
        ({"received_on": "2999-01-01"}, "not in the future"),
        ({"proof": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 100), "proof.jpg")}, "not accepted"),
        ({"proof": (io.BytesIO(bomb_bytes()), "bomb.png")}, "too large in pixels"),
        ({"proof": None}, "Choose a file"),
        ({"amount": "0"}, "more than zero"),
        ({"amount": "500", "tier": "TIER"}, "at least"),
        ({"backer_email": "nope"}, "valid email"),
        ({"currency": "EUR"}, "KGS only"),
    ],
)
def test_bad_offline_records_change_nothing(app, client, setup, overrides, message):
    data = _form(**overrides)
    if data["tier"] == "TIER":
        data["tier"] = str(setup["tier"])
    if data["proof"] is None:
        del data["proof"]
    response = post_form(client, "/payments/campaigns/felt/offline", data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Pledge.id))) == 0
        assert db.session.scalar(db.select(db.func.count(StoredFile.id))) == 0
        assert db.session.get(RewardTier, setup["tier"]).held == 0


def test_the_same_transfer_cannot_be_recorded_twice(app, client, setup):
    url = "/payments/campaigns/felt/offline"
    assert post_form(client, url, _form(), content_type="multipart/form-data").status_code == 302
    response = post_form(client, url, _form(), content_type="multipart/form-data")
    assert response.status_code == 422 and "already recorded" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Pledge.id))) == 1


def test_non_staff_cannot_record_or_see_proofs(app, client, setup):
    with app.app_context():
        UserFactory(email="p@example.org", roles=["participant"])
    client.post("/account/logout", data={})
    client2 = app.test_client()
    login(client2, "p@example.org", PASSWORD)
    assert client2.get("/payments/campaigns/felt/offline").status_code == 403
    assert client2.get("/payments/campaigns/felt/reconciliation").status_code == 403
    assert client2.get("/payments/pledges/1/proof").status_code == 403


def test_money_by_method_names_card_sandbox_and_local_apart(app, client, setup):
    from tests.factories.receipts import paid_pledge

    with app.app_context():
        campaign = db.session.get(Campaign, setup["campaign"])
        for provider, amount in (("stripe", 100_000), ("sandbox", 200_000), ("local", 300_000)):
            paid_pledge(campaign=campaign, provider=provider, amount=amount)
    text = client.get("/payments/campaigns/felt/reconciliation").get_data(as_text=True)
    table = text[text.index('id="money-by-method"') :]
    for label, amount in (("Card payment (Stripe)", "1,000"), ("Test payment (sandbox, no money)", "2,000")):
        assert re.search(rf"{re.escape(label)}</td><td>1</td><td>KGS\s{amount}", table), table[:1500]
    assert re.search(r"Kyrgyz bank card or e-wallet</td><td>1</td><td>KGS\s3,000", table)
