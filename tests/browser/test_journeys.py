"""The journeys people take every day, in real Chromium, on a phone and a desktop."""

import re

import pytest

pytestmark = pytest.mark.browser


def test_applicant_registers_in_kyrgyz_and_verifies_her_email(site, journey, viewport):
    she = journey("applicant")
    page = she.page
    she.goto("/")
    page.get_by_role("link", name="Кыргызча").click()
    she.check()
    assert page.locator("html").get_attribute("lang") == "ky"
    page.locator("a[href='/account/register']").first.click()
    she.check()
    email = f"aizhan.{viewport}@example.org"
    page.get_by_label("Атыңыз").fill("Айжан Токтосунова")
    page.locator("#email").fill(email)
    page.locator("#password").fill("кийиз шырдак оюу")
    page.locator("#confirm").fill("кийиз шырдак оюу")
    page.locator("#submit").click()
    she.check()
    she.screenshot("01-registered")
    message = site.wait_for_outbox(email)
    assert "Аялдардын" in message["Subject"]
    link = re.search(r"https?://\S+/account/verify/\S+", message.get_body(("plain",)).get_content()).group(0)
    she.goto(link)
    assert page.locator(".flash-success").count() == 1
    she.screenshot("02-email-verified")
    she.goto("/account/")
    assert page.locator(".badge.ok").count() == 1


def test_keyboard_only_sign_in(site, journey, viewport):
    site.flask(
        "create-user", f"kb.{viewport}@example.org", "--role", "staff", "--password", "тоо булак жайлоо"
    )
    she = journey("staff")
    page = she.page
    she.goto("/account/login")
    page.locator("#email").focus()
    page.keyboard.type(f"kb.{viewport}@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("тоо булак жайлоо")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/$"))
    she.check()
    assert page.get_by_role("button", name=re.compile("Sign out|Выйти|Чыгуу")).count() == 1


NARROW_PHONE = {"width": 360, "height": 800}


def _layout(page):
    return page.evaluate(
        "() => ({width: document.documentElement.scrollWidth,"
        " header: document.querySelector('.site-header').getBoundingClientRect().height})"
    )


def test_phone_360_compact_header_and_no_overflow(site, browser):
    """On a 360 px phone the header leaves the screen to the page, and nothing (the sandbox's
    pay button included) sticks out sideways, in the language with the longest words."""
    from tests.browser.conftest import Journey

    site.flask("demo")
    she = Journey(browser, site, "phone", "backer-360")
    page = she.page
    page.set_viewport_size(NARROW_PHONE)
    try:
        she.goto("/")
        page.get_by_role("link", name="Кыргызча").click()
        she.check()
        slug = "felt-slippers-from-kochkor"
        for path in ("/", "/campaigns/", f"/campaigns/{slug}", f"/campaigns/{slug}/pledge", "/account/login"):
            she.goto(path)
            layout = _layout(page)
            assert layout["width"] <= NARROW_PHONE["width"], (path, layout)
            assert layout["header"] <= 110, (path, layout)
        she.goto(f"/campaigns/{slug}/pledge")
        page.locator("#amount").fill("1500")
        page.locator("#name").fill("Динара Колдоочу")
        page.locator("#email").fill("dinara.360@example.org")
        page.locator("#submit").click()
        page.wait_for_url(re.compile(r"/payments/sandbox/"))
        she.check()
        layout = _layout(page)
        she.screenshot("360-sandbox-checkout")
        assert layout["width"] <= NARROW_PHONE["width"], layout
        for language in ("Русский", "English", "Кыргызча"):
            page.get_by_role("link", name=language).click()
            she.check()
            layout = _layout(page)
            assert layout["width"] <= NARROW_PHONE["width"], (language, layout)
            assert layout["header"] <= 110, (language, layout)
            for button in ("#pay", "#cancel", "#fail"):
                box = page.locator(button).bounding_box()
                assert box["x"] + box["width"] <= NARROW_PHONE["width"], (language, button, box)
        she.goto("/")
        she.screenshot("360-home-header")
    finally:
        she.close()
