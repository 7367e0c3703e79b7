"""Cohort names, sessions and milestones in three languages (issue 17.13): staff write in one
language and may add translations; participants and mentors see theirs, else the original
marked with its language (pages, reminder emails, the certificate)."""

import io
from datetime import timedelta

from pypdf import PdfReader

from tests.factories.accounts import PASSWORD
from tests.factories.cohorts import CohortSessionFactory
from tests.helpers import login, message_text, outbox_messages, post_form
from wcl.accounts.models import User
from wcl.cohorts import jobs, services
from wcl.cohorts.models import (
    Cohort,
    CohortSession,
    CohortSessionTranslation,
    CohortTranslation,
    Enrolment,
    Milestone,
    MilestoneProgress,
    MilestoneTranslation,
)
from wcl.extensions import db
from wcl.files.services import read_bytes
from wcl.time import utcnow

KY_NAME = "Ош чыгармачылык тобу"
RU_NAME = "Ошская творческая группа"
KY_SESSION = "Баа коюу"
RU_SESSION = "Ценообразование"
KY_MILESTONE = "Бизнес идея"
RU_MILESTONE = "Бизнес-идея"


def _kyrgyz_cohort(world):
    """The world's cohort written in Kyrgyz, its name, a session and a milestone translated into Russian."""
    cohort = db.session.get(Cohort, world.cohort_id)
    cohort.language, cohort.name = "ky", KY_NAME
    cohort.translations["ru"] = CohortTranslation(locale="ru", name=RU_NAME)
    session = db.session.get(CohortSession, world.session_id)
    session.title, session.description = KY_SESSION, "Чыгымдарыңызды алып келиңиз."
    session.translations["ru"] = CohortSessionTranslation(
        locale="ru", title=RU_SESSION, description="Принесите свои расходы."
    )
    milestone = db.session.get(Milestone, world.milestone_ids[0])
    milestone.title, milestone.description = KY_MILESTONE, "Идеяңызды бир барак менен жазыңыз."
    milestone.translations["ru"] = MilestoneTranslation(
        locale="ru", title=RU_MILESTONE, description="Опишите идею на одной странице."
    )
    db.session.commit()


def _page(client, path, locale):
    response = client.get(path, headers={"Accept-Language": locale})
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_a_participant_reads_her_language_else_the_original_marked(app, world):
    with app.app_context():
        _kyrgyz_cohort(world)
    client = app.test_client()
    login(client, "p1@example.org", PASSWORD)
    schedule = f"/cohorts/{world.cohort_id}/schedule"
    progress = f"/cohorts/enrolments/{world.enrolment_ids[0]}"

    ru = _page(client, schedule, "ru")
    assert f'<p class="lead">{RU_NAME}</p>' in ru and f"<h2>{RU_SESSION}</h2>" in ru
    assert "<p>Принесите свои расходы.</p>" in ru and KY_SESSION not in ru and 'class="lang-note"' not in ru
    ru = _page(client, progress, "ru")
    assert (
        f"<strong>{RU_MILESTONE}</strong>" in ru
        and "Опишите идею" in ru
        and f"<span>{RU_SESSION}</span>" in ru
    )
    assert f"<strong>{RU_NAME}</strong>" in _page(client, "/cohorts/", "ru")

    en = _page(client, schedule, "en")
    assert f'<p class="lead" lang="ky">{KY_NAME}</p><p class="lang-note">Written in Kyrgyz</p>' in en
    assert f'<h2 lang="ky">{KY_SESSION}</h2><p class="lang-note">Written in Kyrgyz</p>' in en
    assert RU_SESSION not in en
    en = _page(client, progress, "en")
    assert f'<strong lang="ky">{KY_MILESTONE}</strong>' in en and RU_MILESTONE not in en

    ky = _page(client, schedule, "ky")
    assert f'<p class="lead">{KY_NAME}</p>' in ky and f"<h2>{KY_SESSION}</h2>" in ky
    assert 'class="lang-note"' not in ky and RU_SESSION not in ky


def test_a_mentor_sees_the_cohort_name_in_her_language(app, world):
    with app.app_context():
        _kyrgyz_cohort(world)
    client = app.test_client()
    login(client, "mentor.a@example.org", PASSWORD)
    assert f"<h1>{RU_NAME}</h1>" in _page(client, f"/cohorts/{world.cohort_id}", "ru")
    assert f'<h1 lang="ky">{KY_NAME}</h1>' in _page(client, f"/cohorts/{world.cohort_id}", "en")
    assert f">{RU_NAME}</span></a>" in _page(client, "/cohorts/", "ru")


