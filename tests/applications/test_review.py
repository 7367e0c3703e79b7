"""Reviewer assignment (balanced, conflicts replaced), blind first pass, weighted totals and spread."""

import io

from tests.applications.conftest import draft
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.applications import (
    AssignmentFactory,
    CriterionFactory,
    ReviewFactory,
    ScoreFactory,
)
from tests.factories.programme import ApplicationFactory, CallFactory, LabFactory
from tests.helpers import login, message_text, outbox_messages
from wcl.accounts.models import User
from wcl.applications import services
from wcl.applications.models import Application, ReviewAssignment
from wcl.extensions import db


def _loads(call_id):
    rows = db.session.execute(
        db.select(ReviewAssignment.reviewer_id, db.func.count())
        .join(Application, Application.id == ReviewAssignment.application_id)
        .where(Application.call_id == call_id, ReviewAssignment.status != "conflict")
        .group_by(ReviewAssignment.reviewer_id)
    ).all()
    return dict(rows)


def test_auto_assign_gives_each_application_its_reviewers_evenly(app_ctx):
    call = CallFactory(reviews_required=2)
    applications = [ApplicationFactory(call=call) for _ in range(7)]
    reviewers = [UserFactory(roles=["reviewer"]) for _ in range(4)]
    staff = UserFactory(roles=["staff"])
    result = services.auto_assign(staff, call)
    assert result.created == 14 and result.short == []
    for application in applications:
        rows = db.session.scalars(
            db.select(ReviewAssignment).where(ReviewAssignment.application_id == application.id)
        ).all()
        assert len({r.reviewer_id for r in rows}) == 2
        assert db.session.get(Application, application.id).status == "under_review"
    loads = _loads(call.id)
    assert set(loads) == {r.id for r in reviewers}
    assert max(loads.values()) - min(loads.values()) <= 1
    # Running it again changes nothing: everyone already has her reviewers.
    assert services.auto_assign(staff, call).created == 0


def test_auto_assign_skips_reviewers_outside_the_lab_and_the_applicant_herself(app_ctx):
    lab, other_lab = LabFactory(), LabFactory()
    call = CallFactory(lab=lab, reviews_required=2)
    both = UserFactory(roles=["reviewer", "applicant"])
    application = ApplicationFactory(call=call, applicant=both)
    UserFactory(roles=["reviewer"], lab=other_lab)
    local = UserFactory(roles=["reviewer"], lab=lab)
    result = services.auto_assign(UserFactory(roles=["staff"]), call)
    assert result.created == 1 and result.short == [application.id]
    assert set(_loads(call.id)) == {local.id}


def test_conflict_is_replaced_by_the_least_loaded_reviewer(app_ctx):
    call = CallFactory(reviews_required=1)
    first, busy, free = (UserFactory(roles=["reviewer"]) for _ in range(3))
    application = ApplicationFactory(call=call, status="under_review")
    AssignmentFactory(application=application, reviewer=first)
    for _ in range(2):
        AssignmentFactory(application=ApplicationFactory(call=call, status="under_review"), reviewer=busy)
    replacement = services.declare_conflict(first, application)
    assert replacement.id == free.id
    assert services.is_active_reviewer(free.id, application.id)
    assert not services.is_active_reviewer(first.id, application.id)


def test_conflict_with_nobody_free_leaves_the_application_short(app_ctx):
    call = CallFactory(reviews_required=1)
    only = UserFactory(roles=["reviewer"])
    application = ApplicationFactory(call=call, status="under_review")
    AssignmentFactory(application=application, reviewer=only)
    assert services.declare_conflict(only, application) is None
    [row] = services.ranked_applications(call)
    assert row.active_reviewers == 0
    # A second declaration, and a manual re-assignment of her, are refused.
    for action in (
        lambda: services.declare_conflict(only, application),
        lambda: services.assign_reviewer(UserFactory(roles=["staff"]), application, only),
    ):
        try:
            action()
        except services.ApplicationError as exc:
            assert "conflict of interest" in str(exc)
        else:
            raise AssertionError("not refused")


def _review_requests(app):
    return [m for m in outbox_messages(app) if m["X-WCL-Template"] == "applications/review_assigned"]


