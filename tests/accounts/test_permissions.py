"""Role checks on protected views, for every role, and the admin's audited grants."""

import pytest

from tests.factories.accounts import PASSWORD, DemographicsFactory, UserFactory
from tests.helpers import login, post_form
from wcl.accounts.models import User
from wcl.accounts.permissions import ROLE_PERMISSIONS, Role, can, has_permission
from wcl.audit.models import AuditEntry
from wcl.extensions import db

ALL_ROLES = [r.value for r in Role]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_admin_users_page_for_every_role(app, client, role):
    with app.app_context():
        UserFactory(email="who@example.org", roles=[role])
    login(client, "who@example.org", PASSWORD)
    expected = 200 if role == "admin" else 403
    assert client.get("/admin/users").status_code == expected


def test_admin_users_page_sends_anonymous_to_login(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert "/account/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_profile_needs_login_but_no_role(app, client, role):
    with app.app_context():
        UserFactory(email="who@example.org", roles=[role])
    assert client.get("/account/").status_code == 302
    login(client, "who@example.org", PASSWORD)
    assert client.get("/account/").status_code == 200


def test_every_permission_is_held_by_admins_and_only_by_listed_roles(app_ctx):
    users = {role: UserFactory(roles=[role]) for role in ALL_ROLES}
    for permission, roles in ROLE_PERMISSIONS.items():
        for role, user in users.items():
            expected = role == "admin" or role in {str(r) for r in roles}
            assert has_permission(user, permission) is expected, (permission, role)


def test_raw_demographics_only_for_the_person_and_admins(app_ctx):
    owner = UserFactory()
    answers = DemographicsFactory(user=owner, gender="woman")
    assert can("demographics.read_raw", answers, user=owner)
    assert can("demographics.read_raw", answers, user=UserFactory(roles=["admin"]))
    for role in ("staff", "mentor", "reviewer", "participant", "applicant"):
        assert not can("demographics.read_raw", answers, user=UserFactory(roles=[role])), role


def test_admin_grants_a_role_with_an_audit_entry(app, client):
    with app.app_context():
        UserFactory(email="admin@example.org", roles=["admin"])
        target = UserFactory(email="t@example.org", roles=["applicant"])
        target_id = target.id
    login(client, "admin@example.org", PASSWORD)
    path = f"/admin/users/{target_id}"
    response = post_form(client, path, {"roles": ["applicant", "mentor"]})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, target_id).role_names == {"applicant", "mentor"}
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "role.granted"))
        assert entry.data == {"role": "mentor"} and entry.target_id == target_id
        assert entry.actor.email == "admin@example.org"


def test_non_admin_cannot_grant_roles(app, client):
    with app.app_context():
        UserFactory(email="staff@example.org", roles=["staff"])
        target_id = UserFactory(email="t@example.org").id
    login(client, "staff@example.org", PASSWORD)
    # A valid CSRF token (from a page staff may open), so only the permission check can refuse.
    response = post_form(client, f"/admin/users/{target_id}", {"roles": ["admin"]}, get_path="/account/")
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(User, target_id).role_names == set()
        assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == 0


def test_admin_cannot_remove_own_admin_role(app, client):
    with app.app_context():
        admin_id = UserFactory(email="admin@example.org", roles=["admin"]).id
    login(client, "admin@example.org", PASSWORD)
    post_form(client, f"/admin/users/{admin_id}", {"roles": ["staff"]})
    with app.app_context():
        assert "admin" in db.session.get(User, admin_id).role_names


def test_admin_user_list_shows_users_and_searches(app, client):
    with app.app_context():
        UserFactory(email="admin@example.org", roles=["admin"])
        UserFactory(email="aigul@example.org", full_name="Aigul Tashieva")
    login(client, "admin@example.org", PASSWORD)
    html = client.get("/admin/users").get_data(as_text=True)
    assert "aigul@example.org" in html and "admin@example.org" in html
    html = client.get("/admin/users?q=tashieva").get_data(as_text=True)
    assert "aigul@example.org" in html and "admin@example.org" not in html


# --- lab scope on every money and letters route ----------------------------------
# Everything below belongs to lab A: a campaign whose creator is in lab A's cohort
# (its pledges, receipts, offline proof and pool) and an application to lab A's
# call. "own" is staff scoped to lab A, "other" staff scoped to lab B, "all"
# unscoped staff. Refused POSTs change nothing at all.

LAB_ACTORS = ("own", "other", "all", "admin")
EVERY_LAB = {"all", "admin"}  # pages that show or act on every lab at once
IN_LAB_A = {"own"} | EVERY_LAB

