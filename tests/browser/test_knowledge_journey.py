"""A guest on a phone searches the knowledge bank in Russian and in Kyrgyz and opens a resource.

Runs on the demo data (``flask demo``): twenty resources in the three languages.
"""

import re

import pytest

from tests.browser.conftest import Journey

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def demo(site):
    return site.flask("demo")


@pytest.fixture
def phone(browser, site):
    journey = Journey(browser, site, "phone", "guest")
    yield journey
    journey.close()


def test_a_guest_finds_a_russian_resource_by_an_inflected_word_and_opens_it(phone):
    page = phone.page
    phone.goto("/")
    page.get_by_role("link", name="Knowledge bank").first.click()
    phone.check()
    page.get_by_label("Search the knowledge bank").fill("войлочных изделий")
    page.get_by_role("button", name="Search").click()
    phone.check()
    results = page.locator("ul.cards li")
    assert "Как назначить цену на войлочные изделия" in results.all_inner_texts()[0] or any(
        "Как назначить цену на войлочные изделия" in text for text in results.all_inner_texts()
    )
    assert "Экспорт ремесленных изделий почтой" not in page.content()  # members only: not for a guest
    phone.screenshot("knowledge-search")
    page.get_by_role("link", name="Как назначить цену на войлочные изделия").click()
    phone.check()
    assert page.get_by_role("heading", level=1).inner_text() == "Как назначить цену на войлочные изделия"
    assert re.search(r"\b1 view\b", page.inner_text("main"))
    phone.screenshot("knowledge-resource")
    page.reload()
    assert re.search(r"\b2 views\b", page.inner_text("main"))


def test_a_kyrgyz_word_finds_kyrgyz_resources_in_kyrgyz(phone):
    page = phone.page
    phone.goto("/language/ky?next=/knowledge/")
    page.get_by_label("Билим базасынан издөө").fill("кийизден")
    page.get_by_role("button", name="Издөө").click()
    phone.check()
    texts = " ".join(page.locator("ul.cards li").all_inner_texts())
    assert "Кийиз буюмдарына баа коюу" in texts
    phone.screenshot("knowledge-search-ky")
    page.get_by_role("link", name="Кийиз буюмдарына баа коюу").click()
    phone.check()
    assert page.get_by_role("heading", level=1).inner_text() == "Кийиз буюмдарына баа коюу"


def test_a_members_only_resource_is_not_found_by_a_guest(phone, site):
    phone.page.goto("/knowledge/?language=ru&skill=legal")
    assert "Регистрация индивидуального предпринимателя" not in phone.page.content()
