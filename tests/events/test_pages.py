"""The event pages: list, event, registration, ticket, staff pages, check-in, counts."""

import re
from datetime import timedelta

import pytest

from tests.factories.accounts import PASSWORD, DemographicsFactory, UserFactory
from tests.factories.events import EventFactory, RegistrationFactory
from tests.factories.programme import LabFactory
from tests.helpers import login, post_form
from wcl.events.models import Event, EventStatus, Registration, RegistrationStatus
from wcl.events.services import ticket_link, ticket_token
from wcl.extensions import db
from wcl.time import utcnow


@pytest.fixture
def world(app):
    with app.app_context():
        lab = LabFactory()
        UserFactory(email="staff@example.org", roles=["staff"], lab_id=lab.id)
        UserFactory(email="other@example.org", roles=["staff"], lab_id=LabFactory().id)
        event = EventFactory(lab_id=lab.id, slug="fall-opening", title_en="Fall opening", capacity=1)
        past = EventFactory(
            lab_id=lab.id,
            slug="spring-meetup",
            title_en="Spring meetup",
            starts_at=utcnow() - timedelta(days=30),
            ends_at=utcnow() - timedelta(days=30) + timedelta(hours=2),
        )
        EventFactory(lab_id=lab.id, slug="secret-draft", title_en="Secret draft", status=EventStatus.DRAFT)
        return {"lab": lab.id, "event": event.id, "past": past.id}


def _registrations():
    return db.session.scalars(db.select(Registration).order_by(Registration.id)).all()


def test_public_list_shows_upcoming_and_past_not_drafts(client, world):
    upcoming = client.get("/events/").get_data(as_text=True)
    assert "Fall opening" in upcoming and "Spring meetup" not in upcoming and "Secret draft" not in upcoming
    past = client.get("/events/?when=past").get_data(as_text=True)
    assert "Spring meetup" in past and "Fall opening" not in past
    assert client.get("/events/secret-draft").status_code == 404
    assert client.get("/events/?page=abc").status_code == 200


