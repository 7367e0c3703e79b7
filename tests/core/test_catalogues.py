"""The per-domain catalogues agree with each other and with the code.

Flask-Babel merges every domain's catalogue into one and a later catalogue
overrides an earlier one, so a msgid shared by two domains must mean the same
thing and be translated the same way; where the meanings differ the call site
gives a context (``pgettext``) and the catalogues a ``msgctxt``.
"""

from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from wcl.cli import domain_folder, extract_template
from wcl.i18n import PACKAGE_DIR

LOCALES = ("ru", "ky")
DOMAINS = sorted(p.parent.name for p in PACKAGE_DIR.glob("*/translations") if p.is_dir())


def _entries(path):
    """{(msgctxt, msgid): msgstr} of a .po or .pot file (plural forms by their singular)."""
    with Path(path).open("rb") as handle:
        catalog = read_po(handle)
    return {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id): m.string for m in catalog if m.id}


def test_there_is_a_catalogue_per_domain():
    assert {"core", "accounts", "applications", "cohorts", "campaigns", "payments"} <= set(DOMAINS)


@pytest.mark.parametrize("locale", LOCALES)
def test_a_shared_msgid_is_translated_one_way(locale):
    translations = defaultdict(lambda: defaultdict(list))
    for domain in DOMAINS:
        for key, string in _entries(domain_folder(domain) / locale / "LC_MESSAGES" / "messages.po").items():
            translations[key][str(string)].append(domain)
    conflicts = {
        f"{context + ' | ' if context else ''}{msgid}": dict(strings)
        for (context, msgid), strings in translations.items()
        if len(strings) > 1
    }
    assert conflicts == {}, "give one translation, or a pgettext context where the meanings differ"


@pytest.mark.parametrize("domain", DOMAINS)
def test_catalogue_matches_what_extraction_finds(domain, tmp_path):
    pot = tmp_path / "messages.pot"
    extract_template(domain, pot)
    extracted = set(_entries(pot))
    for locale in LOCALES:
        catalogued = set(_entries(domain_folder(domain) / locale / "LC_MESSAGES" / "messages.po"))
        assert (locale, sorted(extracted - catalogued, key=str)) == (locale, []), "run flask i18n extract"
        assert (locale, sorted(catalogued - extracted, key=str)) == (locale, []), "run flask i18n extract"
