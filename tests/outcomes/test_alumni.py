"""Alumni public profiles: a graduate opts in; only what she typed is shown (never her
village or demographics); a public directory with filters and pages; she hides or
deletes it at any time; staff of her lab hide one, with an audit entry."""

import json

import pytest
import sqlalchemy as sa

from tests.factories.accounts import PASSWORD, DemographicsFactory, UserFactory
from tests.factories.programme import ApplicationFactory, CohortFactory, EnrolmentFactory, LabFactory
from tests.helpers import login, post_form
from tests.outcomes.conftest import GRADUATED
from wcl.audit.models import AuditEntry
from wcl.extensions import db
from wcl.outcomes.errors import OutcomesError
from wcl.outcomes.models import AlumniProfile
from wcl.outcomes.services import alumni

VILLAGE = "Kyzart"
PROFILE = {
    "display_name": "Aigul — felt",
    "creative_domain": "V_ARTS",
    "region": "KG-N",
    "bio": "I make **felt** rugs. <script>alert(1)</script>",
    "link1": "https://example.com/aigul",
    "consent": "y",
}


@pytest.fixture
def graduate(app):
    with app.app_context():
        lab = LabFactory()
        user = UserFactory(email="aigul@example.org", full_name="Aigul Full-Name", roles=["participant"])
        DemographicsFactory(
            user=user,
            gender="woman",
            birth_year=1987,
            region="KG-N",
            settlement="rural",
            creative_domain="V_ARTS",
        )
        ApplicationFactory(applicant=user, contact_locality=VILLAGE, contact_phone="+996700123456")
        EnrolmentFactory(
            cohort=CohortFactory(lab=lab), participant=user, status="graduated", graduated_at=GRADUATED
        )
        active = UserFactory(email="active@example.org", roles=["participant"])
        EnrolmentFactory(cohort=CohortFactory(lab=lab), participant=active)
        UserFactory(email="staff@example.org", roles=["staff"], lab_id=lab.id)
        UserFactory(email="other-staff@example.org", roles=["staff"], lab_id=LabFactory().id)
        return user.id


def _profile():
    return db.session.scalar(sa.select(AlumniProfile))


def test_a_graduate_opts_in_and_the_public_page_shows_only_what_she_typed(app, client, graduate):
    login(client, "aigul@example.org", PASSWORD)
    assert client.get("/alumni/mine").status_code == 200
    assert "village" not in client.get("/alumni/mine").get_data(as_text=True).split("<form", 1)[
        1
    ].lower().split("</form>")[0].replace("never a village", "")
    assert post_form(client, "/alumni/mine", PROFILE).status_code == 302
    with app.app_context():
        profile = _profile()
        assert "<script>" not in profile.bio_html and "<strong>felt</strong>" in profile.bio_html
        profile_id = profile.id
    client.post("/account/logout", data={})
    anonymous = client.application.test_client()
    page = anonymous.get(f"/alumni/{profile_id}").get_data(as_text=True)
    document = anonymous.get(f"/alumni/{profile_id}.json").get_data(as_text=True)
    assert "Aigul — felt" in page and "Naryn" in page and "Visual arts" in page
    assert set(json.loads(document)) == {
        "id",
        "display_name",
        "creative_domain",
        "creative_domain_label",
        "region",
        "region_name",
        "bio_html",
        "links",
    }
    for text in (page, document):
        for private in (
            VILLAGE,
            "1987",
            "rural",
            "Rural",
            "woman",
            "+996700123456",
            "aigul@example.org",
            "Full-Name",
        ):
            assert private not in text, private


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"village": VILLAGE}, "region"),
        ({"birth_year": "1987"}, "region"),
        ({"region": "Kyzart village"}, "region"),
        ({"bio": f"Come to my workshop in {VILLAGE.lower()}!"}, "bio"),
        ({"link1": "javascript:alert(1)"}, "link1"),
        ({"link1": "ftp://example.com/x"}, "link1"),
        ({"creative_domain": "ASTROLOGY"}, "creative_domain"),
        ({"consent": ""}, "consent"),
        ({"display_name": ""}, "display_name"),
    ],
)
def test_a_profile_that_would_show_her_village_or_more_is_refused(app_ctx, graduate, change, field):
    from wcl.accounts.models import User

    data = dict(PROFILE, **change)
    data["links"] = [data.pop("link1")]
    with pytest.raises(OutcomesError) as refused:
        alumni.save_profile(db.session.get(User, graduate), data)
    assert refused.value.field == field
    assert _profile() is None


