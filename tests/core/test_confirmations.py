"""Irreversible actions ask for a ticked "I understand" box in the same form (no JavaScript
needed): without it nothing changes. Withdrawing after acceptance is refused with the reason."""

import re

import pytest

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.campaigns import CampaignCommentFactory, CampaignFactory, PledgeFactory
from tests.factories.programme import ApplicationFactory
from tests.helpers import csrf_token, login
from wcl.applications.models import Application, AssignmentStatus, ReviewAssignment
from wcl.campaigns.models import Campaign, CampaignComment, Pledge
from wcl.extensions import db


def _client(app, email):
    client = app.test_client()
    login(client, email, PASSWORD)
    return client


def _post(client, path, data, get_path):
    return client.post(path, data={"csrf_token": csrf_token(client, get_path), **data})


def _has_required_box(html, action, name="confirm"):
    form = re.search(rf'<form[^>]*action="{re.escape(action)}".*?</form>', html, re.S)
    assert form, f"no form posting to {action}"
    boxes = [i for i in re.findall(r"<input[^>]*>", form.group(0)) if f'name="{name}"' in i]
    return any('type="checkbox"' in b and re.search(r"\brequired\b", b) for b in boxes)


@pytest.fixture
def applicant(app):
    with app.app_context():
        return UserFactory(email="applicant@example.org", roles=["applicant"]).id


def _application(applicant_id, status):
    from wcl.accounts.models import User

    return ApplicationFactory(applicant=db.session.get(User, applicant_id), status=status).id


def test_withdraw_needs_the_box_ticked(app, applicant):
    with app.app_context():
        application_id = _application(applicant, "under_review")
    client = _client(app, "applicant@example.org")
    page = f"/applications/{application_id}"
    action = f"/applications/{application_id}/withdraw"
    assert _has_required_box(client.get(page).get_data(as_text=True), action)

    response = _post(client, action, {}, page)
    assert response.status_code == 302
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tick the box to confirm" in follow
    with app.app_context():
        assert db.session.get(Application, application_id).status == "under_review"

    _post(client, action, {"confirm": "yes"}, page)
    with app.app_context():
        assert db.session.get(Application, application_id).status == "withdrawn"


def test_withdraw_after_acceptance_is_refused_with_the_reason(app, applicant):
    with app.app_context():
        application_id = _application(applicant, "accepted")
    client = _client(app, "applicant@example.org")
    page = f"/applications/{application_id}"
    html = client.get(page).get_data(as_text=True)
    assert f'action="/applications/{application_id}/withdraw"' not in html
    assert "contact the Lab team" in html
    response = _post(client, f"/applications/{application_id}/withdraw", {"confirm": "yes"}, page)
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "contact the Lab team" in follow
    with app.app_context():
        assert db.session.get(Application, application_id).status == "accepted"


def test_conflict_declaration_needs_the_box_ticked(app, applicant):
    with app.app_context():
        application_id = _application(applicant, "under_review")
        reviewer = UserFactory(email="reviewer@example.org", roles=["reviewer"])
        db.session.add(ReviewAssignment(application_id=application_id, reviewer_id=reviewer.id))
        db.session.commit()
    client = _client(app, "reviewer@example.org")
    page = f"/applications/{application_id}"
    action = f"/applications/{application_id}/conflict"
    assert _has_required_box(client.get(page).get_data(as_text=True), action)
    _post(client, action, {}, page)
    with app.app_context():
        assert db.session.scalar(db.select(ReviewAssignment.status)) == AssignmentStatus.ASSIGNED
    _post(client, action, {"confirm": "yes"}, page)
    with app.app_context():
        assert db.session.scalar(db.select(ReviewAssignment.status)) == AssignmentStatus.CONFLICT


def test_refund_needs_the_box_ticked(app):
    with app.app_context():
        UserFactory(email="staff@example.org", roles=["staff"])
        campaign = CampaignFactory(slug="live")
        pledge_id = PledgeFactory(campaign=campaign, status="paid", amount=300_000).id
    client = _client(app, "staff@example.org")
    page = "/payments/campaigns/live/refunds"
    action = f"/payments/campaigns/live/refunds/{pledge_id}"
    assert _has_required_box(client.get(page).get_data(as_text=True), action, name=f"p{pledge_id}-confirm")
    token = csrf_token(client, page)
    client.post(action, data={f"p{pledge_id}-csrf_token": token, f"p{pledge_id}-amount": ""})
    with app.app_context():
        assert db.session.get(Pledge, pledge_id).status == "paid"
    client.post(
        action,
        data={f"p{pledge_id}-csrf_token": token, f"p{pledge_id}-amount": "", f"p{pledge_id}-confirm": "y"},
    )
    with app.app_context():
        assert db.session.get(Pledge, pledge_id).status == "refunded"


def test_deleting_a_comment_needs_the_box_ticked(app):
    with app.app_context():
        author = UserFactory(email="aida@example.org")
        campaign = CampaignFactory(slug="felt")
        comment_id = CampaignCommentFactory(campaign=campaign, author=author).id
    client = _client(app, "aida@example.org")
    action = f"/campaigns/felt/comments/{comment_id}/delete"
    assert _has_required_box(client.get("/campaigns/felt").get_data(as_text=True), action)
    _post(client, action, {}, "/campaigns/felt")
    with app.app_context():
        assert db.session.get(CampaignComment, comment_id).hidden_at is None
    _post(client, action, {"confirm": "yes"}, "/campaigns/felt")
    with app.app_context():
        assert db.session.get(CampaignComment, comment_id).hidden_at is not None


def test_cancelling_a_campaign_needs_the_box_ticked(app):
    with app.app_context():
        UserFactory(email="staff@example.org", roles=["staff"])
        CampaignFactory(slug="live")
    client = _client(app, "staff@example.org")
    page = "/campaigns/live/manage"
    assert _has_required_box(
        client.get(page).get_data(as_text=True), "/campaigns/live/cancel", "cancel-confirm"
    )
    _post(client, "/campaigns/live/cancel", {"cancel-reason": "Asked by the creator"}, page)
    with app.app_context():
        assert db.session.scalar(db.select(Campaign.status)) == "live"
    _post(
        client,
        "/campaigns/live/cancel",
        {"cancel-reason": "Asked by the creator", "cancel-confirm": "y"},
        page,
    )
    with app.app_context():
        assert db.session.scalar(db.select(Campaign.status)) == "cancelled"
