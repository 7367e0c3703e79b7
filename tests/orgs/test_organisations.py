"""Organisations, members and partnerships: staff pages, lab scope, audit, bad input."""

import io

from PIL import Image

from tests.factories.accounts import PASSWORD
from tests.factories.orgs import OrganisationFactory, PartnershipFactory
from tests.helpers import login, post_form
from wcl.audit.models import AuditEntry
from wcl.extensions import db
from wcl.orgs.models import Organisation, OrgMembership, Partnership, PartnershipDocument

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _png():
    out = io.BytesIO()
    Image.new("RGB", (40, 40), "purple").save(out, "PNG")
    return out.getvalue()


def _org_form(**overrides):
    data = {
        "kind": "city_admin",
        "name_en": "Osh city mayor's office",
        "name_ru": "Мэрия города Ош",
        "name_ky": "Ош шаарынын мэриясы",
        "profile_en": "Runs the city.",
        "sector": "local government",
        "region": "KG-GO",
        "contact_name": "Nurlan",
    }
    data.update(overrides)
    return data


def _count(model):
    return db.session.scalar(db.select(db.func.count(model.id)))


def test_staff_adds_an_organisation_with_a_logo_and_an_audit_entry(app, client, world):
    login(client, "staff@example.org", PASSWORD)
    data = _org_form(logo=(io.BytesIO(_png()), "logo.png"))
    response = post_form(client, "/organisations/new", data, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        org = db.session.scalar(db.select(Organisation))
        assert org.name("ru") == "Мэрия города Ош" and org.region == "KG-GO"
        assert org.logo.mimetype.startswith("image/")
        assert db.session.scalar(
            db.select(AuditEntry.action).where(AuditEntry.target_type == "organisations")
        )
        org_id = org.id
    assert client.get(f"/organisations/{org_id}/logo").status_code == 200
    page = client.get(f"/organisations/{org_id}").get_data(as_text=True)
    assert "Osh city mayor" in page


def test_a_logo_that_is_not_an_image_is_refused_and_nothing_is_saved(app, client, world):
    login(client, "staff@example.org", PASSWORD)
    data = _org_form(logo=(io.BytesIO(b"MZ\x90\x00 not a picture at all"), "logo.png"))
    response = post_form(client, "/organisations/new", data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "This type of file is not accepted" in response.get_data(as_text=True)
    with app.app_context():
        assert _count(Organisation) == 0


def test_an_organisation_without_a_name_is_refused_in_russian(app, client, world):
    login(client, "staff@example.org", PASSWORD)
    client.set_cookie("wcl_lang", "ru")
    response = post_form(client, "/organisations/new", _org_form(name_en="", name_ru="  ", name_ky=""))
    assert response.status_code == 422
    assert "хотя бы на одном языке" in response.get_data(as_text=True)
    with app.app_context():
        assert _count(Organisation) == 0 and _count(AuditEntry) == 0


def test_a_village_as_region_is_refused(app, client, world):
    login(client, "staff@example.org", PASSWORD)
    response = post_form(client, "/organisations/new", _org_form(region="Kyzart"))
    assert response.status_code == 422 and "never a village" in response.get_data(as_text=True)


def test_members_with_roles(app, client, world):
    with app.app_context():
        org_id = OrganisationFactory().id
    login(client, "staff@example.org", PASSWORD)
    path = f"/organisations/{org_id}/members"
    data = {"email": "aigul@example.org", "role": "representative", "title": "Director"}
    assert post_form(client, path, data, get_path=f"/organisations/{org_id}").status_code == 302
    # twice: refused, nothing changed
    again = post_form(client, path, data, get_path=f"/organisations/{org_id}", follow_redirects=True)
    assert "already belongs" in again.get_data(as_text=True)
    nobody = {**data, "email": "nobody@example.org"}
    unknown = post_form(client, path, nobody, get_path=f"/organisations/{org_id}", follow_redirects=True)
    assert "No one has an account" in unknown.get_data(as_text=True)
    with app.app_context():
        assert _count(OrgMembership) == 1


def test_partnerships_are_lab_scoped(app, client, world):
    with app.app_context():
        org = OrganisationFactory()
        mine = PartnershipFactory(organisation=org, lab_id=world.lab_id, kind="hosts_lab")
        theirs = PartnershipFactory(organisation=org, lab_id=world.other_lab_id, kind="sponsors_pool")
        whole = PartnershipFactory(organisation=org, lab_id=None, kind="co_organises_events")
        org_id, mine_id, theirs_id, whole_id = org.id, mine.id, theirs.id, whole.id
    login(client, "staff@example.org", PASSWORD)
    assert client.get(f"/organisations/partnerships/{mine_id}").status_code == 200
    assert client.get(f"/organisations/partnerships/{whole_id}").status_code == 200
    assert client.get(f"/organisations/partnerships/{theirs_id}").status_code == 403
    listing = client.get("/organisations/partnerships").get_data(as_text=True)
    assert f"/organisations/partnerships/{theirs_id}" not in listing
    assert f"/organisations/partnerships/{mine_id}" in listing
    # a scoped staff member cannot make a partnership for another lab
    response = post_form(
        client,
        f"/organisations/{org_id}/partnerships/new",
        {"kind": "mentors", "lab_id": str(world.other_lab_id), "starts_on": "2026-03-01"},
    )
    assert response.status_code in (403, 422)
    with app.app_context():
        assert _count(Partnership) == 3


def test_partnership_with_dates_and_documents(app, client, world):
    with app.app_context():
        org_id = OrganisationFactory().id
    login(client, "hq@example.org", PASSWORD)
    path = f"/organisations/{org_id}/partnerships/new"
    bad = post_form(
        client, path, {"kind": "mentors", "lab_id": "", "starts_on": "2026-03-01", "ends_on": "2026-01-01"}
    )
    assert bad.status_code == 422 and "must end after it starts" in bad.get_data(as_text=True)
    response = post_form(
        client,
        path,
        {"kind": "sponsors_pool", "lab_id": str(world.lab_id), "starts_on": "2026-03-01", "ends_on": ""},
    )
    assert response.status_code == 302
    with app.app_context():
        partnership = db.session.scalar(db.select(Partnership))
        assert partnership.lab_id == world.lab_id and partnership.ends_on is None
        pid = partnership.id
    docs = f"/organisations/partnerships/{pid}/documents"
    fake = post_form(
        client,
        docs,
        {"title": "Memorandum", "upload": (io.BytesIO(b"<html><script>alert(1)</script>"), "memo.pdf")},
        get_path=f"/organisations/partnerships/{pid}",
        content_type="multipart/form-data",
    )
    assert fake.status_code == 422 and "This type of file is not accepted" in fake.get_data(as_text=True)
    good = post_form(
        client,
        docs,
        {"title": "Memorandum", "upload": (io.BytesIO(PDF), "memo.pdf")},
        get_path=f"/organisations/partnerships/{pid}",
        content_type="multipart/form-data",
    )
    assert good.status_code == 302
    with app.app_context():
        document = db.session.scalar(db.select(PartnershipDocument))
        assert document.file.mimetype == "application/pdf"
        assert _count(PartnershipDocument) == 1
        actions = set(db.session.scalars(db.select(AuditEntry.action)))
        assert {"partnership.created", "partnership_document.added"} <= actions
        doc_id = document.id
    assert client.get(f"/organisations/documents/{doc_id}").status_code == 200


def test_only_staff_see_organisation_pages(app, client, world):
    login(client, "aigul@example.org", PASSWORD)
    assert client.get("/organisations/").status_code == 403
    assert client.get("/organisations/new").status_code == 403


def test_deleting_asks_for_confirmation_and_is_audited(app, client, world):
    with app.app_context():
        org = OrganisationFactory()
        theirs = PartnershipFactory(organisation=org, lab_id=world.other_lab_id)
        whole = PartnershipFactory(organisation=org, lab_id=None)
        org_id, theirs_id, whole_id = org.id, theirs.id, whole.id
    login(client, "staff@example.org", PASSWORD)
    page = f"/organisations/{org_id}"
    post_form(client, f"{page}/delete", {}, get_path=page)  # box not ticked
    # another lab's partnership keeps a scoped staff member from deleting the organisation
    post_form(client, f"{page}/delete", {"confirm": "yes"}, get_path=page)
    with app.app_context():
        assert _count(Organisation) == 1 and _count(Partnership) == 2
    detail = f"/organisations/partnerships/{whole_id}"
    assert post_form(client, f"{detail}/delete", {"confirm": "yes"}, get_path=detail).status_code == 302
    hq = app.test_client()
    login(hq, "hq@example.org", PASSWORD)
    assert post_form(hq, f"{page}/delete", {"confirm": "yes"}, get_path=page).status_code == 302
    with app.app_context():
        assert _count(Organisation) == 0 and _count(Partnership) == 0
        actions = set(db.session.scalars(db.select(AuditEntry.action)))
        assert {"partnership.deleted", "organisation.deleted"} <= actions
    assert theirs_id
