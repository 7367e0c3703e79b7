"""Milestones: staff define them; the participant hands in evidence; the mentor reviews."""

import io

import pytest
from PIL import Image

from tests.factories.accounts import PASSWORD
from tests.factories.cohorts import MilestoneProgressFactory
from tests.helpers import csrf_token, login, post_form
from wcl.accounts.models import User
from wcl.cohorts import services
from wcl.cohorts.models import Enrolment, Milestone, MilestoneProgress, MilestoneStatus
from wcl.extensions import db
from wcl.files.models import StoredFile
from wcl.files.services import read_bytes


def _jpeg_with_gps():
    image = Image.new("RGB", (40, 30), (10, 120, 90))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _state():
    return (
        db.session.scalar(db.select(db.func.count(MilestoneProgress.id))),
        db.session.scalar(db.select(db.func.count(StoredFile.id))),
    )


def test_staff_adds_and_edits_milestones(app, client, world):
    login(client, "staff@example.org", PASSWORD)
    path = f"/cohorts/{world.cohort_id}/milestones"
    response = post_form(client, path, {"title": "Pricing", "due_on": "2026-12-01", "required": "y"})
    assert response.status_code == 302
    with app.app_context():
        m = db.session.scalar(db.select(Milestone).where(Milestone.title == "Pricing"))
        assert m.required and str(m.due_on) == "2026-12-01" and m.cohort_id == world.cohort_id
        mid = m.id
    response = post_form(
        client, f"/cohorts/milestones/{mid}/edit", {"title": "Pricing and costs", "due_on": ""}
    )
    assert response.status_code == 302
    with app.app_context():
        m = db.session.get(Milestone, mid)
        assert m.title == "Pricing and costs" and not m.required and m.due_on is None
    assert "Pricing and costs" in client.get(path).get_data(as_text=True)


