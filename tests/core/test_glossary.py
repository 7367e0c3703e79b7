"""Every catalogue, and the Russian and Kyrgyz written in code and data, follow the glossary
(wcl/data/glossary.json): one spelling for the brand, labs, regions, roles and statuses."""

import json
import re

import pytest
from babel.messages.pofile import read_po

from wcl.i18n import PACKAGE_DIR

ROOT = PACKAGE_DIR.parent
GLOSSARY = json.loads((PACKAGE_DIR / "data" / "glossary.json").read_text(encoding="utf-8"))
TERMS = GLOSSARY["terms"]
LOCALES = ("ru", "ky")
CATALOGUES = sorted(PACKAGE_DIR.glob("*/translations/*/LC_MESSAGES/messages.po"))


def _entries(locale):
    """(file, context, msgid, msgstr) of every translated message in ``locale``."""
    for path in CATALOGUES:
        if path.parts[-3] != locale:
            continue
        with path.open("rb") as handle:
            for message in read_po(handle):
                if not message.id:
                    continue
                msgid = message.id[0] if isinstance(message.id, tuple) else message.id
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                for string in strings:
                    yield path.relative_to(ROOT), message.context, msgid, string


def _same(a, b):
    return a[:1].lower() + a[1:] == b[:1].lower() + b[1:]


def test_catalogues_exist_for_both_languages():
    assert {p.parts[-3] for p in CATALOGUES} == set(LOCALES)


@pytest.mark.parametrize("locale", LOCALES)
def test_listed_terms_are_translated_as_the_glossary_says(locale):
    wanted = {(t.get("context"), t["en"]): t[locale] for t in TERMS}
    wrong = [
        f"{path}: {context + ' | ' if context else ''}{msgid} → {string!r}, glossary: {wanted[(context, msgid)]!r}"
        for path, context, msgid, string in _entries(locale)
        if (context, msgid) in wanted and not _same(string, wanted[(context, msgid)])
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("locale", LOCALES)
def test_avoided_variants_appear_in_no_translation(locale):
    rules = [(t["id"], re.compile(p)) for t in TERMS for p in t.get("avoid", {}).get(locale, [])]
    scoped = [
        (t["id"], re.compile(t["msgid_pattern"]), t.get("context"), re.compile(p))
        for t in TERMS
        for p in t.get("avoid_where", {}).get(locale, [])
    ]
    found = []
    for path, context, msgid, string in _entries(locale):
        for term, pattern in rules:
            if pattern.search(string):
                found.append(f"{path}: [{term}] {pattern.pattern!r} in {string!r}")
        for term, msgid_pattern, term_context, pattern in scoped:
            if context == term_context and msgid_pattern.search(msgid) and pattern.search(string):
                found.append(f"{path}: [{term}] {pattern.pattern!r} in {msgid!r} → {string!r}")
    assert not found, "\n".join(found)


def _written_texts():
    """Files outside the catalogues that hold Russian or Kyrgyz: code, templates, data."""
    for folder, patterns in ((PACKAGE_DIR, ("*.py", "*.csv", "*.json")), (ROOT / "templates", ("*",))):
        for pattern in patterns:
            for path in folder.rglob(pattern):
                if path.is_file() and "translations" not in path.parts and path.name != "glossary.json":
                    yield path


def test_avoided_variants_appear_in_no_code_or_data():
    """Demo data, default decision letters and reference data use the glossary's spelling too.

    A pattern that one language avoids but another uses (ru «Джалал-Абад», ky «Жалал-Абад»)
    cannot be told apart here and is left to the catalogue checks."""
    canonical = [t[locale] for t in TERMS for locale in LOCALES]
    rules = [
        (t["id"], re.compile(p))
        for t in TERMS
        for locale in LOCALES
        for p in t.get("avoid", {}).get(locale, [])
        if not any(re.search(p, word) for word in canonical)
    ]
    found = [
        f"{path.relative_to(ROOT)}: [{term}] {pattern.pattern!r}"
        for path in _written_texts()
        for term, pattern in rules
        if pattern.search(path.read_text(encoding="utf-8", errors="ignore"))
    ]
    assert not found, "\n".join(found)


def test_region_and_lab_names_follow_the_glossary():
    from wcl.labs.services import SEED_LABS
    from wcl.reference import regions

    names = {t["en"]: t for t in TERMS}
    for _slug, name_en, name_ru, name_ky, _region in SEED_LABS:
        assert (name_ru, name_ky) == (names[name_en]["ru"], names[name_en]["ky"]), name_en
    jalal_abad = next(r for r in regions() if r["code"] == "KG-J")
    assert jalal_abad["name_ky"].startswith(names["Jalal-Abad"]["ky"] + " ")
    assert names["Jalal-Abad"]["ru"] in jalal_abad["name_ru"]
