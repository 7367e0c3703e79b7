"""The grant pages: staff award and release through the forms; she accepts and reports on her phone page."""

import re

from tests.factories.accounts import PASSWORD
from tests.grants.conftest import build_world, grant_data, photo
from tests.helpers import csrf_token, login, post_form
from wcl.accounts.models import User
from wcl.extensions import db
from wcl.grants import services
from wcl.grants.models import Grant, GrantStatus, SpendingItem, TrancheStatus


def _world(app):
    with app.app_context():
        return build_world()


def _awarded(app, world):
    with app.app_context():
        grant = services.award_grant(db.session.get(User, world.staff_id), world.fund_id, grant_data(world))
        return grant.id


def test_staff_award_a_grant_through_the_form(app, client):
    world = _world(app)
    login(client, "staff@example.org", PASSWORD)
    page = client.get("/grants/funds").get_data(as_text=True)
    assert "Seed fund 2026" in page and "balance equals its movements" in page
    path = f"/grants/funds/{world.fund_id}/award"
    form = {
        "recipient_id": world.participant_id,
        "amount": "30 000",
        "currency": "KGS",
        "purpose": "Looms",
        "language": "en",
        "budget_lines-0-label": "Loom",
        "budget_lines-0-amount": "30000",
        "tranches-0-amount": "10000",
        "tranches-0-milestone_id": world.milestone_id,
        "tranches-1-amount": "20000",
        "tranches-1-milestone_id": "0",
        "tranches-1-condition_text": "The loom is bought",
    }
    bad = post_form(client, path, dict(form, **{"budget_lines-0-amount": "29000"}))
    assert bad.status_code == 422 and "budget lines must add up" in bad.get_data(as_text=True)
    response = post_form(client, path, form)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    with app.app_context():
        grant = db.session.scalar(db.select(Grant))
        assert grant.amount == 3_000_000 and [t.amount for t in grant.tranches] == [1_000_000, 2_000_000]
        grant_id = grant.id
    page = client.get(f"/grants/{grant_id}").get_data(as_text=True)
    assert "Waiting for her acceptance" in page
    ledger = client.get(f"/grants/funds/{world.fund_id}").get_data(as_text=True)
    assert "UN Women" in ledger and "awarded" in ledger


def test_another_labs_staff_gets_403_and_sees_no_fund(app, client):
    world = _world(app)
    grant_id = _awarded(app, world)
    login(client, "other@example.org", PASSWORD)
    assert "Seed fund 2026" not in client.get("/grants/funds").get_data(as_text=True)
    assert client.get(f"/grants/funds/{world.fund_id}").status_code == 403
    assert client.get(f"/grants/{grant_id}").status_code == 403
    assert "Aigul" not in client.get("/grants/").get_data(as_text=True)


def test_she_accepts_submits_evidence_and_reports_spending(app, client):
    world = _world(app)
    grant_id = _awarded(app, world)
    login(client, "aigul@example.org", PASSWORD)
    assert client.get("/grants/mine").headers["Location"].endswith(f"/grants/mine/{grant_id}")
    page = client.get(f"/grants/mine/{grant_id}").get_data(as_text=True)
    agreement = re.search(r'href="(/grants/\d+/files/\d+)"', page).group(1)
    pdf = client.get(agreement)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    wrong = post_form(
        client, f"/grants/mine/{grant_id}/accept", {"typed_name": "Nobody"}, f"/grants/mine/{grant_id}"
    )
    assert wrong.status_code == 422
    ok = post_form(
        client,
        f"/grants/mine/{grant_id}/accept",
        {"typed_name": "Aigul Toktosunova"},
        f"/grants/mine/{grant_id}",
    )
    assert ok.status_code == 302
    with app.app_context():
        services.countersign(db.session.get(User, world.staff_id), grant_id)
        written = db.session.get(Grant, grant_id).tranches[1]
        written_id, line_id = written.id, db.session.get(Grant, grant_id).budget_lines[1].id
    token = csrf_token(client, f"/grants/mine/{grant_id}")
    response = client.post(
        f"/grants/mine/tranches/{written_id}/evidence",
        data={"csrf_token": token, "text": "Ten scarves", "upload": (photo().stream, "scarves.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    response = client.post(
        f"/grants/mine/{grant_id}/spending",
        data={
            "csrf_token": token,
            "budget_line_id": line_id,
            "amount": "5000",
            "description": "Wool",
            "receipt": (photo().stream, "receipt.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Grant, grant_id).status == GrantStatus.ACTIVE
        assert db.session.scalar(db.select(SpendingItem.amount)) == 500_000
    other = app.test_client()
    login(other, "outsider@example.org", PASSWORD)
    assert other.get(f"/grants/mine/{grant_id}").status_code == 403
    assert other.get(agreement).status_code == 403


def test_staff_confirm_and_release_a_tranche_through_the_page(app, client):
    world = _world(app)
    grant_id = _awarded(app, world)
    with app.app_context():
        services.accept_agreement(db.session.get(User, world.participant_id), grant_id, "Aigul Toktosunova")
        services.countersign(db.session.get(User, world.staff_id), grant_id)
        tranche_id = db.session.get(Grant, grant_id).tranches[1].id
    login(client, "staff@example.org", PASSWORD)
    page = f"/grants/{grant_id}"
    assert (
        post_form(client, f"/grants/tranches/{tranche_id}/confirm", {"confirm": "yes"}, page).status_code
        == 302
    )
    token = csrf_token(client, page)
    no_box = client.post(
        f"/grants/tranches/{tranche_id}/release",
        data={"csrf_token": token, "method": "cash", "reference": "Till", "proof": (photo().stream, "p.jpg")},
        content_type="multipart/form-data",
    )
    assert no_box.status_code == 302
    response = client.post(
        f"/grants/tranches/{tranche_id}/release",
        data={
            "csrf_token": token,
            "method": "cash",
            "reference": "Till",
            "confirm": "yes",
            "proof": (photo().stream, "p.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Grant, grant_id).tranches[1].status == TrancheStatus.RELEASED
    assert "paid by Staff One" in client.get(page).get_data(as_text=True)
    assert client.get("/grants/?status=active").status_code == 200
    assert client.get("/grants/?overdue=1").status_code == 200