def test_participant_submits_text_and_photo(app, client, world):
    login(client, "p1@example.org", PASSWORD)
    eid, mid = world.enrolment_ids[0], world.milestone_ids[0]
    page = f"/cohorts/enrolments/{eid}"
    response = client.post(
        f"/cohorts/enrolments/{eid}/evidence",
        data={
            "csrf_token": csrf_token(client, page),
            "milestone_id": str(mid),
            "text": "My felt bag prototype",
            "upload": (io.BytesIO(_jpeg_with_gps()), "bag.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        progress = db.session.scalar(db.select(MilestoneProgress))
        assert (
            progress.status == MilestoneStatus.SUBMITTED and progress.evidence_text == "My felt bag prototype"
        )
        assert progress.evidence_file.mimetype == "image/jpeg"
        assert b"PhoneMaker" not in read_bytes(progress.evidence_file)  # re-encoded, metadata gone
        pid = progress.id
    assert client.get(f"/cohorts/progress/{pid}/evidence").status_code == 200


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("virus.jpg", b"MZ\x90\x00" + b"\x00" * 300, "This type of file is not accepted"),
        ("notes.txt", b"just text", "This type of file is not accepted"),
        ("empty.pdf", b"", "The file is empty."),
    ],
)
def test_bad_evidence_files_are_refused(app, client, world, name, data, message):
    login(client, "p1@example.org", PASSWORD)
    eid = world.enrolment_ids[0]
    response = client.post(
        f"/cohorts/enrolments/{eid}/evidence",
        data={
            "csrf_token": csrf_token(client, f"/cohorts/enrolments/{eid}"),
            "milestone_id": str(world.milestone_ids[0]),
            "text": "see file",
            "upload": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert _state() == (0, 0)


def test_oversized_evidence_is_refused(app_ctx, world, monkeypatch):
    from werkzeug.datastructures import FileStorage

    from wcl.files import services as files

    monkeypatch.setattr(files, "DEFAULT_MAX_BYTES", 1000)
    # Patched where submit_evidence's save_document looks it up: the services' _common module.
    monkeypatch.setattr(
        services._common, "save_upload", lambda f, **kw: files.save_upload(f, max_bytes=1000, **kw)
    )
    enrolment = db.session.get(Enrolment, world.enrolment_ids[0])
    big = FileStorage(io.BytesIO(b"%PDF-" + b"0" * 5000), "big.pdf")
    with pytest.raises(services.CohortError, match="too large"):
        services.submit_evidence(enrolment.participant, enrolment, world.milestone_ids[0], "x", big)
    assert _state() == (0, 0)


def test_empty_evidence_and_foreign_milestone_are_refused(app_ctx, world):
    enrolment = db.session.get(Enrolment, world.enrolment_ids[0])
    person = enrolment.participant
    with pytest.raises(services.CohortError, match="Describe your work"):
        services.submit_evidence(person, enrolment, world.milestone_ids[0], "  ")
    foreign = Milestone(cohort_id=world.other_cohort_id, title="Elsewhere")
    db.session.add(foreign)
    db.session.commit()
    with pytest.raises(services.CohortError, match="not part of your cohort"):
        services.submit_evidence(person, enrolment, foreign.id, "work")
    assert _state() == (0, 0)


def test_participant_cannot_submit_for_someone_else(app, client, world):
    login(client, "p2@example.org", PASSWORD)
    eid = world.enrolment_ids[0]
    assert client.get(f"/cohorts/enrolments/{eid}").status_code == 403
    response = client.post(
        f"/cohorts/enrolments/{eid}/evidence", data={"milestone_id": world.milestone_ids[0]}
    )
    assert response.status_code in (400, 403)
    with app.app_context():
        assert _state() == (0, 0)


def test_mentor_approves_or_asks_for_changes(app, client, world):
    with app.app_context():
        e1 = db.session.get(Enrolment, world.enrolment_ids[0])
        m1, m2 = (db.session.get(Milestone, i) for i in world.milestone_ids)
        approve_id = MilestoneProgressFactory(enrolment=e1, milestone=m1).id
        change_id = MilestoneProgressFactory(enrolment=e1, milestone=m2).id
    login(client, "mentor.a@example.org", PASSWORD)
    page = f"/cohorts/enrolments/{world.enrolment_ids[0]}"
    assert (
        post_form(
            client, f"/cohorts/progress/{approve_id}/review", {"decision": "approved"}, page
        ).status_code
        == 302
    )
    # Asking for changes needs a note.
    post_form(client, f"/cohorts/progress/{change_id}/review", {"decision": "needs_changes"}, page)
    with app.app_context():
        assert db.session.get(MilestoneProgress, change_id).status == MilestoneStatus.SUBMITTED
    post_form(
        client,
        f"/cohorts/progress/{change_id}/review",
        {"decision": "needs_changes", "note": "Add the price"},
        page,
    )
    with app.app_context():
        approved = db.session.get(MilestoneProgress, approve_id)
        assert approved.status == MilestoneStatus.APPROVED and approved.reviewed_by_id == world.mentor_a_id
        changed = db.session.get(MilestoneProgress, change_id)
        assert changed.status == MilestoneStatus.NEEDS_CHANGES and changed.review_note == "Add the price"
    # Approved work is final; work needing changes can be sent again.
    with app.app_context():
        e1 = db.session.get(Enrolment, world.enrolment_ids[0])
        with pytest.raises(services.CohortError, match="already approved"):
            services.submit_evidence(e1.participant, e1, world.milestone_ids[0], "again")
        again = services.submit_evidence(e1.participant, e1, world.milestone_ids[1], "with price")
        assert again.status == MilestoneStatus.SUBMITTED and again.reviewed_by_id is None


def test_other_mentor_cannot_review(app, client, world):
    with app.app_context():
        e1 = db.session.get(Enrolment, world.enrolment_ids[0])
        pid = MilestoneProgressFactory(
            enrolment=e1, milestone=db.session.get(Milestone, world.milestone_ids[0])
        ).id
    login(client, "mentor.b@example.org", PASSWORD)
    assert client.get(f"/cohorts/progress/{pid}/evidence").status_code == 403
    assert client.post(f"/cohorts/progress/{pid}/review", data={"decision": "approved"}).status_code in (
        400,
        403,
    )
    with app.app_context():
        from wcl.accounts.permissions import PermissionDenied

        mentor_b = db.session.get(User, world.mentor_b_id)
        with pytest.raises(PermissionDenied):
            services.review_evidence(mentor_b, db.session.get(MilestoneProgress, pid), "approved")
        assert db.session.get(MilestoneProgress, pid).status == MilestoneStatus.SUBMITTED
