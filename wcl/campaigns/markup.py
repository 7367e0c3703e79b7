"""Markdown for stories and updates: rendered once when saved, then sanitized.

markdown-it-py renders with raw HTML disabled, and nh3 then keeps only an
allowlist of tags and attributes: no scripts, no event handlers, no
``javascript:`` or ``data:`` links, no images from other sites (the CSP
would block them anyway). Headings are kept below the page title (h2–h4).
"""

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "ul", "ol", "li", "blockquote",
    "h2", "h3", "h4", "a", "code", "pre", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def _demote_headings(html):
    # A story's "# Heading" must not compete with the page's own h1.
    for level in (3, 2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(f"</h{level}>", f"</h{level + 1}>")
    return html


def render_markdown(text):
    """Markdown → safe HTML (the only way user text becomes markup)."""
    html = _demote_headings(_md.render(text or ""))
    return sanitize(html)


def sanitize(html):
    """Keep only the allowlisted tags, attributes and URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener ugc",
        strip_comments=True,
    )
