"""Outcomes services: follow-ups, support services, indicators, open data, IATI."""

from wcl.outcomes.services.answers import (
    QUESTIONS,
    consent_link,
    contact_state,
    follow_up_from_link,
    grant_contact,
    save_answers,
    user_from_consent_link,
    withdraw_contact,
)
from wcl.outcomes.services.followups import (
    contact_withdrawn,
    follow_up_link,
    run_follow_ups,
    schedule_follow_ups,
    send_due,
)
from wcl.outcomes.services.iati import build_activity_file, validation_errors
from wcl.outcomes.services.indicators import INDICATORS, parse_period, published_values, raw_values
from wcl.outcomes.services.mapping import mapping_aggregates, responses_by_year, submit_mapping
from wcl.outcomes.services.opendata import (
    METHODOLOGY,
    open_year,
    open_year_csv,
    open_year_json,
    results_table,
)
from wcl.outcomes.services.support import set_offers, set_uses, support_breakdown

__all__ = [
    "build_activity_file",
    "validation_errors",
    "mapping_aggregates",
    "responses_by_year",
    "submit_mapping",
    "METHODOLOGY",
    "open_year",
    "open_year_csv",
    "open_year_json",
    "results_table",
    "INDICATORS",
    "parse_period",
    "published_values",
    "raw_values",
    "QUESTIONS",
    "consent_link",
    "contact_state",
    "user_from_consent_link",
    "contact_withdrawn",
    "follow_up_from_link",
    "follow_up_link",
    "grant_contact",
    "run_follow_ups",
    "save_answers",
    "schedule_follow_ups",
    "send_due",
    "set_offers",
    "set_uses",
    "support_breakdown",
    "withdraw_contact",
]
