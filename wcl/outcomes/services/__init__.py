"""Outcomes services: follow-ups, support services, indicators, open data, IATI."""

from wcl.outcomes.services.answers import (
    QUESTIONS,
    follow_up_from_link,
    grant_contact,
    save_answers,
    withdraw_contact,
)
from wcl.outcomes.services.followups import (
    contact_withdrawn,
    follow_up_link,
    run_follow_ups,
    schedule_follow_ups,
    send_due,
)

__all__ = [
    "QUESTIONS",
    "contact_withdrawn",
    "follow_up_from_link",
    "follow_up_link",
    "grant_contact",
    "run_follow_ups",
    "save_answers",
    "schedule_follow_ups",
    "send_due",
    "withdraw_contact",
]
