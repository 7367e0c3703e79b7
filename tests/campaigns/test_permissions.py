"""Permission matrix: each role × each campaign and payment page or action."""

from datetime import timedelta

import pytest

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.campaigns import (
    BudgetLineFactory,
    CampaignCommentFactory,
    CampaignFactory,
    CampaignUpdateFactory,
    PledgeFactory,
    ready_participant,
)
from tests.helpers import csrf_token, login
from wcl.campaigns.models import Campaign, CampaignComment, CampaignUpdate, RewardTier
from wcl.extensions import db
from wcl.time import local_today

ROLES = [
    "anonymous",
    "applicant",
    "participant",
    "owner",
    "other_creator",
    "mentor",
    "reviewer",
    "staff",
    "admin",
]
LOGGED_IN = set(ROLES) - {"anonymous"}
STAFF = {"staff", "admin"}


@pytest.fixture
def world(app):
    with app.app_context():
        owner = ready_participant(email="owner@example.org")
        ready_participant(email="other_creator@example.org")
        users = {
            role: UserFactory(email=f"{role}@example.org", roles=[role])
            for role in ("applicant", "participant", "mentor", "reviewer", "staff")
        }
        UserFactory(email="admin@example.org", roles=["admin", "staff"])
        draft = CampaignFactory(owner=owner, slug="draft", status="draft")
        BudgetLineFactory(campaign=draft)
        CampaignFactory(owner=owner, slug="inreview", status="in_review")
        live = CampaignFactory(owner=owner, slug="live")
        update = CampaignUpdateFactory(campaign=live)
        pledge = PledgeFactory(campaign=live, provider="offline", status="paid")
        comment = CampaignCommentFactory(campaign=live, author=users["applicant"])
        return {"update": update.id, "pledge": pledge.id, "comment": comment.id}


def _client(app, role):
    client = app.test_client()
    if role != "anonymous":
        login(client, f"{role}@example.org", PASSWORD)
    return client


# (path, roles allowed, status for the others when signed in)
PAGES = [
    ("/campaigns/", set(ROLES), None),
    ("/campaigns/live", set(ROLES), None),
    ("/campaigns/live/backers", set(ROLES), None),
    ("/campaigns/live/updates", set(ROLES), None),
    ("/campaigns/live/comments", set(ROLES), None),
    ("/campaigns/draft/comments", {"owner"} | STAFF, 404),
    ("/campaigns/live/pledge", set(ROLES), None),
    ("/campaigns/draft", {"owner"} | STAFF, 404),
    ("/campaigns/draft/pledge", {"owner"} | STAFF, 404),  # the preview says it takes no pledges
    ("/campaigns/new", {"owner", "other_creator"}, 403),
    ("/campaigns/mine", LOGGED_IN, None),
    ("/campaigns/my-pledges", LOGGED_IN, None),
    ("/campaigns/draft/manage", {"owner"} | STAFF, 404),
    ("/campaigns/live/manage", {"owner"} | STAFF, 404),
    ("/campaigns/draft/edit", {"owner", "admin"}, {"staff": 403}),  # staff review, never rewrite
    ("/campaigns/review", STAFF, 403),
    ("/campaigns/matching/", STAFF, 403),
    ("/payments/campaigns/live/offline", STAFF, 403),
    ("/payments/campaigns/live/reconciliation", STAFF, 403),
    ("/payments/pledges/PLEDGE/proof", set(), 403),  # no proof stored: 404 even for staff
]
LOGIN_REQUIRED = {
    "/campaigns/new", "/campaigns/mine", "/campaigns/my-pledges", "/campaigns/draft/manage",
    "/campaigns/live/manage", "/campaigns/draft/edit", "/campaigns/review", "/campaigns/matching/",
    "/payments/campaigns/live/offline", "/payments/campaigns/live/reconciliation", "/payments/pledges/PLEDGE/proof",
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("path", "allowed", "denied"), PAGES, ids=[p[0] for p in PAGES])
def test_pages(app, world, role, path, allowed, denied):
    path = path.replace("PLEDGE", str(world["pledge"]))
    response = _client(app, role).get(path)
    if role in allowed:
        assert response.status_code == 200, (role, path)
    elif role == "anonymous" and path.replace(str(world["pledge"]), "PLEDGE") in LOGIN_REQUIRED:
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    elif "proof" in path and role in STAFF:
        assert response.status_code == 404
    else:
        expected = denied.get(role, 404) if isinstance(denied, dict) else (denied or 404)
        assert response.status_code == expected, (role, path, response.status_code)


def _post(client, path, data, get_path):
    data = dict(data)
    if get_path is not None:
        data["csrf_token"] = csrf_token(client, get_path)
    return client.post(path, data=data)


