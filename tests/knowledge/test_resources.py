"""Resources: staff publish, mentors suggest; members-only; sniffed files; atomic counters."""

import io
import threading
import zipfile

from tests.factories.accounts import PASSWORD
from tests.factories.knowledge import ResourceFactory
from tests.helpers import login, post_form
from wcl.audit.models import AuditEntry
from wcl.extensions import db
from wcl.knowledge import services
from wcl.knowledge.models import Resource

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _form(**overrides):
    data = {
        "kind": "article",
        "languages": ["ru", "ky"],
        "title_ru": "Как назначить цену на войлочные изделия",
        "body_ru": "Считаем себестоимость и наценку.",
        "title_ky": "Кийиз буюмдарына баа коюу",
        "creative_domain": "V_ARTS",
        "skill": "pricing",
        "visibility": "public",
    }
    data.update(overrides)
    return data


def _count():
    return db.session.scalar(db.select(db.func.count(Resource.id)))


def test_staff_publish_and_mentors_suggest(app, client, world):
    login(client, "staff@example.org", PASSWORD)
    assert post_form(client, "/knowledge/new", _form()).status_code == 302
    client.post("/account/logout", data={})
    client.delete_cookie("session")
    mentor = app.test_client()
    login(mentor, "mentor@example.org", PASSWORD)
    assert (
        post_form(mentor, "/knowledge/new", _form(title_ru="Совет наставника", title_ky="")).status_code
        == 302
    )
    with app.app_context():
        published, suggested = db.session.scalars(db.select(Resource).order_by(Resource.id)).all()
        assert published.status == "published" and published.languages == "ru,ky"
        assert suggested.status == "suggested" and suggested.published_at is None
        suggested_id = suggested.id
        actions = sorted(db.session.scalars(db.select(AuditEntry.action)))
        assert actions == ["knowledge_resource.published", "knowledge_resource.suggested"]
    guest = app.test_client()
    assert guest.get(f"/knowledge/{suggested_id}").status_code == 404
    assert "Совет наставника" not in guest.get("/knowledge/").get_data(as_text=True)
    staff = app.test_client()
    login(staff, "staff@example.org", PASSWORD)
    assert (
        post_form(
            staff, f"/knowledge/{suggested_id}/publish", {}, get_path=f"/knowledge/{suggested_id}"
        ).status_code
        == 302
    )
    assert "Совет наставника" in guest.get("/knowledge/").get_data(as_text=True)


def test_members_only_resource_is_hidden_from_guests(app, client, world):
    with app.app_context():
        rid = ResourceFactory(visibility="members", title_en="Members guide").id
    assert client.get(f"/knowledge/{rid}").status_code == 404
    assert "Members guide" not in client.get("/knowledge/").get_data(as_text=True)
    login(client, "backer@example.org", PASSWORD)  # signed in, but not a member
    assert client.get(f"/knowledge/{rid}").status_code == 404
    participant = app.test_client()
    login(participant, "p@example.org", PASSWORD)
    assert participant.get(f"/knowledge/{rid}").status_code == 200
    assert "Members guide" in participant.get("/knowledge/").get_data(as_text=True)


def test_a_community_member_sees_members_only_resources(app, client, world):
    with app.app_context():
        rid = ResourceFactory(visibility="members").id
    login(client, "backer@example.org", PASSWORD)
    post_form(
        client,
        "/community/join",
        {"display_name": "Diaspora friend", "creative_domain": "", "region": "", "consent": "y"},
    )
    assert client.get(f"/knowledge/{rid}").status_code == 200


def test_an_upload_that_is_not_what_it_says_is_refused(app, client, world):
    login(client, "staff@example.org", PASSWORD)
    for name, data in (
        ("guide.pdf", b"<html><script>alert(1)</script></html>"),
        ("photo.jpg", b"MZ\x90\x00\x03 executable"),
    ):
        response = post_form(
            client,
            "/knowledge/new",
            _form(kind="file", upload=(io.BytesIO(data), name)),
            content_type="multipart/form-data",
        )
        assert response.status_code == 422
        assert "This type of file is not accepted" in response.get_data(as_text=True)
    client.set_cookie("wcl_lang", "ru")
    response = post_form(
        client,
        "/knowledge/new",
        _form(kind="file", upload=(io.BytesIO(b"GIF89a fake"), "x.pdf")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "не принимается" in response.get_data(as_text=True)
    with app.app_context():
        assert _count() == 0


def _docx(with_macros=False):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", "<w:document/>")
        if with_macros:
            z.writestr("word/vbaProject.bin", b"\x00macro")
    return out.getvalue()


def test_templates_office_files_without_macros_and_pdf_downloads_are_counted(app, client, world):
    login(client, "staff@example.org", PASSWORD)
    macro = post_form(
        client,
        "/knowledge/new",
        _form(kind="template", upload=(io.BytesIO(_docx(True)), "budget.docx")),
        content_type="multipart/form-data",
    )
    assert macro.status_code == 422
    good = post_form(
        client,
        "/knowledge/new",
        _form(kind="file", upload=(io.BytesIO(PDF), "guide.pdf")),
        content_type="multipart/form-data",
    )
    assert good.status_code == 302
    with app.app_context():
        resource = db.session.scalar(db.select(Resource))
        assert resource.file.mimetype == "application/pdf" and _count() == 1
        rid = resource.id
    guest = app.test_client()
    assert guest.get(f"/knowledge/{rid}/file").status_code == 200
    assert guest.get(f"/knowledge/{rid}").status_code == 200
    with app.app_context():
        resource = db.session.get(Resource, rid)
        assert (resource.views, resource.downloads) == (1, 1)


def test_counters_are_atomic_under_concurrency(app, world):
    with app.app_context():
        rid = ResourceFactory().id

    def view():
        with app.app_context():
            for _ in range(10):
                services.count_view(rid)

    threads = [threading.Thread(target=view) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with app.app_context():
        assert db.session.get(Resource, rid).views == 80


def test_a_resource_without_a_title_or_language_is_refused(app, client, world):
    login(client, "staff@example.org", PASSWORD)
    no_title = post_form(client, "/knowledge/new", _form(title_ru="", title_ky="", title_en=""))
    assert no_title.status_code == 422 and "at least one language" in no_title.get_data(as_text=True)
    no_language = post_form(client, "/knowledge/new", _form(languages=[]))
    assert no_language.status_code == 422
    video = post_form(client, "/knowledge/new", _form(kind="video", url="javascript:alert(1)"))
    assert video.status_code == 422 and "https://" in video.get_data(as_text=True)
    with app.app_context():
        assert _count() == 0
