"""The cohort's sessions as an iCalendar feed (``.ics``) for phone calendars."""

from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event

from wcl.cohorts.models import CohortSession, CohortSessionTranslation
from wcl.extensions import db
from wcl.links import absolute_url
from wcl.text import translated_into
from wcl.time import utcnow


def cohort_calendar(cohort, locale="en"):
    """Bytes of an iCalendar file with every session of ``cohort`` (times in UTC), its
    texts in ``locale`` when translated, else as written.

    UIDs are stable per session, so re-importing updates events instead of
    duplicating them.
    """
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "wcl"
    cal = Calendar()
    cal.add("prodid", "-//Women's Creative Lab//wcl//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", str(cohort.shown("name", locale)))
    stamp = utcnow()
    sessions = db.session.scalars(
        db.select(CohortSession)
        .where(CohortSession.cohort_id == cohort.id)
        .options(translated_into(CohortSession.translations, CohortSessionTranslation, locale))
        .order_by(CohortSession.starts_at)
    ).unique()
    for session in sessions:
        event = Event()
        event.add("uid", f"cohort-session-{session.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("summary", str(session.shown("title", locale)))
        if session.place:
            event.add("location", session.place)
        elif session.link:
            event.add("location", session.link)
        if session.link:
            event.add("url", session.link)
        description = "\n\n".join(
            part
            for part in (
                session.shown("description", locale),
                absolute_url("cohorts.schedule", cohort_id=cohort.id),
            )
            if part
        )
        event.add("description", description)
        cal.add_component(event)
    return cal.to_ical()
