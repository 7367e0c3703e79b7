"""Info pages (footer): How it works, Fees, FAQ, Terms, Privacy, Contact.

Each page has a title and a Markdown body per language, sanitised exactly as
campaign stories are (``wcl.campaigns.markup``). Until staff save a page, its
default text from ``wcl/data/info_pages.json`` is shown, so a fresh install has
every page in three languages; the demo stores the defaults as rows.
"""

import json
from functools import cache
from pathlib import Path

from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.campaigns.markup import render_markdown
from wcl.core.models import LANGS, InfoPage
from wcl.errors import ServiceError
from wcl.extensions import db

DEFAULTS_FILE = Path(__file__).resolve().parents[1] / "data" / "info_pages.json"
MAX_BODY = 20_000


class InfoPageError(ServiceError):
    """A refused edit of an info page."""


@cache
def _defaults():
    pages = json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))["pages"]
    return {p["slug"]: (i, p) for i, p in enumerate(pages)}


SLUGS = tuple(_defaults())


def _from_defaults(slug):
    position, data = _defaults()[slug]
    page = InfoPage(slug=slug, position=position)
    for lang in LANGS:
        setattr(page, f"title_{lang}", data["title"].get(lang, ""))
        body = data["body"].get(lang, "")
        setattr(page, f"body_md_{lang}", body)
        setattr(page, f"body_html_{lang}", render_markdown(body))
    return page


def get_page(slug):
    """The page under ``slug`` (a stored row, else its default text, unsaved), or ``None``."""
    if slug not in _defaults():
        return None
    return db.session.scalar(db.select(InfoPage).where(InfoPage.slug == slug)) or _from_defaults(slug)


def footer_links():
    """``[(slug, {lang: title})]`` for the footer, without a query (titles of the defaults:
    the footer is on every page; an edited title shows on the page itself)."""
    return [(slug, data["title"]) for slug, (_i, data) in _defaults().items()]


def save_page(actor, slug, titles, bodies):
    """Staff save a page's titles and bodies (``{lang: text}``); the English title is required."""
    ensure("pages.edit", user=actor)
    page = get_page(slug)
    if page is None:
        raise InfoPageError(_l("This page does not exist."))
    if not (titles.get("en") or "").strip():
        raise InfoPageError(_l("Give the page a title in English."), "title_en")
    for lang in LANGS:
        title = " ".join((titles.get(lang) or "").split())
        body = (bodies.get(lang) or "").strip()
        if len(title) > 120:
            raise InfoPageError(_l("The title is too long (at most 120 characters)."), f"title_{lang}")
        if len(body) > MAX_BODY:
            raise InfoPageError(
                _l("The text is too long (at most %(n)d characters).", n=MAX_BODY), f"body_{lang}"
            )
        setattr(page, f"title_{lang}", title)
        setattr(page, f"body_md_{lang}", body)
        setattr(page, f"body_html_{lang}", render_markdown(body))
    page.updated_by_id = actor.id
    db.session.add(page)
    db.session.flush()
    record("info_page.saved", page, actor=actor)
    db.session.commit()
    return page


def store_defaults():
    """Store every page still missing as a row with its default text (demo, idempotent)."""
    made = 0
    for slug in SLUGS:
        if db.session.scalar(db.select(InfoPage.id).where(InfoPage.slug == slug)) is None:
            db.session.add(_from_defaults(slug))
            made += 1
    db.session.commit()
    return made