def test_reviewers_are_emailed_once_per_batch_in_their_language_without_applicant_names(app, run_jobs):
    with app.app_context():
        call = CallFactory(reviews_required=1, title_en="Felt 2027", title_ru="Войлок 2027")
        for name in ("Aigerim Secret", "Nurzhan Secret", "Dinara Secret"):
            applicant = UserFactory(roles=["applicant"], full_name=name)
            ApplicationFactory(call=call, contact_name=name, applicant=applicant)
        reviewer_id = UserFactory(
            roles=["reviewer"], locale="ru", email="rev@example.org", full_name="Асель"
        ).id
        assert services.auto_assign(UserFactory(roles=["staff"]), call).created == 3
    run_jobs()
    [message] = _review_requests(app)  # one email for three applications
    text = message_text(message)
    assert message["To"] == "rev@example.org" and "3" in message["Subject"] and "Войлок 2027" in text
    assert "Асель" in text and "/review/" in text and "Secret" not in text + message["Subject"]

    with app.app_context():
        application = db.session.scalars(db.select(Application)).first()
        other = UserFactory(roles=["reviewer"], locale="en", email="other@example.org")
        services.assign_reviewer(UserFactory(roles=["staff"]), application, other)
        services.declare_conflict(db.session.get(User, reviewer_id), application)
    run_jobs()
    messages = _review_requests(app)
    assert [m["To"] for m in messages] == ["rev@example.org", "other@example.org"]
    assert messages[1]["Subject"] == "An application to review: Felt 2027"


def test_an_assignment_refused_sends_no_email(app, run_jobs):
    with app.app_context():
        call = CallFactory(reviews_required=1)
        application = ApplicationFactory(call=call, status="under_review")
        reviewer = UserFactory(roles=["reviewer"])
        AssignmentFactory(application=application, reviewer=reviewer)
        try:
            services.assign_reviewer(UserFactory(roles=["staff"]), application, reviewer)
        except services.ApplicationError:
            db.session.rollback()
        else:
            raise AssertionError("not refused")
    run_jobs()
    assert _review_requests(app) == []


def test_weighted_total_and_spread(app_ctx):
    call = CallFactory()
    heavy = CriterionFactory(call=call, weight=3, min_score=0, max_score=10)
    light = CriterionFactory(call=call, weight=1, min_score=1, max_score=5)
    application = ApplicationFactory(call=call, status="under_review")
    calm = ApplicationFactory(call=call, status="under_review")
    for app_, scores in ((application, [(10, 5), (2, 1)]), (calm, [(6, 3), (5, 4)])):
        for h, l_ in scores:
            review = ReviewFactory(application=app_)
            ScoreFactory(review=review, criterion=heavy, score=h)
            ScoreFactory(review=review, criterion=light, score=l_)
    rows = {r.application.id: r for r in services.ranked_applications(call)}
    # (1.0*3 + 1.0*1)/4 = 100 and (0.2*3 + 0*1)/4 = 15 → mean 57.5, spread 85 (flagged).
    assert sorted(rows[application.id].totals) == [15.0, 100.0]
    assert rows[application.id].mean == 57.5 and rows[application.id].flagged
    # (0.6*3 + 0.5)/4 = 57.5 and (0.5*3 + 0.75)/4 = 56.25 → 56.9 (rounded), not flagged.
    assert rows[calm.id].mean == 56.9 and not rows[calm.id].flagged
    assert [r.rank for r in services.ranked_applications(call)] == [1, 2]


def test_blind_first_pass_hides_name_contacts_and_file_names(app, world):
    with app.app_context():
        from wcl.applications.models import Call

        call = db.session.get(Call, world["call_id"])
        call.blind_review = True
        db.session.commit()
        application = draft(world["ids"]["applicant"], world["call_id"])
        services.submit_application(db.session.get(User, world["ids"]["applicant"]), application)
        AssignmentFactory(application=application, reviewer=db.session.get(User, world["ids"]["reviewer"]))
        application_id, attachment_id = application.id, application.attachments[0].id
    reviewer = app.test_client()
    login(reviewer, "reviewer@example.org", PASSWORD)
    for path in (f"/applications/{application_id}", f"/applications/{application_id}/review"):
        html = reviewer.get(path).get_data(as_text=True)
        assert "Blind first review" in html
        assert "Aigerim" not in html and "+996" not in html and "work.jpg" not in html
    response = reviewer.get(f"/applications/{application_id}/files/{attachment_id}")
    assert response.status_code == 200 and "work" not in response.headers["Content-Disposition"]
    assert f"file-{attachment_id}.jpg" in response.headers["Content-Disposition"]
    # Staff see everything; after the shortlist the reviewer sees the name too.
    staff = app.test_client()
    login(staff, "staff@example.org", PASSWORD)
    staff_html = staff.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "Aigerim Applicant" in staff_html and "+996 555 123 456" in staff_html
    with app.app_context():
        services.shortlist(db.session.get(User, world["ids"]["staff"]), [application_id])
    html = reviewer.get(f"/applications/{application_id}").get_data(as_text=True)
    assert "Aigerim Applicant" in html and "+996" not in html
    assert (
        "work.jpg"
        in reviewer.get(f"/applications/{application_id}/files/{attachment_id}").headers[
            "Content-Disposition"
        ]
    )


