"""The community directory: opt-in, consented, searchable by creative domain and region; no demographics."""

from tests.factories.accounts import PASSWORD, DemographicsFactory
from tests.factories.orgs import DirectoryEntryFactory, OrganisationFactory
from tests.helpers import login, post_form
from wcl.extensions import db
from wcl.orgs.models import DirectoryEntry, MemberRole, OrgMembership


def _join_form(**overrides):
    data = {
        "display_name": "Aigul felt studio",
        "creative_domain": "V_ARTS",
        "region": "KG-N",
        "about": "Felt carpets (shyrdaks)",
        "consent": "y",
    }
    data.update(overrides)
    return data


def _entries():
    return db.session.scalar(db.select(db.func.count(DirectoryEntry.id)))


def test_a_person_joins_and_is_found_by_domain_and_region(app, client, world):
    with app.app_context():
        DemographicsFactory(user_id=world.person_id, gender="woman", birth_year=1990, region="KG-N")
    login(client, "aigul@example.org", PASSWORD)
    assert post_form(client, "/community/join", _join_form()).status_code == 302
    found = client.get("/community/?creative_domain=V_ARTS&region=KG-N").get_data(as_text=True)
    assert "Aigul felt studio" in found
    assert "1990" not in found and "Toktobaeva" not in found  # no demographics, not her full name
    card = "<strong>Aigul felt studio</strong>"
    assert card in found
    assert card not in client.get("/community/?region=KG-B").get_data(as_text=True)
    assert card not in client.get("/community/?creative_domain=PERF").get_data(as_text=True)


def test_without_consent_nothing_is_listed(app, client, world):
    login(client, "aigul@example.org", PASSWORD)
    response = post_form(client, "/community/join", _join_form(consent=""))
    assert response.status_code == 422 and "Tick the box" in response.get_data(as_text=True)
    with app.app_context():
        assert _entries() == 0


def test_asking_to_show_her_village_is_refused_in_kyrgyz_and_changes_nothing(app, client, world):
    login(client, "aigul@example.org", PASSWORD)
    post_form(client, "/community/join", _join_form())
    client.set_cookie("wcl_lang", "ky")
    for bad in (_join_form(region="Kyzart", about="changed"), _join_form(village="Kyzart", about="changed")):
        response = post_form(client, "/community/join", bad)
        assert response.status_code == 422
        assert "айылды эч качан" in response.get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalar(db.select(DirectoryEntry))
        assert (entry.region, entry.about) == ("KG-N", "Felt carpets (shyrdaks)")


def test_an_organisation_joins_through_its_representative(app, client, world):
    with app.app_context():
        org = OrganisationFactory(kind="ngo", name_en="Shyrdak Union")
        db.session.add(
            OrgMembership(organisation_id=org.id, user_id=world.person_id, role=MemberRole.REPRESENTATIVE)
        )
        other = OrganisationFactory()
        db.session.commit()
        org_id, other_id = org.id, other.id
    login(client, "aigul@example.org", PASSWORD)
    assert client.get(f"/community/organisations/{other_id}/join").status_code == 403
    path = f"/community/organisations/{org_id}/join"
    assert post_form(client, path, _join_form(display_name="Shyrdak Union")).status_code == 302
    page = client.get("/community/").get_data(as_text=True)
    assert "Shyrdak Union" in page and "Non-governmental organisation" in page


def test_directory_is_paginated_and_leaving_removes_the_entry(app, client, world):
    with app.app_context():
        for i in range(35):
            DirectoryEntryFactory(display_name=f"Maker {i:02d}")
    first = client.get("/community/").get_data(as_text=True)
    assert "Maker 00" in first and "Maker 34" not in first and "page=2" in first
    assert "Maker 34" in client.get("/community/?page=2").get_data(as_text=True)
    login(client, "aigul@example.org", PASSWORD)
    post_form(client, "/community/join", _join_form())
    with app.app_context():
        entry_id = db.session.scalar(
            db.select(DirectoryEntry.id).where(DirectoryEntry.user_id == world.person_id)
        )
    refused = post_form(client, f"/community/entries/{entry_id}/leave", {}, get_path="/community/")
    assert refused.status_code == 302
    with app.app_context():
        assert _entries() == 36  # not ticked: nothing changed
    post_form(client, f"/community/entries/{entry_id}/leave", {"confirm": "yes"}, get_path="/community/")
    with app.app_context():
        assert _entries() == 35
