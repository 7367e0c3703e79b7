"""The shared PDF piece: a Jinja template rendered in a language, printed by WeasyPrint.

This is the only module that imports WeasyPrint (DESIGN.md): receipts,
certificates and report exports all print through it. Templates live in
``templates/<domain>/pdf/`` and reference their assets relative to
``wcl/static/`` (e.g. ``url("fonts/DejaVuSans.ttf")`` in an ``@font-face``,
so Kyrgyz Ң Ө Ү render identically on every machine). The URL fetcher serves
files from ``wcl/static/`` and ``data:`` URIs only: a PDF never reaches the
network or any other file, whatever a template or user text contains.
"""

import base64
import logging
import mimetypes
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import cssselect2
from flask import current_app, render_template
from flask_babel import force_locale
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# WeasyPrint logs every layout step at INFO; keep its warnings (refused fetches).
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
logger = logging.getLogger(__name__)

STATIC_DIR = (Path(__file__).resolve().parent / "static").resolve()
BASE_URL = STATIC_DIR.as_uri() + "/"


class FetchRefused(ValueError):
    """A resource outside ``wcl/static/`` was asked for."""


class RestrictedFetcher(URLFetcher):
    """Serves ``file:`` URLs inside ``wcl/static/`` and ``data:`` URIs; refuses the rest.

    WeasyPrint treats a refusal as a missing resource (a logged warning), so a
    hostile ``<img src="http://…">`` costs nothing and leaks nothing.
    """

    def __init__(self, root=STATIC_DIR):
        super().__init__(allowed_protocols=("file", "data"))
        self.root = Path(root).resolve()

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return self._data(url)
        if scheme != "file" or parts.netloc not in ("", "localhost"):
            raise FetchRefused(f"refused to fetch {url[:80]!r}")
        path = Path(unquote(parts.path)).resolve()  # resolves "..", symlinks
        if not path.is_relative_to(self.root) or not path.is_file():
            raise FetchRefused(f"refused to fetch {url[:80]!r}")
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mimetype})

    @staticmethod
    def _data(url):
        header, _, payload = url[5:].partition(",")
        mimetype = header.split(";")[0] or "text/plain"
        body = base64.b64decode(payload) if header.endswith(";base64") else unquote(payload).encode()
        return URLFetcherResponse(url[:60], body, {"Content-Type": mimetype})

    def __call__(self, url):
        return self.fetch(url)


# Stateless (``fetch`` keeps nothing between calls), so one instance serves all threads.
restricted_fetcher = RestrictedFetcher()


_fonts = threading.local()


def font_config():
    """This thread's WeasyPrint font configuration, made once and reused by every render.

    Loading the bundled @font-face fonts into a fresh Pango font map is about
    half the cost of printing a one-page document; a configuration is not shared
    between threads (Pango font maps are not thread-safe), so each thread keeps one.
    """
    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


STYLESHEET_DIR = STATIC_DIR / "pdf"


def stylesheet(name):
    """``wcl/static/pdf/<name>`` parsed once per thread, with this thread's fonts.

    Parsing a template's inline ``<style>`` (and its ``@font-face`` rules) on
    every render was a fifth of a receipt's cost; a parsed stylesheet is bound to
    the font configuration that loaded its fonts, so it is kept beside it.
    """
    cache = getattr(_fonts, "stylesheets", None)
    if cache is None:
        cache = _fonts.stylesheets = {}
    parsed = cache.get(name)
    if parsed is None:
        path = (STYLESHEET_DIR / name).resolve()
        if not path.is_relative_to(STYLESHEET_DIR):
            raise FetchRefused(f"no stylesheet {name!r}")
        parsed = cache[name] = CSS(
            string=path.read_text(encoding="utf-8"),
            base_url=BASE_URL,
            url_fetcher=restricted_fetcher,
            font_config=font_config(),
        )
    return parsed


