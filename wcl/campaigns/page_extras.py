"""Other domains' figures on the public campaign page, read in the campaign's own query.

A later domain (Ashar: a community project's in-kind figures and a group campaign's
beneficiaries) registers here the columns it needs, as SQL expressions correlated with
``Campaign``, and a function turning their values into what its template part shows.
``services.pages.campaign_page`` adds every registered column to the one query that
already reads the campaign, its totals, budget lines and translation, so a campaign that
is nobody's community project costs no query more, and one that is costs none either.

Why a registry and not an outer join on a table name: joining ``"ashar_projects"`` by
name from here would make campaigns depend on Ashar's schema behind the import graph's
back (the architecture test could not see it, and the page would break the day Ashar's
tables change or the package is left out). With the registry, Ashar's SQL stays in Ashar,
the domain order holds (Ashar imports campaigns, never the reverse), and the models an
extra reads are watched by the page cache (``page_cache.watch``), so a change to them
refreshes cached pages at once like a pledge does.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from wcl.campaigns import page_cache


@dataclass(frozen=True)
class PageExtra:
    """``columns()``: SQL expressions correlated with ``Campaign``; ``build(campaign, totals,
    values)``: the template value (``None``: nothing to show) from their ``values``."""

    name: str
    columns: Callable[[], Sequence[Any]]
    build: Callable[[Any, dict, tuple], Any]


_EXTRAS: dict[str, PageExtra] = {}


def register(name, columns, build, watch=()):
    """Add ``name`` to every campaign page (idempotent: registering again replaces it).
    ``watch``: models whose committed changes must refresh cached pages."""
    _EXTRAS[name] = PageExtra(name, columns, build)
    page_cache.watch(*watch)


def columns():
    """``[(extra, its columns), …]`` for every registered extra, in order."""
    return [(extra, list(extra.columns())) for extra in _EXTRAS.values()]


def flat(loaded):
    """Every column of ``columns()``'s answer, in order (to add to the campaign's query)."""
    return [column for _extra, cols in loaded for column in cols]


def build(loaded, campaign, totals, values):
    """``{name: value}`` for the template from the extra columns' ``values`` (in ``flat`` order)."""
    result, start = {}, 0
    for extra, cols in loaded:
        result[extra.name] = extra.build(campaign, totals, tuple(values[start : start + len(cols)]))
        start += len(cols)
    return result
