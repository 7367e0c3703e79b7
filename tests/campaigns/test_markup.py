"""Stories and updates: Markdown rendered, then sanitized with an allowlist."""

from html.parser import HTMLParser

import pytest

from tests.factories.campaigns import ready_participant
from wcl.campaigns import services
from wcl.campaigns.markup import ALLOWED_TAGS, render_markdown, sanitize
from wcl.campaigns.models import Campaign
from wcl.extensions import db

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<iframe src="https://evil.example"></iframe>',
    '<p style="position:fixed">x</p>',
    '<svg onload="alert(1)"></svg>',
    "![x](https://evil.example/track.png)",
    '<form action="https://evil.example"><input name=x></form>',
]


class _Elements(HTMLParser):
    """Every real element and attribute in a piece of HTML (escaped text is not markup)."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def assert_safe(html):
    for tag, attrs in _Elements(html).found:
        assert tag in ALLOWED_TAGS, html
        assert set(attrs) <= {"href", "title", "rel"}, html
        if "href" in attrs:
            assert (
                attrs["href"].split(":")[0].lower() in ("http", "https", "mailto") or ":" not in attrs["href"]
            ), html


@pytest.mark.parametrize("attack", ATTACKS)
def test_dangerous_markup_never_survives(attack):
    html = render_markdown(f"Hello\n\n{attack}\n\n**bold**")
    assert_safe(html)
    assert "<strong>bold</strong>" in html


def test_links_are_kept_with_safe_rel_and_headings_demoted():
    html = render_markdown("# Title\n\n[site](https://wcl.example) and <b>raw</b>")
    assert '<a href="https://wcl.example" rel="nofollow noopener ugc">site</a>' in html
    assert "<h2>Title</h2>" in html and "<h1>" not in html
    assert "&lt;b&gt;raw&lt;/b&gt;" in html  # raw HTML is shown as text, never as markup


def test_sanitize_alone_drops_what_is_not_allowlisted():
    html = sanitize('<p onclick="x()">a<script>b</script><a href="javascript:x" onmouseover="y">c</a></p>')
    assert html == '<p>a<a rel="nofollow noopener ugc">c</a></p>'


def test_story_with_script_is_stored_sanitized(app_ctx):
    from datetime import timedelta

    from wcl.time import utcnow

    owner = ready_participant()
    campaign = services.create_campaign(
        owner,
        {
            "title": "Felt",
            "summary": "Warm.",
            "story": "Hi <script>steal()</script> [x](javascript:steal()) <a href=x onclick=steal()>y</a>",
            "goal": 100_000,
            "currency": "KGS",
            "starts_at": utcnow(),
            "ends_at": utcnow() + timedelta(days=5),
            "funding_model": "keep_it_all",
            "region": "KG-N",
            "creative_domain": "V_ARTS",
            "creator_name": "A",
        },
    )
    stored = db.session.get(Campaign, campaign.id).story_html
    assert_safe(stored)
    assert [tag for tag, _attrs in _Elements(stored).found] == ["p"]  # only the paragraph is markup
    assert "steal()" in stored  # the text stays visible, harmless