def _status(app, slug):
    with app.app_context():
        return db.session.scalar(db.select(Campaign.status).where(Campaign.slug == slug))


_DRAFT_EDIT = {
    "title": "Renamed", "summary": "Warm.", "story": "Words.", "goal": "1000", "currency": "KGS",
    "starts_on": (local_today() + timedelta(days=1)).isoformat(),
    "ends_on": (local_today() + timedelta(days=20)).isoformat(),
    "funding_model": "keep_it_all", "region": "KG-N", "creative_domain": "V_ARTS", "creator_name": "Aigul",
}  # fmt: skip
_NEW_TIER = {
    "tier-title": "Slippers",
    "tier-min_amount": "1500",
    "tier-delivery": "pickup",
    "tier-pickup_lab_id": "",
}

ACTIONS = [
    # (name, path, data, allowed roles, check(app, world) -> bool "the action happened")
    ("edit", "/campaigns/draft/edit", _DRAFT_EDIT, {"owner", "admin"}, lambda app, w: _title(app, "draft") == "Renamed"),
    ("add_tier", "/campaigns/draft/tiers", _NEW_TIER, {"owner", "admin"}, lambda app, w: _tiers(app) == 1),
    ("submit", "/campaigns/draft/submit", {}, {"owner", "admin"}, lambda app, w: _status(app, "draft") == "in_review"),
    ("approve", "/campaigns/inreview/review", {"review-approve": "1"}, STAFF, lambda app, w: _status(app, "inreview") == "live"),
    ("return", "/campaigns/inreview/review", {"review-send_back": "1", "review-comment": "Add photos"}, STAFF,
     lambda app, w: _status(app, "inreview") == "draft"),
    ("cancel", "/campaigns/live/cancel", {"cancel-reason": "Asked by the creator", "cancel-confirm": "y"}, STAFF,
     lambda app, w: _status(app, "live") == "cancelled"),
    ("hide_update", "/campaigns/live/updates/UPDATE/hide", {"reason": "x"}, STAFF,
     lambda app, w: _hidden(app, w["update"])),
    ("post_update", "/campaigns/live/updates", {"update-title": "News", "update-body": "Text", "update-visibility": "public"},
     {"owner", "admin"}, lambda app, w: _updates(app) == 2),
    ("add_budget_line", "/campaigns/draft/budget", {"budget-description": "Wool", "budget-amount": "100"}, {"owner", "admin"},
     lambda app, w: _lines(app) == 2),
    ("post_comment", "/campaigns/live/comments", {"body": "Lovely felt"}, LOGGED_IN, lambda app, w: _comments(app) == 2),
    ("hide_comment", "/campaigns/live/comments/COMMENT/hide", {"reason": "Spam"}, STAFF,
     lambda app, w: _comment_hidden(app, w["comment"])),
    ("delete_comment", "/campaigns/live/comments/COMMENT/delete", {"confirm": "yes"}, {"applicant", "admin"},
     lambda app, w: _comment_hidden(app, w["comment"])),
]  # fmt: skip


def _title(app, slug):
    with app.app_context():
        return db.session.scalar(db.select(Campaign.title).where(Campaign.slug == slug))


def _tiers(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(RewardTier.id)))


def _hidden(app, update_id):
    with app.app_context():
        return db.session.get(CampaignUpdate, update_id).hidden_at is not None


def _updates(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(CampaignUpdate.id)))


def _comments(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(CampaignComment.id)))


def _comment_hidden(app, comment_id):
    with app.app_context():
        return db.session.get(CampaignComment, comment_id).hidden_at is not None


def _lines(app):
    from wcl.campaigns.models import BudgetLine

    with app.app_context():
        return db.session.scalar(db.select(db.func.count(BudgetLine.id)))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "path", "data", "allowed", "happened"), ACTIONS, ids=[a[0] for a in ACTIONS]
)
def test_actions(app, world, role, name, path, data, allowed, happened):
    path = path.replace("UPDATE", str(world["update"])).replace("COMMENT", str(world["comment"]))
    client = _client(app, role)
    # A token from a page every role can open: the session's CSRF token is the same for all forms.
    response = _post(client, path, data, "/account/login" if role == "anonymous" else "/campaigns/")
    if role in allowed:
        assert response.status_code == 302, (role, name, response.status_code)
        assert happened(app, world), (role, name)
    else:
        assert response.status_code in (302, 403, 404), (role, name)
        if response.status_code == 302:
            assert role == "anonymous" and "/account/login" in response.headers["Location"]
        assert not happened(app, world), (role, name)
