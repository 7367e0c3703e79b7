"""One normalisation step for text people type.

Every text field goes through :func:`clean_text` (forms, through ``wcl.forms``;
query strings and posted fields read without a form, through
``wcl.core.input``): control characters are refused, invisible characters and
direction overrides are removed (``x\\u202egpj.exe.pdf`` would show as
``xfdp.exe.jpg``), and the rest is put in Unicode NFC, so that one letter is
stored one way and lengths are counted on what is kept.

Below it, the one rule for text written in one language with translations (campaigns,
their rewards and updates, cohorts, their sessions and milestones): what a reader sees,
how typed translations are cleaned and saved, and how pages load them without a query
per row.
"""

import re
import unicodedata

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

# Zero-width and invisible characters, bidirectional embeddings, overrides and
# isolates, the byte-order mark and interlinear annotation marks: removed.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]"
)

# C0 and C1 control characters other than tab, line feed and carriage return
# (NUL cannot even be stored in PostgreSQL): refused.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

CONTROL_MESSAGE = _l("This text contains characters that are not allowed. Please type it again.")


class TextError(ValueError):
    """Text with control characters; ``str()`` is a translated message."""

    def __init__(self):
        super().__init__(CONTROL_MESSAGE)


def has_control(value):
    """Whether ``value`` holds a control character that text may not carry."""
    return CONTROL.search(value) is not None


def strip_invisible(value):
    """``value`` without invisible or direction-changing characters, in NFC."""
    return unicodedata.normalize("NFC", INVISIBLE.sub("", value))


def clean_text(value):
    """The one normalisation step; raises ``TextError`` for control characters."""
    if has_control(value):
        raise TextError()
    return strip_invisible(value)


def one_line(text, limit, field, refuse, required=True):
    """``text`` on one line, normalised; ``refuse`` (a service's refusal) is called when it is
    required and empty, or longer than ``limit``. An empty text is ``None``."""
    text = " ".join(clean_text(str(text or "")).split())
    if required and not text:
        refuse(_l("This field is required."), field)
    if len(text) > limit:
        refuse(_l("At most %(max)d characters fit here.", max=limit), field)
    return text or None


# Cyrillic to Latin --------------------------------------------------------------
# One letter-by-letter transliteration of Kyrgyz and Russian (lower case), for
# where only Latin characters will do: campaign slugs, bank QR names. Callers that
# need another spelling of a letter (a slug breaks words at ъ and ь) override it.
CYRILLIC_TO_LATIN = dict(
    zip(
        "абвгдеёжзийклмнңоөпрстуүфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "yo",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "ng",
            "o",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)


# Per-language text ----------------------------------------------------------
# Content people write (campaigns, cohorts, resources, organisations) may be in
# Kyrgyz, Russian or English. These two helpers are the one rule for choosing
# what a reader sees: her language, else the original (or the first language
# given), with the language actually shown so that the page can label it.

LANGUAGES = ("ky", "ru", "en")
# Pages label a ``Shown`` that is a fallback with ``lang_attr`` and ``written_in``
# (templates/_macros.html): "Written in Kyrgyz" in the reader's language.


class Shown(str):
    """A text chosen for a reader: a ``str``, with the language it is in (``lang``)
    and whether it is not the reader's language (``fallback``)."""

    lang = None
    fallback = False

    def __new__(cls, text, lang, fallback=False):
        value = super().__new__(cls, text or "")
        value.lang = lang
        value.fallback = fallback
        return value


def pick_language(texts, wanted, original=None, order=("en", "ru", "ky")):
    """The text of ``texts`` (``{locale: text}``) a reader of ``wanted`` sees.

    Hers when given; else the ``original`` language's; else the first given in
    ``order``; ``Shown("")`` when none is given.
    """
    if texts.get(wanted):
        return Shown(texts[wanted], wanted)
    for code in ((original,) if original else ()) + tuple(order):
        if texts.get(code):
            return Shown(texts[code], code, fallback=True)
    return Shown("", wanted)


def localised(row, stem, locale, order=("en", "ru", "ky")):
    """``row.<stem>_<locale>``, else the first of ``order`` that has text (a ``Shown``)."""
    return pick_language({code: getattr(row, f"{stem}_{code}", None) for code in order}, locale, order=order)


# Translation rows ------------------------------------------------------------
# A row written in one language (a campaign, its reward tiers and updates; a cohort,
# its sessions and milestones) keeps its translations in a ``translations``
# relationship keyed by locale ({locale: translation row}). Pages eager-load only the
# reader's row with the query that loads the rows (``relationship.and_(locale == …)``),
# so showing a translation costs no query of its own.


def shown_in(row, field, locale, language):
    """``row.<field>`` for a reader of ``locale`` (a ``Shown``): the translation into
    her language when there is one, else the original, written in ``language``.

    In the original language no translation is read (no query)."""
    texts = {language: getattr(row, field)}
    if locale != language and locale in LANGUAGES:
        translation = row.translations.get(locale)
        if translation is not None:
            texts[locale] = getattr(translation, field)
    return pick_language(texts, locale, language)


def translations_backref():
    """The ``translations`` collection a translation model adds to its original
    (``relationship(..., backref=translations_backref())``): ``{locale: row}``."""
    return sa.orm.backref(
        "translations", collection_class=sa.orm.attribute_keyed_dict("locale"), cascade="all, delete-orphan"
    )


def translated_into(translations, translation_model, locale):
    """Loader option: of the ``translations`` relationship, only the row into ``locale``,
    joined into the query that loads the originals (no query of its own)."""
    return sa.orm.joinedload(translations.and_(translation_model.locale == locale))


def typed_translations(data, language, limits, too_long):
    """The translations typed in a form, cleaned: ``{locale: {name: text} | None}`` for
    every language but the original ``language`` (``None``: left empty, to be removed).

    ``data`` is ``{locale: {name: text}}``; ``limits`` is ``{name: (max_chars, one_line)}``
    (a one-line text has its spaces collapsed, other text is only stripped);
    ``too_long(name, locale, limit)`` raises the caller's refusal."""
    cleaned = {}
    for code in LANGUAGES:
        if code == language:
            continue
        typed = (data or {}).get(code) or {}
        fields = {}
        for name, (limit, one_line) in limits.items():
            value = str(typed.get(name) or "")
            value = " ".join(value.split()) if one_line else value.strip()
            if len(value) > limit:
                too_long(name, code, limit)
            fields[name] = value
        cleaned[code] = fields if any(fields.values()) else None
    return cleaned


def save_translations(translations, cleaned, make_row):
    """Write ``cleaned`` (from ``typed_translations``) into ``translations`` (a row's
    ``{locale: translation}`` collection): add, change, or remove a language left empty.
    ``make_row(locale)`` builds a new translation row."""
    for code in LANGUAGES:
        fields = cleaned.get(code)
        row = translations.get(code)
        if fields is None:
            if row is not None:
                del translations[code]
            continue
        if row is None:
            translations[code] = row = make_row(code)
        for name, value in fields.items():
            setattr(row, name, value)
