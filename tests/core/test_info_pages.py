"""Footer info pages (issue 17.10): six pages in three languages, editable by staff,
sanitised like campaign stories, the defaults shown until a page is saved."""

import pytest

from tests.factories.accounts import PASSWORD, UserFactory
from tests.helpers import login, post_form
from wcl.core import info_pages
from wcl.core.models import InfoPage
from wcl.extensions import db

SLUGS = ["how-it-works", "fees", "faq", "terms", "privacy", "contact"]


@pytest.mark.parametrize("locale", ["en", "ru", "ky"])
def test_every_page_is_linked_from_the_footer_and_written_in_each_language(client, locale):
    home = client.get("/", headers={"Accept-Language": locale}).get_data(as_text=True)
    for slug in SLUGS:
        assert f'href="/about/{slug}"' in home
        html = client.get(f"/about/{slug}", headers={"Accept-Language": locale}).get_data(as_text=True)
        assert "not yet written in your language" not in html
    privacy = client.get("/about/privacy", headers={"Accept-Language": locale}).get_data(as_text=True)
    assert privacy.count("<h2>") >= 3 or privacy.count("<h3>") >= 3  # collected, who sees, how to delete


def test_unknown_page_is_404(client):
    assert client.get("/about/nothing").status_code == 404


def test_staff_edit_a_page_sanitised_and_a_missing_language_falls_back(app, client):
    with app.app_context():
        UserFactory(email="staff@example.org", roles=["staff"])
        UserFactory(email="p@example.org", roles=["participant"])
    other = app.test_client()
    login(other, "p@example.org", PASSWORD)
    assert other.get("/about/faq/edit").status_code == 403
    login(client, "staff@example.org", PASSWORD)
    response = post_form(
        client,
        "/about/faq/edit",
        {
            "title_en": "FAQ",
            "body_en": "**Bold** <script>alert(1)</script> [x](javascript:alert(1))",
            "title_ru": "Вопросы",
            "body_ru": "Текст",
            "title_ky": "",
            "body_ky": "",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        page = db.session.scalar(db.select(InfoPage).where(InfoPage.slug == "faq"))
        assert "<strong>Bold</strong>" in page.body_html_en
        assert "<script" not in page.body_html_en and 'href="javascript:' not in page.body_html_en
    client.get("/language/ky")
    html = client.get("/about/faq").get_data(as_text=True)
    assert "<strong>Bold</strong>" in html and 'lang="en"' in html


def test_demo_stores_the_defaults_once(app_ctx):
    assert info_pages.store_defaults() == 6
    assert info_pages.store_defaults() == 0