class _Document(HTML):
    """A template's HTML as WeasyPrint prints it, with two choices a template may make.

    ``ua_stylesheet``: one of ``wcl/static/pdf/`` replaces WeasyPrint's user-agent
    stylesheet. WeasyPrint matches every rule of its HTML5 stylesheet against every
    element on every render; a template that uses a dozen elements can name a
    stylesheet holding only their rules. The hook is the one WeasyPrint's own tests
    use to replace it (``_ua_stylesheets``).

    ``xhtml``: the template writes well-formed XML (void elements closed, ``<!DOCTYPE``),
    so expat, in C, builds its tree instead of WeasyPrint's HTML5 parser in Python
    (1.5 ms of a receipt's ~30). What is left of ``HTML.__init__`` after parsing is
    done here. Anything expat refuses is parsed by WeasyPrint as usual.

    WeasyPrint is pinned, and ``tests/receipts/test_pdf_layout.py`` compares the pixels
    of both choices with WeasyPrint's own.
    """

    def __init__(self, html, ua_stylesheet=None, xhtml=False):
        root = _xml_tree(html) if xhtml else None
        if root is None:
            super().__init__(string=html, base_url=BASE_URL, url_fetcher=restricted_fetcher)
        else:
            # A template's own document has no <base> (escaped text holds no tags): the base is ours.
            self.base_url = BASE_URL
            self.url_fetcher = restricted_fetcher
            self.media_type = "print"
            self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
            self.etree_element = self.wrapper_element.etree_element
        self.ua_stylesheet = ua_stylesheet

    def _ua_stylesheets(self, forms=False):
        if self.ua_stylesheet is None:
            return super()._ua_stylesheets(forms)
        return [stylesheet(self.ua_stylesheet)]


def _xml_tree(html):
    """``html`` parsed as XML by expat, or ``None`` (and a warning) when it is not well-formed.

    Only a template's own output comes here: user text in it is escaped, so it holds
    no markup, entity declarations or DTD of its own."""
    try:
        # Not untrusted XML: the template's own markup, with every user value escaped.
        return ElementTree.fromstring(html)  # noqa: S314
    except ElementTree.ParseError as exc:
        logger.warning("an XHTML template is not well-formed XML (%s); printed through the HTML parser", exc)
        return None


def _print(html, stylesheets=(), ua_stylesheet=None, xhtml=False):
    return _Document(html, ua_stylesheet, xhtml).write_pdf(
        stylesheets=[stylesheet(name) for name in stylesheets], font_config=font_config()
    )


def render_html(template_name, locale, **context):
    """The template rendered to HTML in ``locale`` (dates, numbers and ``_()`` follow it)."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        return render_template(template_name, pdf_locale=locale, **context)


def render_pdf(template_name, locale, stylesheets=(), ua_stylesheet=None, xhtml=False, **context):
    """Render ``template_name`` (e.g. ``"cohorts/pdf/certificate.html"``) in ``locale``
    and print it to PDF bytes; assets resolve against ``wcl/static/`` only.

    ``stylesheets`` names files in ``wcl/static/pdf/`` applied after the
    template's own styles, parsed once per thread (see ``stylesheet``);
    ``ua_stylesheet`` one that replaces WeasyPrint's user-agent stylesheet, and
    ``xhtml`` says the template is well-formed XML (see ``_Document``)."""
    return _print(render_html(template_name, locale, **context), stylesheets, ua_stylesheet, xhtml)


WARM_UP_PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
@font-face { font-family: "WCL Sans"; src: url("fonts/DejaVuSans.ttf"); font-weight: normal; }
@font-face { font-family: "WCL Sans"; src: url("fonts/DejaVuSans-Bold.ttf"); font-weight: bold; }
body { font-family: "WCL Sans"; }
</style></head><body><p>Ң Ө Ү <b>1 000</b></p></body></html>"""


def warm_up():
    """Print one small page with the bundled fonts.

    Called once by a worker before it forks work horses (``workers.worker``), so
    each job starts with WeasyPrint loaded and the fonts read.
    """
    _print(WARM_UP_PAGE)