# route: (method, path, form, actors allowed, status allowed, status refused, changes)
LAB_ROUTES = {
    # Another lab's campaign is not found on the pages that manage it.
    "refunds": ("GET", "/payments/campaigns/ours/refunds", None, IN_LAB_A, 200, 404, False),
    "refund": (
        "POST",
        "/payments/campaigns/ours/refunds/{pledge}",
        {"p{pledge}-csrf_token": "{csrf}", "p{pledge}-amount": "100", "p{pledge}-confirm": "y"},
        IN_LAB_A,
        302,
        404,
        True,
    ),
    "offline_form": ("GET", "/payments/campaigns/ours/offline", None, IN_LAB_A, 200, 403, False),
    "offline": ("POST", "/payments/campaigns/ours/offline", "offline", IN_LAB_A, 302, 403, True),
    "reconciliation": ("GET", "/payments/campaigns/ours/reconciliation", None, IN_LAB_A, 200, 404, False),
    "proof": ("GET", "/payments/pledges/{offline_pledge}/proof", None, IN_LAB_A, 200, 403, False),
    "pool": ("GET", "/campaigns/matching/{pool}", None, IN_LAB_A, 200, 404, False),
    "save_pool": ("POST", "/campaigns/matching/{pool}", "pool", IN_LAB_A, 302, 404, True),
    "receipt_pdf": ("GET", "/receipts/{receipt}/pdf", None, IN_LAB_A, 302, 404, False),
    "resend": ("POST", "/receipts/{receipt}/resend", {}, IN_LAB_A, 302, 403, False),
    "regenerate": ("POST", "/receipts/regenerate?campaign={campaign}", {}, IN_LAB_A, 302, 302, True),
    "report_campaign": ("GET", "/reports/?campaign={campaign}", None, IN_LAB_A, 200, 400, False),
    "decide": (
        "POST",
        "/applications/{application}/decide",
        {"outcome": "rejected", "note": ""},
        IN_LAB_A,
        302,
        403,
        True,
    ),
    "edit_letter": ("GET", "/staff/decision-templates/rejected/en", None, EVERY_LAB, 200, 403, False),
    "save_letter": (
        "POST",
        "/staff/decision-templates/rejected/en",
        {"subject": "About {{call}}", "body": "Dear {{name}}."},
        EVERY_LAB,
        302,
        403,
        True,
    ),
    "failed_jobs": ("GET", "/jobs/failed", None, EVERY_LAB, 200, 403, False),
    "inbox": ("GET", "/payments/inbox", None, EVERY_LAB, 200, 403, False),
}


@pytest.fixture
def lab_world(app):
    import io

    from werkzeug.datastructures import FileStorage

    from tests.campaigns.helpers import png_bytes
    from tests.factories.campaigns import MatchingPoolFactory, PledgeFactory, campaign_in_lab
    from tests.factories.programme import ApplicationFactory, CallFactory, LabFactory
    from tests.factories.receipts import paid_pledge
    from wcl.files.services import save_upload
    from wcl.receipts import services as receipts

    with app.app_context():
        lab_a, lab_b = LabFactory(slug="lab-a"), LabFactory(slug="lab-b")
        UserFactory(email="own@example.org", roles=["staff"], lab=lab_a)
        UserFactory(email="other@example.org", roles=["staff"], lab=lab_b)
        UserFactory(email="all@example.org", roles=["staff"])
        UserFactory(email="admin@example.org", roles=["admin"])
        campaign = campaign_in_lab(lab_a, slug="ours", status="live")
        pledge = paid_pledge(campaign=campaign, amount=300_000, backer_name="Aida Ours")
        proof = save_upload(FileStorage(io.BytesIO(png_bytes((40, 30))), "proof.png"))
        offline = PledgeFactory(
            campaign=campaign, provider="offline", status="paid", paid_at=pledge.paid_at, proof_id=proof.id
        )
        pool = MatchingPoolFactory(sponsor_name="Our Sponsor", campaigns=[campaign])
        receipt = receipts.issue_receipt(pledge.id)
        db.session.commit()
        application = ApplicationFactory(call=CallFactory(lab=lab_a), status="under_review")
        return {
            "campaign": campaign.id,
            "pledge": pledge.id,
            "offline_pledge": offline.id,
            "pool": pool.id,
            "receipt": receipt.id,
            "application": application.id,
        }


def _lab_form(kind, ids):
    import io
    from datetime import timedelta

    from tests.campaigns.helpers import png_bytes
    from wcl.time import utcnow

    today = utcnow().date()
    if kind == "offline":
        return {
            "backer_name": "Gulzat",
            "amount": "1 500",
            "currency": "KGS",
            "tier": "",
            "method": "cash",
            "received_on": today.isoformat(),
            "reference": "",
            "proof": (io.BytesIO(png_bytes((300, 200))), "receipt.png"),
            "gender": "woman",
        }
    return {
        "sponsor_name": "Renamed Sponsor",
        "budget": "10 000",
        "currency": "KGS",
        "ratio_num": "1",
        "ratio_den": "1",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=30)).isoformat(),
        "campaigns": [str(ids["campaign"])],
        "active": "y",
    }


@pytest.mark.parametrize("actor", LAB_ACTORS)
@pytest.mark.parametrize("route", list(LAB_ROUTES))
def test_lab_scope_on_money_and_letters(app, lab_world, route, actor):
    from tests.applications.conftest import db_state
    from tests.helpers import csrf_token

    method, path, data, allowed, ok, refused, changes = LAB_ROUTES[route]
    ids = lab_world
    path = path.format(**ids)
    client = app.test_client()
    login(client, f"{actor}@example.org", PASSWORD)
    permitted = actor in allowed
    if method == "GET":
        response = client.get(path)
        assert response.status_code == (ok if permitted else refused), (route, actor)
        return
    token = csrf_token(client, "/account/")
    if isinstance(data, str):
        form, kwargs = _lab_form(data, ids), {"content_type": "multipart/form-data"}
    else:
        fill = {**ids, "csrf": token}
        form, kwargs = {k.format(**fill): v.format(**fill) if v else v for k, v in data.items()}, {}
    form["csrf_token"] = token
    with app.app_context():
        before = db_state()
    response = client.post(path, data=form, **kwargs)
    assert response.status_code == (ok if permitted else refused), (route, actor)
    with app.app_context():
        after = db_state()
    if permitted and changes:
        assert after != before, (route, actor)
    elif not permitted:
        assert after == before, (route, actor)
