"""A cohort session's materials published to the bank: a copy of the file, lab scope, once only."""

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.cohorts import CohortSessionFactory
from tests.factories.programme import CohortFactory, EnrolmentFactory, LabFactory
from tests.helpers import login, post_form
from wcl.cohorts import services as cohort_services
from wcl.cohorts.models import SessionMaterial
from wcl.extensions import db
from wcl.files.services import store_bytes
from wcl.knowledge import services
from wcl.knowledge.models import Resource
from wcl.labs.models import Lab

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _materials(lab_id):
    session = CohortSessionFactory(
        cohort=CohortFactory(lab=db.session.get(Lab, lab_id)), description="Costs, margin, price."
    )
    stored = store_bytes(PDF, "application/pdf", "pricing.pdf")
    pdf = SessionMaterial(session_id=session.id, title="Pricing worksheet", file_id=stored.id)
    video = SessionMaterial(session_id=session.id, title="Photo tips", url="https://youtu.be/abc")
    db.session.add_all([pdf, video])
    db.session.commit()
    return session, pdf, video


def test_staff_publish_a_material_and_the_bank_keeps_its_own_copy(app, client, world):
    with app.app_context():
        _session, pdf, video = _materials(world.lab_id)
        pdf_id, video_id = pdf.id, video.id
        other_lab_material = _materials(LabFactory().id)[1].id
    login(client, "staff@example.org", PASSWORD)
    page = client.get("/knowledge/materials").get_data(as_text=True)
    assert "Pricing worksheet" in page and f"/knowledge/materials/{other_lab_material}/" not in page
    path = f"/knowledge/materials/{pdf_id}/publish"
    data = {"language": "ru", "visibility": "members"}
    assert post_form(client, path, data, get_path="/knowledge/materials").status_code == 302
    again = post_form(client, path, data, get_path="/knowledge/materials", follow_redirects=True)
    assert "already in the knowledge bank" in again.get_data(as_text=True)
    post_form(
        client,
        f"/knowledge/materials/{video_id}/publish",
        {"language": "ky", "visibility": "public"},
        get_path="/knowledge/materials",
    )
    # another lab's material: refused
    assert (
        post_form(
            client,
            f"/knowledge/materials/{other_lab_material}/publish",
            data,
            get_path="/knowledge/materials",
        ).status_code
        == 403
    )
    with app.app_context():
        file_resource, video_resource = db.session.scalars(db.select(Resource).order_by(Resource.id)).all()
        assert (file_resource.kind, file_resource.title_ru, file_resource.visibility) == (
            "file",
            "Pricing worksheet",
            "members",
        )
        assert file_resource.body_ru == "Costs, margin, price." and file_resource.status == "published"
        assert (video_resource.kind, video_resource.languages) == ("video", "ky")
        staff = db.session.scalar(
            db.select(UserFactory._meta.model).where(UserFactory._meta.model.email == "staff@example.org")
        )
        material = db.session.get(SessionMaterial, pdf_id)
        assert file_resource.file_id != material.file_id
        cohort_services.remove_material(staff, material)
        bank_file_id = file_resource.id
    # the session's copy is gone; the bank's stays downloadable
    assert client.get(f"/knowledge/{bank_file_id}/file").status_code == 200


def test_a_mentor_of_the_cohort_suggests_a_material(app, world):
    with app.app_context():
        session, pdf, _video = _materials(world.lab_id)
        mentor = db.session.scalar(
            db.select(UserFactory._meta.model).where(UserFactory._meta.model.email == "mentor@example.org")
        )
        EnrolmentFactory(cohort=session.cohort, mentor=mentor)
        resource = services.publish_material(mentor, pdf, "en")
        assert resource.status == "suggested" and resource.published_at is None
