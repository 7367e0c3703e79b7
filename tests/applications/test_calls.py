"""Staff set up calls: texts in three languages, Bishkek-time dates, questions and a rubric."""

from datetime import UTC, datetime

import pytest

from tests.applications.conftest import db_state, draft
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.applications import CriterionFactory, QuestionFactory, ReviewFactory, ScoreFactory
from tests.factories.programme import CallFactory, LabFactory
from tests.helpers import login, post_form
from wcl.accounts.models import User
from wcl.applications import services
from wcl.applications.models import Call, CallQuestion, RubricCriterion
from wcl.audit.models import AuditEntry
from wcl.extensions import db


def _staff_client(app, lab=None):
    with app.app_context():
        UserFactory(email="staff@example.org", roles=["staff"], lab=lab)
    client = app.test_client()
    login(client, "staff@example.org", PASSWORD)
    return client


CALL_FORM = {
    "title_en": "Batken Lab 2026",
    "title_ru": "Баткен 2026",
    "title_ky": "",
    "description_en": "Workshops and a mentor.",
    "description_ru": "Мастер-классы и наставник.",
    "description_ky": "",
    "eligibility_en": "Women 18+",
    "eligibility_ru": "",
    "eligibility_ky": "",
    "opens_at": "2026-03-01T09:00",
    "closes_at": "2026-03-31T18:00",
    "reviews_required": "3",
    "blind_review": "y",
}


def test_staff_create_a_call_with_times_in_bishkek(app):
    with app.app_context():
        lab_id = LabFactory(slug="batken").id
    client = _staff_client(app)
    response = post_form(client, "/staff/calls/new", {**CALL_FORM, "lab_id": str(lab_id)})
    assert response.status_code == 302
    with app.app_context():
        call = db.session.scalar(db.select(Call))
        assert call.slug == "batken-lab-2026" and call.reviews_required == 3 and call.blind_review
        # 18:00 in Bishkek (UTC+6) is 12:00 UTC.
        assert call.closes_at == datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
        assert call.opens_at == datetime(2026, 3, 1, 3, 0, tzinfo=UTC)
        assert db.session.scalar(db.select(AuditEntry.action).where(AuditEntry.target_type == "calls")) == (
            "call.created"
        )
    # The edit form shows the same local times back.
    html = client.get(f"/staff/calls/{call.id}/edit").get_data(as_text=True)
    assert 'value="2026-03-31T18:00"' in html


def test_closing_before_opening_is_refused(app):
    with app.app_context():
        lab_id = LabFactory().id
    client = _staff_client(app)
    with app.app_context():
        before = db_state()
    form = {**CALL_FORM, "lab_id": str(lab_id), "closes_at": "2026-02-01T09:00"}
    response = post_form(client, "/staff/calls/new", form)
    assert response.status_code == 422
    assert "The closing time must be after the opening time." in response.get_data(as_text=True)
    with app.app_context():
        assert db_state() == before


def test_staff_scoped_to_another_lab_cannot_create_or_edit_there(app):
    with app.app_context():
        lab_a, lab_b = LabFactory(), LabFactory()
        call_id = CallFactory(lab=lab_a).id
        lab_a_id, lab_b_id = lab_a.id, lab_b.id
    client = _staff_client(app, lab=None)
    with app.app_context():
        staff = db.session.scalar(db.select(User).where(User.email == "staff@example.org"))
        staff.lab_id = lab_b_id
        db.session.commit()
    response = post_form(client, "/staff/calls/new", {**CALL_FORM, "lab_id": str(lab_a_id)})
    assert response.status_code == 422  # lab A is not among her choices
    assert client.get(f"/staff/calls/{call_id}/edit").status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Call.id))) == 1


def test_public_page_in_the_viewers_language_with_english_fallback(app, client):
    with app.app_context():
        CallFactory(
            slug="c1",
            title_en="Osh Lab",
            title_ru="Лаборатория Ош",
            title_ky="",
            description_en="English description",
            description_ru="Русское описание",
        )
    ru = client.get("/calls/c1", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Лаборатория Ош" in ru and "Русское описание" in ru
    ky = client.get("/calls/c1", headers={"Accept-Language": "ky"}).get_data(as_text=True)
    assert "Osh Lab" in ky and "English description" in ky  # nothing in Kyrgyz yet


def test_deadline_shown_in_bishkek_time_whatever_the_viewers_zone(app, client):
    with app.app_context():
        CallFactory(slug="c1", closes_at=datetime(2030, 5, 1, 12, 0, tzinfo=UTC))
        UserFactory(email="far@example.org", timezone="America/New_York")
    login(client, "far@example.org", PASSWORD)
    html = client.get("/calls/c1").get_data(as_text=True)
    assert "1 May 2030, 18:00" in html and "(Bishkek time)" in html


def test_closed_and_future_calls_are_not_listed(app, client):
    now = datetime.now(UTC)
    with app.app_context():
        from datetime import timedelta

        CallFactory(title_en="Past call", opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1))
        CallFactory(
            title_en="Future call", opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=9)
        )
        CallFactory(title_en="Open call")
    html = client.get("/calls/").get_data(as_text=True)
    assert "Open call" in html and "Past call" not in html and "Future call" not in html


