"""The Ashar pages: proposing, staff review, the public figures, pledging labour, confirming it."""

import re

from tests.ashar.conftest import letter, live_project, proposed
from tests.factories.accounts import PASSWORD
from tests.helpers import login, post_form
from wcl.ashar.models import CommunityProject, InKindPledge, MatchCommitment
from wcl.extensions import db


def test_a_villager_proposes_a_project_through_the_form(world, client):
    login(client, "gulnara@example.org", PASSWORD)
    response = post_form(
        client,
        "/ashar/propose",
        {
            "title": "Bridge over the river",
            "summary": "A footbridge for the school children.",
            "budget": "500000",
            "region": "KG-N",
            "district": "Kochkor",
            "village": "Kara-Suu",
            "group_name": "Kara-Suu group",
            "lab_id": str(world.lab_id),
            "members-0-name": "Bakyt Asanov",
            "members-0-email": "bakyt@example.org",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    project = db.session.scalar(db.select(CommunityProject))
    assert project.budget == 50_000_000 and len(project.members) == 2
    assert client.get(response.location).status_code == 200


def test_a_proposal_without_other_members_is_refused_on_the_form(world, client):
    login(client, "gulnara@example.org", PASSWORD)
    response = post_form(
        client,
        "/ashar/propose",
        {
            "title": "Bridge",
            "summary": "A footbridge.",
            "budget": "500000",
            "region": "KG-N",
            "district": "Kochkor",
            "village": "Kara-Suu",
            "group_name": "Kara-Suu group",
        },
    )
    assert response.status_code in (200, 422)
    assert db.session.scalar(db.select(CommunityProject)) is None


def test_staff_of_another_lab_get_403_on_the_project(world, client):
    project = proposed(world)
    login(client, "other@example.org", PASSWORD)
    assert client.get(f"/ashar/projects/{project.id}").status_code == 403
    assert client.post(f"/ashar/projects/{project.id}/admit").status_code in (400, 403)
    assert db.session.get(CommunityProject, project.id).status == "proposed"


def test_staff_admit_on_the_project_page(world, client):
    project = proposed(world)
    staff = client
    login(staff, "staff@example.org", PASSWORD)
    page = staff.get(f"/ashar/projects/{project.id}").get_data(as_text=True)
    assert "Kara-Suu" in page  # staff see the village
    response = post_form(
        staff, f"/ashar/projects/{project.id}/admit", {"note": ""}, get_path=f"/ashar/projects/{project.id}"
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(CommunityProject, project.id).status == "admitted"


def test_the_public_page_shows_money_match_and_in_kind_apart_and_hides_the_village(world, client):
    project = live_project(world)
    page = client.get(f"/campaigns/{project.campaign.slug}").get_data(as_text=True)
    assert "Kochkor" in page and "Kara-Suu" not in page.replace("Kara-Suu initiative group", "")
    assert "Money from backers" in page and "Local government match" in page
    assert "declared value, not money" in page
    assert f"/ashar/give/{project.campaign.slug}" in page


def test_a_guest_pledges_eight_hours_and_staff_confirm_it(world, client, app):
    project = live_project(world)
    response = post_form(
        client,
        f"/ashar/give/{project.campaign.slug}",
        {
            "kind": "labour",
            "hours": "8",
            "description": "Digging the foundation",
            "value": "4000",
            "name": "Nurlan",
            "email": "nurlan@example.org",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    thanks = client.get(response.location).get_data(as_text=True)
    assert "8" in thanks and "not a donation" in thanks
    pledge = db.session.scalar(db.select(InKindPledge))
    assert (pledge.hours, pledge.value) == (8, 400_000)
    # Ten thousand hours: refused on the form, nothing saved.
    refused = post_form(
        client,
        f"/ashar/give/{project.campaign.slug}",
        {
            "kind": "labour",
            "hours": "10000",
            "description": "x",
            "value": "100",
            "name": "N",
            "email": "n@example.org",
        },
    )
    assert refused.status_code == 422 and "500" in refused.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(InKindPledge.id))) == 1


def test_staff_confirm_labour_on_the_project_page_and_the_certificate_downloads(world, client):
    from tests.ashar.conftest import user  # noqa: F401
    from wcl.ashar import services

    project = live_project(world)
    pledge = services.pledge_inkind(
        None,
        project.id,
        {
            "kind": "labour",
            "hours": 8,
            "description": "Digging",
            "value": 400_000,
            "currency": "KGS",
            "name": "Nurlan",
            "email": "nurlan@example.org",
        },
        locale="ru",
    )
    login(client, "staff@example.org", PASSWORD)
    page = client.get(f"/ashar/projects/{project.id}").get_data(as_text=True)
    assert f"/ashar/contributions/{pledge.id}/confirm" in page
    response = post_form(
        client, f"/ashar/contributions/{pledge.id}/confirm", {}, get_path=f"/ashar/projects/{project.id}"
    )
    assert response.status_code == 302
    certificate = client.get(f"/ashar/contribution/{pledge.token}/certificate.pdf")
    assert certificate.status_code == 200 and certificate.data.startswith(b"%PDF")


def test_staff_enter_a_commitment_with_its_letter(world, client):
    login(client, "staff@example.org", PASSWORD)
    data = {
        "organisation_id": str(world.municipality_id),
        "region": "KG-N",
        "district": "Kochkor",
        "ratio_num": "1",
        "ratio_den": "1",
        "cap_per_project": "100000",
        "total": "300000",
        "starts_on": "2026-01-01",
        "ends_on": "2099-12-31",
    }
    missing = post_form(client, "/ashar/matches", data)
    assert missing.status_code == 422 and "commitment letter" in missing.get_data(as_text=True)
    data["letter"] = letter()
    response = post_form(client, "/ashar/matches", data, content_type="multipart/form-data")
    assert response.status_code == 302, re.sub(r"\s+", " ", response.get_data(as_text=True))[:3000]
    commitment = db.session.scalar(db.select(MatchCommitment))
    assert commitment.pool.budget == 30_000_000 and commitment.entered_by_id == world.staff_id
    assert client.get(f"/ashar/matches/{commitment.id}/letter").status_code == 200
