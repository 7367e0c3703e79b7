"""One normalisation step for text people type.

Every text field goes through :func:`clean_text` (forms, through ``wcl.forms``;
query strings and posted fields read without a form, through
``wcl.core.input``): control characters are refused, invisible characters and
direction overrides are removed (``x\\u202egpj.exe.pdf`` would show as
``xfdp.exe.jpg``), and the rest is put in Unicode NFC, so that one letter is
stored one way and lengths are counted on what is kept.
"""

import re
import unicodedata

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
