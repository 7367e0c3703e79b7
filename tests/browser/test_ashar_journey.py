"""Ashar on a phone (and a desktop): a villager pledges 8 hours of labour to the demo's
Kochkor footbridge; staff confirm it was given; her thank-you page offers the certificate."""

import pytest

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "wcl-demo-2026"
SLUG = "a-footbridge-for-kara-suu"
VILLAGERS = {"phone": "Asylbek Phone", "desktop": "Asylbek Desktop"}


@pytest.fixture(scope="module", autouse=True)
def demo(site):
    return site.flask("demo")


def _sign_in(person, email):
    page = person.page
    person.goto("/account/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.wait_for_load_state()
    assert "/account/login" not in page.url, f"{email} could not sign in"


def test_a_villager_pledges_eight_hours_and_staff_confirm_them(site, journey, viewport):
    name = VILLAGERS[viewport]
    villager = journey("villager")
    page = villager.page
    villager.goto(f"/campaigns/{SLUG}")
    villager.check()
    assert "Local government match" in page.content()
    page.locator(f"a[href$='/ashar/give/{SLUG}']").first.click()
    page.wait_for_load_state()
    villager.check()
    page.locator("#kind").select_option("labour")
    page.locator("#hours").fill("8")
    page.locator("#description").fill("Carrying planks to the river")
    page.locator("#value").fill("4000")
    page.locator("#name").fill(name)
    page.locator("#email").fill("asylbek@wcl.example")
    villager.screenshot("ashar-give")
    page.locator("form [type=submit]").last.click()
    page.wait_for_load_state()
    villager.check()
    assert "/ashar/contribution/" in page.url
    assert "not a donation" in page.content()
    thanks_url = page.url

    staff = journey("staff")
    _sign_in(staff, "staff@wcl.example")
    staff.goto("/ashar/")
    staff.check()
    staff.page.get_by_role("link", name="A footbridge for Kara-Suu").click()
    staff.page.wait_for_load_state()
    staff.check()
    row = staff.page.locator("tr", has_text=name)
    row.locator("form[action$='/confirm'] [type=submit]").click()
    staff.page.wait_for_load_state()
    staff.check()
    assert "The contribution is confirmed" in staff.page.content()

    villager.page.goto(thanks_url)
    villager.page.wait_for_load_state()
    villager.check()
    certificate = page.locator("a[href$='/certificate.pdf']")
    assert certificate.count() == 1
    villager.screenshot("ashar-thanks-certificate")
