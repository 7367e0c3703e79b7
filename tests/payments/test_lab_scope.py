"""Lab-scoped staff act only on their own lab's money: refunds and offline payments.

A campaign belongs to its creator's cohort's lab. Staff scoped to lab A refund
and record payments on lab A's campaigns; on lab B's they are refused and
nothing changes. Unscoped staff act on both.
"""

import io

import pytest

from tests.campaigns.helpers import png_bytes
from tests.factories.accounts import UserFactory
from tests.factories.campaigns import PledgeFactory, campaign_in_lab
from tests.factories.programme import two_labs_with_staff
from tests.helpers import csrf_token, post_form, signed_in
from wcl.accounts.permissions import PermissionDenied
from wcl.campaigns.models import Pledge
from wcl.extensions import db
from wcl.payments import services
from wcl.payments.models import Refund
from wcl.time import utcnow


@pytest.fixture
def labs(app):
    with app.app_context():
        lab_a, lab_b = two_labs_with_staff()
        ours = campaign_in_lab(lab_a, slug="ours")
        theirs = campaign_in_lab(lab_b, slug="theirs")
        mine = PledgeFactory(campaign=ours, status="paid", paid_at=utcnow(), backer_name="Aida Ours")
        other = PledgeFactory(campaign=theirs, status="paid", paid_at=utcnow(), backer_name="Bermet Theirs")
        return {"ours": mine.id, "theirs": other.id}


def _refund(client, slug, pledge_id):
    token = csrf_token(client, "/account/")
    return client.post(
        f"/payments/campaigns/{slug}/refunds/{pledge_id}",
        data={
            "csrf_token": token,
            f"p{pledge_id}-csrf_token": token,
            f"p{pledge_id}-amount": "",
            f"p{pledge_id}-confirm": "y",
        },
    )


def _state(app):
    with app.app_context():
        pledges = db.session.execute(
            db.select(Pledge.id, Pledge.status, Pledge.refunded_amount, Pledge.campaign_id).order_by(
                Pledge.id
            )
        ).all()
        return pledges, db.session.scalar(db.select(db.func.count(Refund.id)))


def test_lab_staff_refund_only_their_labs_pledges(app, labs):
    client = signed_in(app, "staff-a")
    # Another lab's campaign is not found on the pages that manage it.
    assert client.get("/payments/campaigns/theirs/refunds").status_code == 404
    before = _state(app)
    assert _refund(client, "theirs", labs["theirs"]).status_code == 404
    # Nor through her own campaign's address with the other lab's pledge.
    assert _refund(client, "ours", labs["theirs"]).status_code in (302, 403)
    assert _state(app) == before
    page = client.get("/payments/campaigns/ours/refunds")
    assert page.status_code == 200 and "Aida Ours" in page.get_data(as_text=True)
    assert _refund(client, "ours", labs["ours"]).status_code == 302
    with app.app_context():
        assert db.session.get(Pledge, labs["ours"]).status == "refunded"


def test_unscoped_staff_refund_in_every_lab(app, labs):
    client = signed_in(app, "staff-all")
    assert _refund(client, "theirs", labs["theirs"]).status_code == 302
    with app.app_context():
        assert db.session.get(Pledge, labs["theirs"]).status == "refunded"


def test_refund_service_refuses_another_labs_pledge(app, labs):
    with app.app_context():
        actor = db.session.scalar(db.select(UserFactory._meta.model).filter_by(email="staff-a@example.org"))
        with pytest.raises(PermissionDenied):
            services.refunds.refund_pledge(labs["theirs"], actor=actor)
        db.session.rollback()
        assert db.session.get(Pledge, labs["theirs"]).status == "paid"
        assert db.session.scalar(db.select(db.func.count(Refund.id))) == 0


def _offline_form(reference):
    return {
        "backer_name": "Gulzat",
        "backer_email": "",
        "amount": "1 500",
        "currency": "KGS",
        "tier": "",
        "method": "bank",
        "received_on": utcnow().date().isoformat(),
        "reference": reference,
        "proof": (io.BytesIO(png_bytes((300, 200))), "receipt.png"),
        "gender": "woman",
    }


def test_lab_staff_record_offline_payments_only_in_their_lab(app, labs):
    client = signed_in(app, "staff-a")
    before = _state(app)
    assert client.get("/payments/campaigns/theirs/offline").status_code == 403
    response = post_form(
        client,
        "/payments/campaigns/theirs/offline",
        _offline_form("MBANK-1"),
        get_path="/account/",
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert client.get("/payments/campaigns/theirs/reconciliation").status_code == 404
    assert client.get(f"/payments/pledges/{labs['theirs']}/proof").status_code in (403, 404)
    assert _state(app) == before
    response = post_form(
        client,
        "/payments/campaigns/ours/offline",
        _offline_form("MBANK-2"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert len(_state(app)[0]) == len(before[0]) + 1


def test_offline_service_refuses_another_labs_campaign(app, labs):
    with app.app_context():
        actor = db.session.scalar(db.select(UserFactory._meta.model).filter_by(email="staff-a@example.org"))
        campaign_id = db.session.get(Pledge, labs["theirs"]).campaign_id
        with pytest.raises(PermissionDenied):
            services.offline.record_offline_payment(
                actor,
                campaign_id,
                amount=150_000,
                currency="KGS",
                method="cash",
                received_on=utcnow().date(),
                reference="",
                proof=None,
                backer_name="Gulzat",
            )
        db.session.rollback()
    assert len(_state(app)[0]) == 2
