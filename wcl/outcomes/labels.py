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

# The mapping survey's questions and answers.
MAPPING_DIMENSION_LABELS = {
    "creative_domain": _l("Creative domain"),
    "region": _l("Region"),
    "settlement": _l("Urban or rural"),
    "size": _l("Business size (people working, owner included)"),
    "turnover_band": _l("Turnover last year"),
    "exports": _l("Sells abroad"),
    "export_share": _l("Share of sales abroad"),
}
MAPPING_LABELS = {
    "settlement:urban": _l("Urban"),
    "settlement:rural": _l("Rural"),
    "size:solo": _l("Just me"),
    "size:2_5": _l("2–5 people"),
    "size:6_15": _l("6–15 people"),
    "size:16_plus": _l("16 people or more"),
    "turnover_band:none": _l("No sales yet"),
    "turnover_band:lt100k": _l("Less than 100,000 som a year"),
    "turnover_band:100k_500k": _l("100,000–500,000 som a year"),
    "turnover_band:500k_2m": _l("500,000–2 million som a year"),
    "turnover_band:2m_8m": _l("2–8 million som a year"),
    "turnover_band:gt8m": _l("More than 8 million som a year"),
    "exports:yes": _l("Yes"),
    "exports:no": _l("No"),
    "export_share:lt10": _l("Less than 10 %"),
    "export_share:10_50": _l("10–50 %"),
    "export_share:gt50": _l("More than half"),
    "employees_women": _l("Women working with you (not counting you)"),
    "employees_men": _l("Men working with you"),
    "businesses_women": _l("Businesses employing women"),
    "businesses_men": _l("Businesses employing men"),
    "employees_women_total": _l("Women employed"),
    "employees_men_total": _l("Men employed"),
}
