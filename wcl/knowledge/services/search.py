"""Searching the bank in Kyrgyz, Russian and English, with filters.

On PostgreSQL, full-text search: the Russian text with the ``russian`` configuration
(its stemmer finds «ценообразованию» for «ценообразование»), the English with
``english``, and the Kyrgyz with ``simple`` (PostgreSQL has no Kyrgyz stemmer) and
prefix matching (``word:*``), which catches Kyrgyz's suffixes on a typed stem. On
SQLite (the embedded default) every word must appear somewhere (LIKE).
"""

import re

import sqlalchemy as sa

from wcl.extensions import db
from wcl.knowledge.models import (
    LOCALES,
    SKILLS,
    TS_CONFIG,
    Resource,
    ResourceKind,
    ResourceStatus,
    Visibility,
    search_vector,
)
from wcl.knowledge.services._common import PER_PAGE
from wcl.knowledge.services.resources import may_see_members_only
from wcl.reference import CREATIVE_DOMAIN_CODES

MAX_WORDS = 8
# Common Kyrgyz plural, case and possessive endings (with their vowel-harmony and
# voicing variants), longest first. Cut from a typed word before prefix matching so
# «колдонмолордун» finds «колдонмо»: a light stand-in for the missing stemmer.
KY_SUFFIXES = sorted(
    {
        *(
            p + c
            for p in ("лар", "лер", "лор", "лөр", "дар", "дер", "дор", "дөр", "тар", "тер", "тор", "төр")
            for c in (
                "",
                "ды",
                "ди",
                "ду",
                "дү",
                "дын",
                "дин",
                "дун",
                "дүн",
                "га",
                "ге",
                "го",
                "гө",
                "да",
                "де",
                "до",
                "дө",
                "дан",
                "ден",
                "дон",
                "дөн",
                "ы",
                "и",
                "у",
                "ү",
            )
        ),
        *("ны", "ни", "ну", "нү", "ды", "ди", "ду", "дү", "ты", "ти", "ту", "тү"),
        *("нын", "нин", "нун", "нүн", "дын", "дин", "дун", "дүн", "тын", "тин", "тун", "түн"),
        *("га", "ге", "го", "гө", "ка", "ке", "ко", "кө", "на", "не", "но", "нө"),
        *("да", "де", "до", "дө", "та", "те", "то", "тө", "нда", "нде", "ндо", "ндө"),
        *("дан", "ден", "дон", "дөн", "тан", "тен", "тон", "төн", "нан", "нен", "нон", "нөн"),
        *("сы", "си", "су", "сү", "ы", "и", "у", "ү"),
    },
    key=len,
    reverse=True,
)
MIN_STEM = 4


def kyrgyz_stem(word):
    """``word`` without one common Kyrgyz ending, if at least four letters remain."""
    for suffix in KY_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


def words_of(query):
    """The words of a query (letters and digits only: safe inside a tsquery), at most eight."""
    return re.findall(r"[^\W_]+", (query or "").lower())[:MAX_WORDS]


def _postgres_match(query, words):
    # The vector is the very expression of the GIN indexes (wcl.knowledge.models),
    # so PostgreSQL can answer from them.
    conditions = []
    for locale in LOCALES:
        config = sa.literal_column(f"'{TS_CONFIG[locale]}'::regconfig")
        vector = search_vector(
            locale, getattr(Resource, f"title_{locale}"), getattr(Resource, f"body_{locale}")
        )
        if locale == "ky":
            tsquery = sa.func.to_tsquery(config, " & ".join(f"{kyrgyz_stem(w)}:*" for w in words))
        else:
            tsquery = sa.func.plainto_tsquery(config, " ".join(words))
        conditions.append(vector.op("@@")(tsquery))
    return sa.or_(*conditions)


def _like_match(words):
    # SQLite's LIKE folds case for ASCII only: a Cyrillic word is tried as typed,
    # in lower case and with a capital.
    columns = [getattr(Resource, f"{stem}_{loc}") for stem in ("title", "body") for loc in LOCALES]
    conditions = []
    for word in words:
        forms = {word, word.lower(), word.capitalize()}
        conditions.append(sa.or_(*(col.like(f"%{form}%") for col in columns for form in forms)))
    return sa.and_(*conditions)


def text_match(query):
    """A condition keeping resources that match ``query``, or None for an empty query."""
    words = words_of(query)
    if not words:
        return None
    if db.session.get_bind().dialect.name == "postgresql":
        return _postgres_match(query, words)
    return _like_match(words)


def search_resources(user, query=None, creative_domain=None, skill=None, language=None, kind=None, page=1):
    """Published resources ``user`` may see, matching the query and filters, newest first."""
    stmt = sa.select(Resource).where(Resource.status == ResourceStatus.PUBLISHED)
    if not may_see_members_only(user):
        stmt = stmt.where(Resource.visibility == Visibility.PUBLIC)
    match = text_match(query)
    if match is not None:
        stmt = stmt.where(match)
    if creative_domain in CREATIVE_DOMAIN_CODES:
        stmt = stmt.where(Resource.creative_domain == creative_domain)
    if skill in SKILLS:
        stmt = stmt.where(Resource.skill == skill)
    if language in LOCALES:
        stmt = stmt.where(("," + Resource.languages + ",").like(f"%,{language},%"))
    if kind in ResourceKind.ALL:
        stmt = stmt.where(Resource.kind == kind)
    stmt = stmt.order_by(Resource.published_at.desc(), Resource.id.desc())
    return db.paginate(stmt, page=page, per_page=PER_PAGE, error_out=False)
