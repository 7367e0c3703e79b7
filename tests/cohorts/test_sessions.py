"""Curriculum sessions: local times stored as UTC, materials, the schedule and the .ics export."""

import io
from datetime import UTC, datetime

from icalendar import Calendar

from tests.factories.accounts import PASSWORD
from tests.helpers import csrf_token, login, post_form
from wcl.cohorts.models import CohortSession, SessionMaterial
from wcl.extensions import db
from wcl.files.models import StoredFile

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _session_form(**overrides):
    data = {
        "title": "Pricing workshop",
        "starts_at": "2026-12-01T10:00",
        "ends_at": "2026-12-01T13:00",
        "place": "Osh lab, room 2",
        "link": "",
        "description": "Bring your costs",
    }
    data.update(overrides)
    return data


def test_staff_plans_a_session_in_local_time(app, client, world):
    login(client, "staff@example.org", PASSWORD)
    response = post_form(client, f"/cohorts/{world.cohort_id}/sessions/new", _session_form())
    assert response.status_code == 302
    with app.app_context():
        session = db.session.scalar(db.select(CohortSession).where(CohortSession.title == "Pricing workshop"))
        # 10:00 in Bishkek (UTC+6) is 04:00 UTC.
        assert session.starts_at == datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
        assert session.ends_at == datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
        sid = session.id
    html = client.get(f"/cohorts/sessions/{sid}/edit").get_data(as_text=True)
    assert 'value="2026-12-01T10:00"' in html


def test_bad_sessions_are_refused(app, client, world):
    login(client, "staff@example.org", PASSWORD)
    path = f"/cohorts/{world.cohort_id}/sessions/new"
    response = post_form(client, path, _session_form(ends_at="2026-12-01T09:00"))
    assert response.status_code == 422 and "The session must end after it starts." in response.get_data(
        as_text=True
    )
    response = post_form(client, path, _session_form(link="javascript:alert(1)"))
    assert response.status_code == 422 and "https://" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(CohortSession.id))) == 2  # the world's two


def test_materials_link_and_file(app, client, world):
    login(client, "staff@example.org", PASSWORD)
    schedule = f"/cohorts/{world.cohort_id}/schedule"
    path = f"/cohorts/sessions/{world.session_id}/materials"
    post_form(client, path, {"title": "Slides", "url": "https://example.org/slides"}, get_path=schedule)
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, schedule),
            "title": "",
            "upload": (io.BytesIO(PDF), "costs.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    # Neither or both is refused; a bad file is refused; nothing stored.
    post_form(client, path, {"title": "Nothing"}, get_path=schedule)
    client.post(
        path,
        data={
            "csrf_token": csrf_token(client, schedule),
            "upload": (io.BytesIO(b"MZ" + b"\x00" * 100), "x.pdf"),
        },
        content_type="multipart/form-data",
    )
    with app.app_context():
        materials = db.session.scalars(db.select(SessionMaterial).order_by(SessionMaterial.id)).all()
        assert [(m.title, m.url is not None, m.file_id is not None) for m in materials] == [
            ("Slides", True, False),
            ("costs.pdf", False, True),
        ]
        assert db.session.scalar(db.select(db.func.count(StoredFile.id))) == 1
        link_id, file_id = materials[0].id, materials[1].id
    html = client.get(schedule).get_data(as_text=True)
    assert "Slides" in html and "costs.pdf" in html
    # Participants of the cohort open materials; outsiders do not.
    p1 = app.test_client()
    login(p1, "p1@example.org", PASSWORD)
    assert p1.get(f"/cohorts/materials/{file_id}").data == PDF
    assert p1.get(f"/cohorts/materials/{link_id}").headers["Location"] == "https://example.org/slides"
    outsider = app.test_client()
    login(outsider, "staff2@example.org", PASSWORD)
    assert outsider.get(f"/cohorts/materials/{file_id}").status_code == 403
    # Staff remove a material and its file.
    post_form(client, f"/cohorts/materials/{file_id}/delete", {}, get_path=schedule)  # box not ticked
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(StoredFile.id))) == 1
    post_form(client, f"/cohorts/materials/{file_id}/delete", {"confirm": "yes"}, get_path=schedule)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(StoredFile.id))) == 0


def test_calendar_export(app, client, world):
    login(client, "staff@example.org", PASSWORD)
    post_form(
        client, f"/cohorts/{world.cohort_id}/sessions/new", _session_form(link="https://meet.example.org/x")
    )
    participant = app.test_client()
    login(participant, "p1@example.org", PASSWORD)
    response = participant.get(f"/cohorts/{world.cohort_id}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    event = events["Pricing workshop"]
    assert event.decoded("dtstart") == datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
    assert str(event["location"]) == "Osh lab, room 2" and str(event["url"]) == "https://meet.example.org/x"
    assert str(event["uid"]).startswith("cohort-session-")
    assert len(events) == 2  # the world's past session too, not the other cohort's


def test_schedule_for_the_participant(app, client, world):
    login(client, "p1@example.org", PASSWORD)
    html = client.get(f"/cohorts/{world.cohort_id}/schedule").get_data(as_text=True)
    assert "Add all sessions to my phone's calendar" in html
    assert "Mark attendance" not in html and "New session" not in html
