"""The programme as an IATI 2.03 activity file, built with lxml from published values only.

Codes are IATI codelist values (named in the comments); every figure about people
is the protected value of the open-data page: a hidden cell has no ``value`` and a
comment instead, so the file reveals nothing the page does not.
"""

from datetime import date
from pathlib import Path

from flask import current_app
from lxml import etree

from wcl.outcomes.services.indicators import (
    INDICATORS,
    dimensions,
    parse_period,
    published_values,
    quarters,
    targets,
)
from wcl.reports.protection import MARK
from wcl.time import utcnow

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "iati-schema"
VERSION = "2.03"
HIDDEN = "Hidden: too few people to show (disclosure control)."
# Codelists: OrganisationRole 1 funding / 4 implementing; OrganisationType 22 national NGO,
# 90 other; ActivityStatus 2 implementation; ActivityDateType 2 actual start; Sector
# vocabulary 1 (OECD DAC 5-digit): 25030 business development services, 16061 culture
# and recreation; TagVocabulary 3: SDG targets; BudgetType 1 original, BudgetStatus 1
# indicative; TransactionType 1 incoming funds; ResultType 1 output, 2 outcome;
# IndicatorMeasure 1 unit; IndicatorVocabulary 99 reporting organisation.
SECTORS = (("25030", "50"), ("16061", "50"))
RESULT_TYPES = {"women_trained": "1", "campaigns_funded": "1", "money_raised": "1"}
PEOPLE = ("women_trained", "businesses_registered", "income_up")
SEX_VALUES = {"woman": "female", "man": "male", "another": "other", "not_stated": "not stated"}
AGE_VALUES = {"under_25": "under 25", "25_35": "25-35", "over_35": "over 35", "not_stated": "not stated"}
PROGRAMME_START = date(2024, 1, 1)


def _org_ref():
    return current_app.config.get("IATI_ORG_REF") or "KG-WCL"


def _narrative(parent, tag, text, **attrs):
    element = etree.SubElement(parent, tag, **attrs)
    etree.SubElement(element, "narrative").text = text
    return element


def _period(parent, tag, period):
    etree.SubElement(parent, f"{tag}-start", {"iso-date": period.start.date().isoformat()})
    # IATI periods are inclusive; ours end at the next period's first instant.
    last = date.fromordinal(period.end.date().toordinal() - 1)
    etree.SubElement(parent, f"{tag}-end", {"iso-date": last.isoformat()})


def _value(parent, tag, value, dims=()):
    element = etree.SubElement(parent, tag)
    if value == MARK:
        _narrative(element, "comment", HIDDEN)
        return element
    element.set("value", str(value))
    for name, dim_value in dims:
        etree.SubElement(element, "dimension", name=name, value=dim_value)
    return element


def _dimension_values(code, period):
    """Protected sex and age breakdowns as separate ``actual`` values (not hidden ones)."""
    if code not in PEOPLE:
        return []
    published = dimensions(code, period)
    out = []
    for (dim, value), number in published.items():
        if number in (MARK, 0):
            continue
        label = SEX_VALUES[value] if dim == "sex" else AGE_VALUES[value]
        out.append((number, [(dim, label)]))
    return out


def _result(activity, definition, year_period, year_values, quarter_values, goal):
    result = etree.SubElement(activity, "result", type=RESULT_TYPES.get(definition.code, "2"))
    _narrative(result, "title", str(definition.label))
    indicator = etree.SubElement(result, "indicator", measure="1", ascending="1")
    _narrative(indicator, "title", str(definition.label))
    etree.SubElement(
        indicator, "reference", vocabulary="99", code=f"{definition.code} (SDG {definition.sdg})"
    )
    if goal is not None:
        etree.SubElement(indicator, "baseline", year=str(goal.baseline_year), value=str(goal.baseline_value))
    period = etree.SubElement(indicator, "period")
    _period(period, "period", year_period)
    if goal is not None and goal.target_year == year_period.year:
        etree.SubElement(period, "target", value=str(goal.target_value))
    _value(period, "actual", year_values[definition.code])
    for number, dims in _dimension_values(definition.code, year_period):
        _value(period, "actual", number, dims)
    for quarter, values in quarter_values:
        period = etree.SubElement(indicator, "period")
        _period(period, "period", quarter)
        _value(period, "actual", values[definition.code])


