"""The events domain's units of work, one module per use case."""

from wcl.events.errors import EventError
from wcl.events.services.checkin import check_in
from wcl.events.services.events import cancel_event, create_event, publish_event, update_event
from wcl.events.services.materials import add_material, remove_material
from wcl.events.services.registration import cancel_registration, may_cancel, register
from wcl.events.services.reminders import send_event_reminders
from wcl.events.services.tickets import (
    email_ticket,
    ics_text,
    qr_png,
    qr_svg,
    registration_from_link,
    ticket_link,
    ticket_token,
)

__all__ = [
    "EventError",
    "add_material",
    "remove_material",
    "cancel_event",
    "cancel_registration",
    "check_in",
    "create_event",
    "email_ticket",
    "ics_text",
    "may_cancel",
    "publish_event",
    "qr_png",
    "qr_svg",
    "register",
    "registration_from_link",
    "send_event_reminders",
    "ticket_link",
    "ticket_token",
    "update_event",
]