def test_a_guest_registers_and_sees_her_ticket_with_a_qr(app, client, world):
    response = post_form(client, "/events/fall-opening", {"name": "Aigul", "email": "aigul@example.org"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<svg" in page and "Aigul" in page
    with app.app_context():
        [registration] = _registrations()
        assert registration.display_code in page


def test_over_capacity_goes_to_the_waitlist_and_past_event_refuses(app, client, world):
    post_form(client, "/events/fall-opening", {"name": "A", "email": "a@example.org"})
    response = post_form(client, "/events/fall-opening", {"name": "B", "email": "b@example.org"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "waitlist" in page and "<svg" not in page
    assert 'id="register-form"' not in client.get("/events/spring-meetup").get_data(as_text=True)
    response = post_form(
        client, "/events/spring-meetup", {"name": "C", "email": "c@example.org"}, get_path="/account/login"
    )
    assert "This event is over: registration is closed." in response.get_data(as_text=True)
    with app.app_context():
        assert [r.status for r in _registrations()] == ["registered", "waitlisted"]


def test_registration_refusals_are_translated_and_change_nothing(app, client, world):
    client.get("/language/ru")
    post_form(client, "/events/fall-opening", {"name": "A", "email": "a@example.org"})
    response = post_form(client, "/events/fall-opening", {"name": "A", "email": "a@example.org"})
    assert response.status_code == 422
    assert "уже зарегистрирован" in response.get_data(as_text=True)
    with app.app_context():
        event = db.session.get(Event, world["event"])
        event.status = EventStatus.CANCELLED
        db.session.commit()
    response = post_form(
        client, "/events/fall-opening", {"name": "B", "email": "b@example.org"}, get_path="/account/login"
    )
    assert "отменено" in response.get_data(as_text=True)
    with app.app_context():
        assert len(_registrations()) == 1


def test_a_guest_cancels_by_her_ticket_link_and_the_waitlist_moves_up(app, client, world):
    with app.app_context():
        event = db.session.get(Event, world["event"])
        holder = RegistrationFactory(event=event)
        head = RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
        link = ticket_link(holder)
        holder_id, head_id = holder.id, head.id
    path = "/events/tickets/" + link.rsplit("/", 1)[-1]
    assert post_form(client, path + "/cancel", {}, get_path=path).status_code == 302
    with app.app_context():
        assert (
            db.session.get(Registration, holder_id).status == RegistrationStatus.REGISTERED
        )  # not confirmed
    post_form(client, path + "/cancel", {"confirm": "yes"}, get_path=path)
    with app.app_context():
        assert db.session.get(Registration, holder_id).status == RegistrationStatus.CANCELLED
        assert db.session.get(Registration, head_id).status == RegistrationStatus.REGISTERED
    assert client.get("/events/tickets/forged-token").status_code == 404


def test_my_tickets_shows_the_qr_of_a_signed_in_person(app, client, world):
    with app.app_context():
        UserFactory(email="nurzat@example.org", full_name="Nurzat")
    login(client, "nurzat@example.org", PASSWORD)
    assert post_form(client, "/events/fall-opening", {}).status_code == 302
    page = client.get("/events/my-tickets").get_data(as_text=True)
    assert "Fall opening" in page and "<svg" in page


def test_staff_create_publish_and_see_registrations(app, client, world):
    login(client, "staff@example.org", PASSWORD)
    data = {
        "lab_id": str(world["lab"]),
        "series": "Create4 Fall Festival",
        "title_en": "Pitch night",
        "title_ru": "Вечер питчей",
        "title_ky": "Питч кечеси",
        "starts_at": "2030-10-01T18:00",
        "ends_at": "2030-10-01T21:00",
        "place": "Osh",
        "capacity": "40",
        "registration_required": "y",
    }
    response = post_form(client, "/events/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        event = db.session.scalar(db.select(Event).where(Event.title_en == "Pitch night"))
        assert (
            event.status == EventStatus.DRAFT and event.starts_at.hour == 12
        )  # 18:00 in Bishkek is 12:00 UTC
        event_id, slug = event.id, event.slug
    assert client.get(f"/events/{slug}").status_code == 200  # staff see their draft
    path = f"/events/{event_id}/registrations"
    post_form(client, f"/events/{event_id}/publish", {}, get_path=path)
    with app.app_context():
        assert db.session.get(Event, event_id).status == EventStatus.PUBLISHED
    bad = dict(data, ends_at="2030-10-01T17:00")
    response = post_form(client, f"/events/{event_id}/edit", bad)
    assert response.status_code == 422 and "must end after it starts" in response.get_data(as_text=True)
    assert client.get("/events/manage").status_code == 200


def test_staff_of_another_lab_and_guests_are_kept_out(app, client, world):
    event_id = world["event"]
    assert client.get(f"/events/{event_id}/checkin").status_code == 302  # to sign in
    login(client, "other@example.org", PASSWORD)
    for path in (
        f"/events/{event_id}/registrations",
        f"/events/{event_id}/checkin",
        f"/events/{event_id}/edit",
    ):
        assert client.get(path).status_code == 403, path
    assert client.get(f"/reports/events/{event_id}").status_code == 403


def test_check_in_page_works_without_javascript(app, client, world):
    with app.app_context():
        event = db.session.get(Event, world["event"])
        registration = RegistrationFactory(event=event, name="Aigul")
        other = EventFactory(lab_id=world["lab"], title_en="Another day")
        other_ticket = ticket_token(RegistrationFactory(event=other))
        code, token = registration.display_code, ticket_token(registration)
    login(client, "staff@example.org", PASSWORD)
    path = f"/events/{world['event']}/checkin"
    page = post_form(client, path, {"code": code}).get_data(as_text=True)
    assert "Welcome, Aigul!" in page
    response = post_form(client, path, {"code": token})
    assert response.status_code == 422
    assert re.search(r"Already checked in at \d\d:\d\d", response.get_data(as_text=True))
    response = post_form(client, path, {"code": other_ticket})
    assert "for another event: Another day" in response.get_data(as_text=True)
    response = post_form(client, path, {"code": token[:-3] + "QQQ"})
    assert "not a valid ticket" in response.get_data(as_text=True)


def test_who_came_is_counted_through_the_cell_key_method(app, client, world):
    with app.app_context():
        event = db.session.get(Event, world["event"])
        event.capacity = None
        for i in range(7):
            RegistrationFactory(
                event=event,
                status=RegistrationStatus.CHECKED_IN,
                checked_in_at=utcnow(),
                gender="woman",
                birth_year=1995,
                consent_at=utcnow(),
                consent_version="2026-1",
            )
        man = UserFactory()
        DemographicsFactory(user=man, gender="man", birth_year=1980)
        RegistrationFactory(
            event=event, user_id=man.id, status=RegistrationStatus.CHECKED_IN, checked_in_at=utcnow()
        )
        RegistrationFactory(event=event, gender="woman", birth_year=1990, consent_at=utcnow())  # not come
        db.session.commit()
    login(client, "staff@example.org", PASSWORD)
    page = client.get(f"/reports/events/{world['event']}").get_data(as_text=True)
    table = page.split('id="attendance-table"', 1)[1].split("</table>", 1)[0]
    rows = {
        m.group(1): re.findall(r"<td>([^<]*)</td>", m.group(2))
        for m in re.finditer(r'<th scope="row">([^<]+)</th>(.*?)</tr>', table, re.S)
    }
    # One man: hidden ("c"); 7 women aged 25-35 (a perturbed count, at least 5).
    assert set(rows["Men"]) <= {"c", "0"} and "c" in rows["Men"]
    women = rows["Women"]
    assert int(women[-1]) >= 5 and women[0] == "0"
    assert "noise" in page


def _png():
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (155, 29, 90)).save(out, "PNG")
    out.seek(0)
    return out


def test_staff_add_photos_to_a_past_event_and_a_fake_file_is_refused(app, client, world):
    import io

    login(client, "staff@example.org", PASSWORD)
    path = f"/events/{world['past']}/registrations"
    post_form(
        client,
        f"/events/{world['past']}/materials",
        {"file": (_png(), "stage.png"), "caption": "On stage"},
        get_path=path,
        content_type="multipart/form-data",
    )
    fake = io.BytesIO(b"MZ\x90\x00 not a picture")
    response = post_form(
        client,
        f"/events/{world['past']}/materials",
        {"file": (fake, "photo.jpg"), "caption": "Fake"},
        get_path=path,
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "This type of file is not accepted" in response.get_data(as_text=True)
    client.post("/account/logout", data={})
    public = client.get("/events/spring-meetup").get_data(as_text=True)
    assert "On stage" in public and "Fake" not in public
    src = re.search(r'src="(/events/materials/\d+)"', public).group(1)
    image = client.get(src)
    assert image.status_code == 200 and image.mimetype in ("image/png", "image/jpeg")  # re-encoded
