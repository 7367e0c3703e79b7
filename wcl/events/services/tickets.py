"""Tickets: the code typed at the door, the signed token in the QR code, the QR image,
the .ics calendar file, and the ticket email (sent by a job, once).

The QR code carries ``WCLT1.<event id>.<code>.<signature>``: an HMAC of the event and
code under the app's secret, so a QR made up by hand (or a real code moved to another
event) is refused without a database lookup. The code alone (``K7M2-XQ4P``, 40 random
bits) is what a person reads out when the camera cannot scan.
"""

import base64
import hashlib
import hmac
import io
import secrets
from urllib.parse import urlsplit

import segno
from flask import current_app
from flask_babel import lazy_gettext as _l

from wcl.accounts.tokens import TokenError, make_token, read_token
from wcl.audit.services import record
from wcl.events.errors import EventError
from wcl.events.models import Registration, RegistrationStatus
from wcl.extensions import db
from wcl.links import absolute_url
from wcl.locks import lock
from wcl.mail import render_email, send
from wcl.time import ical_stamp, utcnow

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud without doubt
CODE_LENGTH = 8
TOKEN_PREFIX = "WCLT1"
TICKET_LINK = "event-ticket"
TICKET_LINK_MAX_AGE = 400 * 24 * 60 * 60  # a ticket link works for more than a year

FORGED = _l("This QR code is not a valid ticket. Ask the person for the code printed under it.")


def new_ticket_code():
    """A random ticket code of ``CODE_LENGTH`` characters from ``ALPHABET``."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text):
    """A typed code as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def _signature(event_id, code):
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"wcl-event-ticket:{event_id}:{code}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode().rstrip("=")


def ticket_token(registration):
    """The signed text in the ticket's QR code."""
    code = registration.ticket_code
    return f"{TOKEN_PREFIX}.{registration.event_id}.{code}.{_signature(registration.event_id, code)}"


def read_scan(text):
    """What was scanned or typed at the door → ``(event_id or None, code)``.

    A QR token must carry a valid signature (else ``EventError``: forged); a typed
    code has no event of its own (``None``)."""
    text = (text or "").strip()
    if text.upper().startswith(TOKEN_PREFIX + "."):
        parts = text.split(".")
        if len(parts) != 4 or not parts[1].isdigit():
            raise EventError(FORGED, field="code")
        event_id, code, signature = int(parts[1]), parts[2].upper(), parts[3].upper()
        if not hmac.compare_digest(signature, _signature(event_id, code)):
            raise EventError(FORGED, field="code")
        return event_id, code
    return None, normalise_code(text)


def qr(registration):
    return segno.make(ticket_token(registration), error="m")


def qr_svg(registration):
    """The QR code as inline SVG for the ticket page (no extra request on a slow line)."""
    return qr(registration).svg_inline(scale=6, border=2, dark="#000", light="#fff")


def qr_png(registration, scale=8):
    """The QR code as PNG bytes (email attachment)."""
    buffer = io.BytesIO()
    qr(registration).save(buffer, kind="png", scale=scale, border=3)
    return buffer.getvalue()


def ticket_link(registration):
    """A signed link to the ticket page that works without an account."""
    return absolute_url("events.ticket", token=make_token(TICKET_LINK, {"r": registration.id}))


def registration_from_link(token):
    """The registration a ticket link points to, or ``None`` (tampered or too old)."""
    try:
        payload = read_token(TICKET_LINK, token, TICKET_LINK_MAX_AGE)
    except TokenError:
        return None
    return db.session.get(Registration, payload.get("r")) if isinstance(payload, dict) else None


def _ics_escape(text):
    return (
        (text or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _ics_fold(line):
    """Fold a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character."""
    out, current = [], b""
    for ch in line:
        encoded = ch.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current)
            current = b""
        current += encoded
    out.append(current)
    return b"\r\n ".join(out).decode()


def ics_text(registration, locale="en"):
    """An iCalendar (RFC 5545) VEVENT for the ticket's event, in ``locale``."""
    event = registration.event
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "wcl.local"
    where = event.place or event.online_url or ""
    description = event.description(locale)
    if event.online_url:
        description = f"{description}\n{event.online_url}".strip()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Women's Creative Lab//wcl events//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:event-{event.id}-registration-{registration.id}@{host}",
        f"DTSTAMP:{ical_stamp(utcnow())}",
        f"DTSTART:{ical_stamp(event.starts_at)}",
        f"DTEND:{ical_stamp(event.ends_at)}",
        f"SUMMARY:{_ics_escape(event.title(locale))}",
        f"LOCATION:{_ics_escape(where)}",
        f"DESCRIPTION:{_ics_escape(description)}",
        f"URL:{absolute_url('events.show', slug=event.slug)}",
        "STATUS:CANCELLED" if event.status == "cancelled" else "STATUS:CONFIRMED",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_ics_fold(line) + "\r\n" for line in lines)


def email_ticket(registration_id):
    """Email the person her ticket (QR code as PNG, and the .ics file), once.

    Idempotent: ``ticket_emailed_at`` is set in the same transaction as the send, under
    the registration's row lock, so a re-run (RQ delivers at least once) sends nothing;
    a registration no longer holding a place gets nothing."""
    registration = lock(Registration, registration_id)
    if (
        registration is None
        or registration.ticket_emailed_at is not None
        or registration.status != RegistrationStatus.REGISTERED
    ):
        db.session.rollback()
        return False
    event = registration.event
    locale = registration.locale
    message = render_email(
        "events/ticket",
        locale,
        name=registration.name,
        title=event.title(locale),
        starts_at=event.starts_at,
        place=event.place,
        online_url=event.online_url,
        code=registration.display_code,
        promoted=registration.promoted_at is not None,
        link=ticket_link(registration),
    )
    message["to"] = registration.email
    message["template"] = "events/ticket"
    send(
        message,
        [
            (f"ticket-{registration.display_code}.png", "image/png", qr_png(registration)),
            ("event.ics", "text/calendar", ics_text(registration, locale).encode()),
        ],
    )
    registration.ticket_emailed_at = utcnow()
    record("event.ticket_emailed", registration, event=event.id)
    db.session.commit()
    return True