def test_only_graduates_have_a_profile(app, client, graduate):
    login(client, "active@example.org", PASSWORD)
    page = client.get("/alumni/mine")
    assert "Only graduates" in page.get_data(as_text=True) and 'name="display_name"' not in page.get_data(
        as_text=True
    )
    post_form(client, "/alumni/mine", PROFILE, get_path="/alumni/")
    with app.app_context():
        assert _profile() is None


def _make_profiles(n, domain="V_ARTS", region="KG-O"):
    lab = LabFactory()
    ids = []
    for i in range(n):
        user = UserFactory(roles=["participant"])
        enrolment = EnrolmentFactory(
            cohort=CohortFactory(lab=lab), participant=user, status="graduated", graduated_at=GRADUATED
        )
        profile = AlumniProfile(
            user_id=user.id,
            enrolment_id=enrolment.id,
            display_name=f"Alumna {i:02d}",
            creative_domain=domain,
            region=region,
        )
        db.session.add(profile)
        db.session.flush()
        ids.append(profile.id)
    db.session.commit()
    return ids


def test_the_directory_pages_and_filters(app, client):
    with app.app_context():
        _make_profiles(14)
        _make_profiles(2, domain="DESIGN", region="KG-B")
    first = client.get("/alumni/").get_data(as_text=True)
    assert first.count("data-alumna=") == 12 and 'rel="next"' in first
    assert client.get("/alumni/?page=2").get_data(as_text=True).count("data-alumna=") == 4
    design = client.get("/alumni/?creative_domain=DESIGN").get_data(as_text=True)
    assert design.count("data-alumna=") == 2
    batken = client.get("/alumni/?region=KG-B&creative_domain=V_ARTS").get_data(as_text=True)
    assert batken.count("data-alumna=") == 0


def test_she_hides_shows_and_deletes_her_profile(app, client, graduate):
    login(client, "aigul@example.org", PASSWORD)
    post_form(client, "/alumni/mine", PROFILE)
    with app.app_context():
        profile_id = _profile().id
    post_form(client, "/alumni/mine/visibility", {}, get_path="/alumni/mine")
    assert client.get(f"/alumni/{profile_id}").status_code == 404
    assert client.get(f"/alumni/{profile_id}.json").status_code == 404
    post_form(client, "/alumni/mine/visibility", {"show": "1"}, get_path="/alumni/mine")
    assert client.get(f"/alumni/{profile_id}").status_code == 200
    post_form(client, "/alumni/mine/delete", {"confirm": "yes"}, get_path="/alumni/mine")
    assert client.get(f"/alumni/{profile_id}").status_code == 404
    with app.app_context():
        assert _profile() is None
        actions = db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.target_type == "alumni_profiles")
            .order_by(AuditEntry.id)
        ).all()
    assert actions == [
        "alumni_profile.created",
        "alumni_profile.hidden",
        "alumni_profile.shown",
        "alumni_profile.deleted",
    ]


def test_staff_of_her_lab_hide_a_profile_with_an_audit_entry(app, client, graduate):
    login(client, "aigul@example.org", PASSWORD)
    post_form(client, "/alumni/mine", PROFILE)
    with app.app_context():
        profile_id = _profile().id
    other = app.test_client()
    login(other, "other-staff@example.org", PASSWORD)
    assert post_form(other, f"/alumni/{profile_id}/hide", {}, get_path="/alumni/").status_code == 403
    staff = app.test_client()
    login(staff, "staff@example.org", PASSWORD)
    assert "Hide this profile" in staff.get(f"/alumni/{profile_id}").get_data(as_text=True)
    assert post_form(staff, f"/alumni/{profile_id}/hide", {}, get_path="/alumni/").status_code == 302
    assert app.test_client().get(f"/alumni/{profile_id}").status_code == 404
    # She cannot show it again herself.
    post_form(client, "/alumni/mine/visibility", {"show": "1"}, get_path="/alumni/mine")
    assert app.test_client().get(f"/alumni/{profile_id}").status_code == 404
    with app.app_context():
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "alumni_profile.staff_hidden")
        )
        assert entry.target_id == profile_id
