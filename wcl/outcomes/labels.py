"""Translated labels of the outcomes vocabulary (answers, kinds, support services)."""

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "baseline": _l("At the start"),
    "endline": _l("At graduation"),
    "m6": _l("6 months after graduation"),
    "m12": _l("12 months after graduation"),
}
INCOME_LABELS = {
    "none": _l("No income from creative work yet"),
    "lt5k": _l("Less than 5,000 som a month"),
    "5k_15k": _l("5,000–15,000 som a month"),
    "15k_30k": _l("15,000–30,000 som a month"),
    "30k_60k": _l("30,000–60,000 som a month"),
    "gt60k": _l("More than 60,000 som a month"),
}
REGISTRATION_LABELS = {
    "none": _l("Not registered"),
    "patent": _l("Working with a patent"),
    "individual": _l("Individual entrepreneur"),
    "company": _l("Company"),
}
MONEY_USED_LABELS = {
    "none": _l("Neither"),
    "campaign": _l("Money from a campaign"),
    "grant": _l("A grant"),
    "both": _l("Both"),
}
SUPPORT_LABELS = {
    "childcare": _l("Childcare during sessions"),
    "transport": _l("Transport allowance"),
    "safe_venue": _l("Safe venue"),
    "flexible": _l("Flexible schedule"),
    "family": _l("Family information session"),
    "equipment": _l("Equipment loan"),
}
CAVEAT = _l(
    "These figures show an association, not an effect: women who used a service may differ "
    "in other ways from those who did not."
)
