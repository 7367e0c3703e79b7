"""The report's words: breakdowns, stages and categories in three languages, and the
IATI names the JSON export uses."""

from flask_babel import lazy_gettext as _l

from wcl.reference import creative_domain_label, region_name
from wcl.reports import queries

DIMENSION_LABELS = {
    "gender": _l("Gender"),
    "age": _l("Age band"),
    "youth": _l("Youth (14–35)"),
    "youth_un": _l("Youth, UN band (15–24)"),
    "region": _l("Region"),
    "settlement": _l("Urban or rural"),
    "disability": _l("Disability"),
    "domain": _l("Creative domain"),
}
STAGE_LABELS = {
    "applied": _l("Applied"),
    "shortlisted": _l("Shortlisted"),
    "accepted": _l("Accepted"),
    "enrolled": _l("Enrolled"),
    "attended": _l("Attended at least 75% of sessions"),
    "graduated": _l("Graduated"),
    "campaign_launched": _l("Campaign launched"),
    "campaign_funded": _l("Campaign funded"),
    "mentors": _l("Mentors"),
    "reviewers": _l("Reviewers"),
    "team_members": _l("People in teams"),
}
CATEGORY_LABELS = {
    "woman": _l("Women"),
    "man": _l("Men"),
    "other": _l("Another way or not stated"),
    "under_18": _l("Under 18"),
    "18_24": _l("18–24"),
    "25_35": _l("25–35"),
    "36_45": _l("36–45"),
    "46_60": _l("46–60"),
    "over_60": _l("Over 60"),
    "youth": _l("Youth (14–35)"),
    "not_youth": _l("Not youth"),
    "youth_un": _l("Aged 15–24"),
    "not_youth_un": _l("Not aged 15–24"),
    "urban": _l("Urban"),
    "rural": _l("Rural"),
    "yes": _l("With disability"),
    "no": _l("Without disability"),
    "not_stated": _l("Not stated"),
    "all": _l("All"),
}
# IATI-style dimension names and values for the JSON endpoint.
IATI_NAMES = {
    "gender": "sex",
    "age": "age",
    "youth": "youth",
    "youth_un": "youth-un",
    "region": "region",
    "settlement": "location-type",
    "disability": "disability",
    "domain": "sector",
}
IATI_VALUES = {"woman": "female", "man": "male", "other": "other-or-not-stated"}


def category_label(dimension, code, locale="en"):
    if dimension == "region" and code != queries.NOT_STATED:
        return region_name(code, locale)
    if dimension == "domain" and code != queries.NOT_STATED:
        return str(creative_domain_label(code))
    return str(CATEGORY_LABELS.get(code, code))