def test_staff_write_the_translations_in_the_forms(app, client, world):
    login(client, "staff@example.org", PASSWORD)
    edit = f"/cohorts/{world.cohort_id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert '<details class="translations">' in page and 'name="name_ru"' in page
    response = post_form(
        client,
        edit,
        {
            "name": KY_NAME,
            "language": "ky",
            "name_ru": RU_NAME,
            "name_en": "  ",
            "lab_id": str(world.lab_id),
            "starts_on": "2026-09-01",
            "ends_on": "2026-12-01",
            "capacity": "5",
            "location": "Osh",
            "min_attendance_pct": "75",
            "checkin_interval_days": "14",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        cohort = db.session.get(Cohort, world.cohort_id)
        assert cohort.language == "ky" and set(cohort.translations) == {"ru"}
        assert cohort.translations["ru"].name == RU_NAME
    assert f'value="{RU_NAME}"' in client.get(edit).get_data(as_text=True)  # filled in again

    # A session: no fieldset for the cohort's own language.
    new_session = f"/cohorts/{world.cohort_id}/sessions/new"
    page = client.get(new_session).get_data(as_text=True)
    assert 'name="title_ru"' in page and 'name="title_ky"' not in page
    response = post_form(
        client,
        new_session,
        {
            "title": KY_SESSION,
            "starts_at": "2026-12-01T10:00",
            "ends_at": "2026-12-01T13:00",
            "place": "Ош",
            "title_ru": RU_SESSION,
            "description_ru": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        session = db.session.scalar(db.select(CohortSession).where(CohortSession.title == KY_SESSION))
        assert session.translations["ru"].title == RU_SESSION
        sid = session.id
    assert f'value="{RU_SESSION}"' in client.get(f"/cohorts/sessions/{sid}/edit").get_data(as_text=True)
    # Too long: refused by the form, the section open.
    response = post_form(client, new_session, {"title": "X", "title_en": "x" * 201})
    assert response.status_code == 422
    assert '<details class="translations" open>' in response.get_data(as_text=True)

    # A milestone, added and then edited (an emptied translation is removed).
    response = post_form(
        client,
        f"/cohorts/{world.cohort_id}/milestones",
        {"title": KY_MILESTONE, "title_ru": RU_MILESTONE, "description_ru": "Одна страница."},
    )
    assert response.status_code == 302
    with app.app_context():
        milestone = db.session.scalar(db.select(Milestone).where(Milestone.title == KY_MILESTONE))
        assert milestone.translations["ru"].description == "Одна страница."
        mid = milestone.id
    assert f'value="{RU_MILESTONE}"' in client.get(f"/cohorts/milestones/{mid}/edit").get_data(as_text=True)
    response = post_form(client, f"/cohorts/milestones/{mid}/edit", {"title": KY_MILESTONE, "title_ru": ""})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Milestone, mid).translations == {}


def test_translated_sessions_cost_no_query(app, world, count_queries):
    """Twenty translated sessions: the schedule issues the same queries in every language."""
    with app.app_context():
        _kyrgyz_cohort(world)
        cohort = db.session.get(Cohort, world.cohort_id)
        for i in range(20):
            session = CohortSessionFactory(cohort=cohort, title=f"Сабак {i}")
            session.translations["ru"] = CohortSessionTranslation(locale="ru", title=f"Урок {i}")
        db.session.commit()
    client = app.test_client()
    login(client, "p1@example.org", PASSWORD)
    counts = {}
    for locale in ("ky", "ru", "en"):
        path = f"/cohorts/{world.cohort_id}/schedule"
        _page(client, path, locale)  # warm up
        with count_queries() as queries:
            html = _page(client, path, locale)
        counts[locale] = len(queries)
        if locale == "ru":
            assert html.count("<h2>Урок ") == 20
    # Reading the cohort's name in a translation loads its translations once (one query).
    assert counts["ru"] == counts["en"] <= counts["ky"] + 1, counts


def test_session_reminders_are_in_her_language(app, world, run_jobs):
    with app.app_context():
        _kyrgyz_cohort(world)
        cohort = db.session.get(Cohort, world.cohort_id)
        soon = CohortSessionFactory(cohort=cohort, title=KY_SESSION, starts_at=utcnow() + timedelta(hours=20))
        soon.translations["ru"] = CohortSessionTranslation(locale="ru", title=RU_SESSION)
        db.session.get(Enrolment, world.enrolment_ids[0]).participant.locale = "ru"
        db.session.get(Enrolment, world.enrolment_ids[1]).participant.locale = "en"
        db.session.get(Enrolment, world.enrolment_ids[2]).participant.locale = "ky"
        db.session.commit()
        assert jobs.send_session_reminders() == 3
    run_jobs()
    mail = {m["To"]: m for m in outbox_messages(app)}
    assert RU_SESSION in mail["p1@example.org"]["Subject"]
    assert KY_SESSION in mail["p2@example.org"]["Subject"] and RU_SESSION not in message_text(
        mail["p2@example.org"]
    )
    assert KY_SESSION in mail["p3@example.org"]["Subject"]


def test_the_certificate_names_the_cohort_in_its_language(app, world, run_jobs):
    eid = world.enrolment_ids[0]
    with app.app_context():
        _kyrgyz_cohort(world)
        person = db.session.get(Enrolment, eid).participant
        person.locale, person.full_name = "ru", "Нургуль Ашимова"
        db.session.get(Cohort, world.cohort_id).min_attendance_pct = 0
        db.session.commit()
        db.session.add(
            MilestoneProgress(milestone_id=world.milestone_ids[0], enrolment_id=eid, status="approved")
        )
        db.session.commit()
        services.graduate(db.session.get(User, world.staff_id), db.session.get(Enrolment, eid))
    run_jobs()
    with app.app_context():
        e = db.session.get(Enrolment, eid)
        text = PdfReader(io.BytesIO(read_bytes(e.certificate_file))).pages[0].extract_text()
    assert RU_NAME in text and KY_NAME not in text