def test_images_served_to_reviewers_carry_no_metadata(app, world):
    from PIL import Image

    with app.app_context():
        application = draft(world["ids"]["applicant"], world["call_id"], complete=False)
        image = Image.new("RGB", (30, 20))
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"
        out = io.BytesIO()
        image.save(out, "JPEG", exif=exif)
        from werkzeug.datastructures import FileStorage

        attachment = services.add_attachment(
            db.session.get(User, world["ids"]["applicant"]),
            application,
            FileStorage(io.BytesIO(out.getvalue()), "gps.jpg"),
        )
        application.status = "under_review"
        db.session.commit()
        AssignmentFactory(application=application, reviewer=db.session.get(User, world["ids"]["reviewer"]))
        path = f"/applications/{application.id}/files/{attachment.id}"
    reviewer = app.test_client()
    login(reviewer, "reviewer@example.org", PASSWORD)
    response = reviewer.get(path)
    assert response.status_code == 200 and b"PhoneMaker" not in response.get_data()
    assert response.headers["Cache-Control"] == "private, no-store"


def _pdf_with_metadata():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": "Aigerim Applicant", "/Title": "Aigerim portfolio"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _blind_pdf(app, world, data):
    from werkzeug.datastructures import FileStorage

    from wcl.applications.models import Call

    with app.app_context():
        db.session.get(Call, world["call_id"]).blind_review = True
        application = draft(world["ids"]["applicant"], world["call_id"], complete=False)
        attachment = services.add_attachment(
            db.session.get(User, world["ids"]["applicant"]),
            application,
            FileStorage(io.BytesIO(data), "cv.pdf"),
        )
        application.status = "under_review"
        db.session.commit()
        AssignmentFactory(application=application, reviewer=db.session.get(User, world["ids"]["reviewer"]))
        return f"/applications/{application.id}/files/{attachment.id}"


def test_blind_reviewers_get_pdfs_without_author_or_title(app, world):
    from pypdf import PdfReader

    path = _blind_pdf(app, world, _pdf_with_metadata())
    reviewer = app.test_client()
    login(reviewer, "reviewer@example.org", PASSWORD)
    response = reviewer.get(path)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    data = response.get_data()
    assert b"Aigerim" not in data and not (PdfReader(io.BytesIO(data)).metadata or {}).get("/Author")
    assert len(PdfReader(io.BytesIO(data)).pages) == 1 and "cv" not in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    staff = app.test_client()
    login(staff, "staff@example.org", PASSWORD)
    assert b"Aigerim Applicant" in staff.get(path).get_data()  # staff get the file as uploaded


def test_an_unreadable_pdf_is_not_shown_in_a_blind_review(app, world):
    path = _blind_pdf(app, world, b"%PDF-1.4\n%broken: Aigerim Applicant\n")
    reviewer = app.test_client()
    login(reviewer, "reviewer@example.org", PASSWORD)
    response = reviewer.get(path)
    assert response.status_code == 422 and b"Aigerim" not in response.get_data()
    assert "This file cannot be shown yet" in response.get_data(as_text=True)


def test_ranking_page_query_count_does_not_grow_with_applications(app, count_queries):
    with app.app_context():
        call = CallFactory()
        criterion = CriterionFactory(call=call)
        UserFactory(email="staff@example.org", roles=["staff"])
        call_id = call.id

        def add(n):
            for _ in range(n):
                application = ApplicationFactory(call=call, status="under_review")
                review = ReviewFactory(application=application)
                ScoreFactory(review=review, criterion=criterion, score=4)
                AssignmentFactory(application=application, reviewer=review.reviewer, status="done")

        add(2)
    client = app.test_client()
    login(client, "staff@example.org", PASSWORD)
    with count_queries() as few:
        assert client.get(f"/staff/calls/{call_id}/ranking").status_code == 200
    with app.app_context():
        call = db.session.get(type(call), call_id)
        add(8)
    with count_queries() as many:
        assert client.get(f"/staff/calls/{call_id}/ranking").status_code == 200
    assert len(many) == len(few)
