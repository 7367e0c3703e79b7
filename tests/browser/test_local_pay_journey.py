"""A backer on a phone pays through the local provider (its demo hosted page); her pledge turns paid.

Runs against the demo (``flask demo``) on the embedded default's settings: with no
``LOCAL_PAY_*`` settings the local provider runs in demo mode, its hosted page served
by the app itself, and its button sends a signed callback into the webhook inbox.
"""

import re

from tests.browser.conftest import Journey

SLUG = "felt-slippers-from-kochkor"


def test_backer_pays_through_the_local_provider(site, browser):
    site.flask("demo")
    backer = Journey(browser, site, "phone", "local-backer")
    try:
        page = backer.page
        backer.goto(f"/campaigns/{SLUG}/pledge")
        page.locator("#amount").fill("1200")
        page.locator("#name").fill("Айгерим Токтосунова")
        page.locator("#email").fill("aigerim.local@example.org")
        page.get_by_label("Kyrgyz bank card or e-wallet").check()
        backer.screenshot("local-01-choose-method")
        page.locator("#submit").click()
        page.wait_for_url(re.compile(r"/payments/local-demo/"))
        backer.check()
        assert "no money moves" in page.locator("#local-demo-notice").inner_text()
        assert "1" in page.locator("#local-demo-amount").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        backer.screenshot("local-02-hosted-page")
        page.get_by_role("button", name="Pay (test)").click()
        page.wait_for_url(re.compile(r"/payments/pledges/"))
        backer.reload_until("is confirmed")
        backer.check()
        backer.screenshot("local-03-paid")
        receipt = site.wait_for_outbox("aigerim.local@example.org", "receipt", timeout=120)
        assert receipt is not None
    finally:
        backer.close()
