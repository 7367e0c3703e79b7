"""Decisions: one or in bulk (all or nothing), emails from editable per-language templates, promotion, withdrawal."""

import pytest

from tests.applications.conftest import db_state
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.programme import ApplicationFactory, CallFactory
from tests.helpers import login, message_text, outbox_messages, post_form, queued_jobs
from wcl.accounts.models import User
from wcl.applications import services
from wcl.applications.models import Application, Call, Decision
from wcl.audit.models import AuditEntry
from wcl.extensions import db


def test_bulk_decision_is_all_or_nothing(app, app_ctx):
    call = CallFactory()
    staff = UserFactory(roles=["staff"])
    ok = [ApplicationFactory(call=call, status="under_review") for _ in range(2)]
    done = ApplicationFactory(call=call, status="rejected")
    ids = [a.id for a in ok] + [done.id]
    before = db_state()
    with pytest.raises(services.ApplicationError, match=f"#{done.id} cannot be given this decision"):
        services.decide(staff, ids, "accepted", "note")
    db.session.rollback()
    assert db_state() == before
    assert queued_jobs(app) == []  # no decision email for a refused batch
    services.decide(staff, [a.id for a in ok], "waitlisted", "")
    assert {db.session.get(Application, a.id).status for a in ok} == {"waitlisted"}
    assert db.session.scalar(db.select(db.func.count(Decision.id))) == 2
    assert len(queued_jobs(app)) == 2  # one email each, queued after the commit


def test_waitlisted_applicant_promoted_later_gets_both_emails(app, run_jobs):
    with app.app_context():
        applicant = UserFactory(email="a@example.org", full_name="Aida", locale="ru", roles=["applicant"])
        call = CallFactory(title_en="Naryn Lab", title_ru="Нарын")
        application = ApplicationFactory(call=call, applicant=applicant, status="shortlisted")
        staff = UserFactory(roles=["staff"])
        services.decide(staff, [application.id], "waitlisted", "")
        services.decide(staff, [application.id], "accepted", "Место освободилось.")
        application_id = application.id
        decisions = db.session.scalars(
            db.select(Decision.outcome).where(Decision.application_id == application_id).order_by(Decision.id)
        ).all()
        assert decisions == ["waitlisted", "accepted"]
        entries = db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == "application.decided").order_by(AuditEntry.id)
        ).all()
        assert [(e.data["old"], e.data["new"]) for e in entries] == [
            ("shortlisted", "waitlisted"),
            ("waitlisted", "accepted"),
        ]
    assert queued_jobs(app).count("wcl.mail.deliver") == 2
    run_jobs()
    waitlisted, accepted = outbox_messages(app)
    assert waitlisted["Subject"] == "Вы в листе ожидания: Нарын"  # her language
    assert accepted["Subject"] == "Вы приняты: Нарын"
    assert "Здравствуйте, Aida!" in message_text(accepted) and "Место освободилось." in message_text(accepted)


def test_accepted_cannot_be_decided_again(app_ctx):
    application = ApplicationFactory(status="accepted")
    with pytest.raises(services.ApplicationError):
        services.decide(UserFactory(roles=["staff"]), [application.id], "rejected")


def test_staff_edit_a_decision_template_and_it_is_used(app, run_jobs):
    with app.app_context():
        UserFactory(email="staff@example.org", roles=["staff"])
        applicant = UserFactory(email="k@example.org", full_name="Kanykei", locale="ky")
        application = ApplicationFactory(applicant=applicant, call__title_ky="Баткен", status="under_review")
        application_id = application.id
    client = app.test_client()
    login(client, "staff@example.org", PASSWORD)
    assert "Сиз кабыл алындыңыз" in client.get("/staff/decision-templates").get_data(as_text=True)
    path = "/staff/decision-templates/rejected/ky"
    assert "Арызыңыз тууралуу" in client.get(path).get_data(as_text=True)  # the default, ready to edit
    response = post_form(
        client, path, {"subject": "Жыйынтык: {call}", "body": "Урматтуу {name}, {note} Шилтеме: {link}"}
    )
    assert response.status_code == 302
    # Unknown placeholders (or template code) are refused and change nothing.
    with app.app_context():
        before = db_state()
    response = post_form(client, path, {"subject": "{{ config }}", "body": "Hi {password}"})
    assert response.status_code == 422 and "Unknown placeholder" in response.get_data(as_text=True)
    with app.app_context():
        assert db_state() == before
    response = post_form(
        client,
        f"/applications/{application_id}/decide",
        {"outcome": "rejected", "note": "Кийинки жолу!"},
        get_path=f"/applications/{application_id}",
    )
    assert response.status_code == 302
    run_jobs()
    [message] = outbox_messages(app)
    assert message["Subject"] == "Жыйынтык: Баткен"
    assert message_text(message).startswith(
        "Урматтуу Kanykei, Кийинки жолу! Шилтеме: http://localhost/applications/"
    )


def test_applicant_withdraws_and_it_is_recorded(app, world):
    with app.app_context():
        application = ApplicationFactory(
            call=db.session.get(Call, world["call_id"]),
            applicant=db.session.get(User, world["ids"]["applicant"]),
            status="under_review",
        )
        application_id = application.id
    client = app.test_client()
    login(client, "applicant@example.org", PASSWORD)
    response = post_form(
        client, f"/applications/{application_id}/withdraw", {"confirm": "yes"}, get_path="/applications/mine"
    )
    assert response.status_code == 302
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.status == "withdrawn" and application.withdrawn_at is not None
        assert (
            db.session.scalar(
                db.select(AuditEntry.actor_id).where(AuditEntry.action == "application.withdrawn")
            )
            == world["ids"]["applicant"]
        )
        # Staff can no longer decide on it, and it leaves the ranking.
        with pytest.raises(services.ApplicationError):
            services.decide(db.session.get(User, world["ids"]["staff"]), [application_id], "accepted")
        assert services.ranked_applications(application.call) == []
        before = db_state()
    # Withdrawing twice changes nothing.
    post_form(
        client, f"/applications/{application_id}/withdraw", {"confirm": "yes"}, get_path="/applications/mine"
    )
    with app.app_context():
        assert db_state() == before


def test_shortlisting_from_the_ranked_list(app, world):
    with app.app_context():
        call = db.session.get(Call, world["call_id"])
        ids = [ApplicationFactory(call=call, status=status).id for status in ("submitted", "under_review")]
        elsewhere = ApplicationFactory(status="under_review").id
    client = app.test_client()
    login(client, "staff@example.org", PASSWORD)
    path = f"/staff/calls/{world['call_id']}/ranking"
    response = post_form(client, path, {"application_ids": [str(i) for i in ids], "action": "shortlisted"})
    assert response.status_code == 302
    with app.app_context():
        assert {db.session.get(Application, i).status for i in ids} == {"shortlisted"}
    # An application of another call cannot ride along in this call's list.
    with app.app_context():
        before = db_state()
    response = post_form(
        client, path, {"application_ids": [str(elsewhere)], "action": "rejected"}, follow_redirects=True
    )
    assert "Choose at least one application." in response.get_data(as_text=True)
    with app.app_context():
        assert db_state() == before
    # Nothing selected: a clear message, nothing changes.
    response = post_form(client, path, {"action": "accepted"}, follow_redirects=True)
    assert "Choose at least one application." in response.get_data(as_text=True)