def build_activity_file(year, budget=None, now=None):
    """The IATI 2.03 activity file for ``year`` as bytes; ``budget`` (minor units of som,
    default ``IATI_ANNUAL_BUDGET``) adds the year's budget when known."""
    year_period = parse_period(str(year))
    now = now or utcnow()
    budget = budget if budget is not None else current_app.config.get("IATI_ANNUAL_BUDGET")
    org_ref = _org_ref()
    root = etree.Element(
        "iati-activities", version=VERSION, **{"generated-datetime": now.isoformat(timespec="seconds")}
    )
    activity = etree.SubElement(
        root,
        "iati-activity",
        {
            "default-currency": "KGS",
            "{http://www.w3.org/XML/1998/namespace}lang": "en",
            "last-updated-datetime": now.isoformat(timespec="seconds"),
        },
    )
    etree.SubElement(activity, "iati-identifier").text = f"{org_ref}-PROGRAMME"
    _narrative(activity, "reporting-org", "Women's Creative Lab", ref=org_ref, type="22")
    _narrative(activity, "title", "Women's Creative Lab: creative entrepreneurship for women in Kyrgyzstan")
    _narrative(
        activity,
        "description",
        "Calls, incubation cohorts with mentors, crowdfunding campaigns and follow-ups for women creators "
        "in Osh, Jalal-Abad, Batken and Naryn.",
        type="1",
    )
    _narrative(activity, "participating-org", "Individual backers (crowdfunding)", role="1", type="90")
    _narrative(activity, "participating-org", "Women's Creative Lab", ref=org_ref, role="4", type="22")
    etree.SubElement(activity, "activity-status", code="2")
    etree.SubElement(activity, "activity-date", {"iso-date": PROGRAMME_START.isoformat(), "type": "2"})
    etree.SubElement(activity, "recipient-country", code="KG", percentage="100")
    for code, percentage in SECTORS:
        etree.SubElement(activity, "sector", vocabulary="1", code=code, percentage=percentage)
    for sdg in sorted({d.sdg for d in INDICATORS}):
        etree.SubElement(activity, "tag", vocabulary="3", code=sdg)
    if budget:
        element = etree.SubElement(activity, "budget", type="1", status="1")
        _period(element, "period", year_period)
        value = etree.SubElement(element, "value", {"value-date": year_period.start.date().isoformat()})
        value.text = f"{budget / 100:.2f}"
    quarter_values = [(q, published_values(q)) for q in quarters(year_period.year)]
    for quarter, values in quarter_values:
        raised = values["money_raised"]
        if raised in (MARK, 0):
            continue  # hidden with its campaigns, or nothing raised
        transaction = etree.SubElement(activity, "transaction")
        etree.SubElement(transaction, "transaction-type", code="1")
        last = date.fromordinal(quarter.end.date().toordinal() - 1)
        etree.SubElement(transaction, "transaction-date", {"iso-date": last.isoformat()})
        value = etree.SubElement(transaction, "value", {"value-date": last.isoformat()})
        value.text = f"{raised:.2f}"
        _narrative(transaction, "description", f"Money raised by campaigns, {quarter.code}")
    year_values = published_values(year_period)
    goals = targets()
    for definition in INDICATORS:
        _result(activity, definition, year_period, year_values, quarter_values, goals.get(definition.code))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def schema():
    """The IATI 2.03 activities schema (copied into the repository: CI has no network)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "iati-activities-schema.xsd")))


def validation_errors(document):
    """The schema's complaints about ``document`` (bytes); empty when it validates."""
    validator = schema()
    try:
        tree = etree.fromstring(document)
    except etree.XMLSyntaxError as exc:
        return [str(exc)]
    if validator.validate(tree):
        return []
    return [f"line {e.line}: {e.message}" for e in validator.error_log]