def test_questions_added_moved_and_protected_once_answered(app, world):
    with app.app_context():
        draft(world["ids"]["applicant"], world["call_id"])  # answers the first questions
    client = app.test_client()
    login(client, "staff@example.org", PASSWORD)
    setup = f"/staff/calls/{world['call_id']}/form"
    response = post_form(
        client,
        f"/staff/calls/{world['call_id']}/questions",
        {
            "kind": "choice",
            "label_en": "Region",
            "label_ru": "Регион",
            "options_en": "Osh\nBatken",
            "options_ru": "Ош\nБаткен",
            "required": "y",
        },
        get_path=setup,
    )
    assert response.status_code == 302
    with app.app_context():
        question = db.session.scalar(db.select(CallQuestion).where(CallQuestion.label_en == "Region"))
        assert question.position == 5 and question.required
        assert question.options == [
            {"en": "Osh", "ru": "Ош", "ky": ""},
            {"en": "Batken", "ru": "Баткен", "ky": ""},
        ]
        qid = question.id
    # A choice question without options is refused.
    response = post_form(
        client,
        f"/staff/calls/{world['call_id']}/questions",
        {"kind": "choice", "label_en": "X"},
        get_path=setup,
    )
    assert response.status_code == 422 and "at least two options" in response.get_data(as_text=True)
    # Move it up.
    assert post_form(client, f"/staff/questions/{qid}/move/up", {}, get_path=setup).status_code == 302
    with app.app_context():
        assert db.session.get(CallQuestion, qid).position == 4
    # Once answered, it cannot be deleted.
    with app.app_context():
        answered_id = world["questions"][0]
        before = db_state()
    response = post_form(client, f"/staff/questions/{answered_id}/delete", {"confirm": "yes"}, get_path=setup)
    assert response.status_code == 302
    assert "already answered this question" in client.get(setup).get_data(as_text=True)
    with app.app_context():
        assert db_state() == before
    # An unanswered one can, with the "I understand" box ticked.
    assert post_form(client, f"/staff/questions/{qid}/delete", {}, get_path=setup).status_code == 302
    with app.app_context():
        assert db.session.get(CallQuestion, qid) is not None
    assert (
        post_form(client, f"/staff/questions/{qid}/delete", {"confirm": "yes"}, get_path=setup).status_code
        == 302
    )
    with app.app_context():
        assert db.session.get(CallQuestion, qid) is None


def test_criterion_range_is_locked_once_scored(app):
    with app.app_context():
        criterion = CriterionFactory(min_score=1, max_score=5)
        ScoreFactory(criterion=criterion, review=ReviewFactory(application__call=criterion.call))
        staff = UserFactory(roles=["staff"])
        with pytest.raises(services.ApplicationError, match="range cannot change"):
            services.update_criterion(
                staff, criterion, {"label_en": "X", "weight": 1, "min_score": 0, "max_score": 10}
            )
        db.session.rollback()
        # The weight may change: totals are computed from the current weights.
        services.update_criterion(
            staff, criterion, {"label_en": "X", "weight": 4, "min_score": 1, "max_score": 5}
        )
        assert db.session.get(RubricCriterion, criterion.id).weight == 4
        with pytest.raises(services.ApplicationError, match="cannot be deleted"):
            services.delete_criterion(staff, criterion)


def test_question_type_cannot_change_after_answers(app):
    with app.app_context():
        question = QuestionFactory(kind="short_text")
        from tests.factories.applications import AnswerFactory

        AnswerFactory(question=question, application__call=question.call)
        staff = UserFactory(roles=["staff"])
        with pytest.raises(services.ApplicationError, match="type cannot change"):
            services.update_question(staff, question, {"kind": "number", "label_en": "Q"})
