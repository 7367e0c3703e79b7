"""Reference lists: Kyrgyz regions (ISO 3166-2:KG), UNESCO creative domains, the organisation."""

import csv
import json
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def regions():
    """Rows of ``kg_regions.csv``: code, name_en, name_ky, name_ru, type."""
    with (DATA_DIR / "kg_regions.csv").open(encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


@cache
def creative_domains():
    """Rows of ``creative_domains.csv`` (UNESCO FCS 2009)."""
    with (DATA_DIR / "creative_domains.csv").open(encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


@cache
def organisation():
    """``organisation.json``: the organisation's name and address in en/ru/ky (receipts)."""
    with (DATA_DIR / "organisation.json").open(encoding="utf-8") as handle:
        return json.load(handle)


REGION_CODES = tuple(row["code"] for row in regions())
CREATIVE_DOMAIN_CODES = tuple(row["code"] for row in creative_domains())


def region_name(code, locale="en"):
    """A region's name in ``locale`` (en/ru/ky); the code itself if unknown."""
    for row in regions():
        if row["code"] == code:
            return row.get(f"name_{locale}") or row["name_en"]
    return code or ""


def creative_domain_label(code):
    """The translated name of a UNESCO creative domain."""
    return CREATIVE_DOMAIN_LABELS.get(code, code or "")


# Translated here (the CSV holds English only).
from flask_babel import lazy_gettext as _l  # noqa: E402

CREATIVE_DOMAIN_LABELS = {
    "CULT_NH": _l("Cultural and natural heritage"),
    "PERF": _l("Performance and celebration"),
    "V_ARTS": _l("Visual arts and crafts"),
    "PRINT": _l("Books and press"),
    "AV_MEDIA": _l("Audio-visual and interactive media"),
    "DESIGN": _l("Design and creative services"),
    "TOURISM": _l("Tourism"),
    "SPORT_REC": _l("Sports and recreation"),
}
