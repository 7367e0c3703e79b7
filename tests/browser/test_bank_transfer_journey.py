"""A backer on a phone pays by bank transfer; staff import the statement; her pledge turns paid.

Runs against the demo (``flask demo``): the Osh campaign's lab has a bank account.
"""

import re

from tests.browser.conftest import Journey

SLUG = "osh-embroidery-studio"
PASSWORD = "wcl-demo-2026"


def _statement(reference, tmp_path):
    """The lab bank's CSV export (Windows-1251, semicolons, "1 500,00"), carrying the reference."""
    from datetime import date

    rows = [
        "Дата;Сумма;Валюта;Назначение платежа;Плательщик;Номер документа",
        f"{date.today():%d.%m.%Y};-350,00;KGS;Комиссия банка;;B-1",
        f"{date.today():%d.%m.%Y};1 500,00;KGS;Оплата взноса {reference};Динара Асанова;B-2",
    ]
    path = tmp_path / "vypiska.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1251"))
    return str(path)


def test_backer_pays_by_bank_transfer_and_staff_import_the_statement(site, browser, tmp_path):
    site.flask("demo")
    backer = Journey(browser, site, "phone", "transfer-backer")
    staff = Journey(browser, site, "phone", "transfer-staff")
    try:
        page = backer.page
        backer.goto(f"/campaigns/{SLUG}/pledge")
        page.locator("#amount").fill("1500")
        page.locator("#name").fill("Динара Асанова")
        page.locator("#email").fill("dinara.transfer@example.org")
        page.get_by_label("Bank or QR transfer").check()
        backer.screenshot("transfer-01-choose-method")
        page.locator("#submit").click()
        page.wait_for_url(re.compile(r"/payments/pledges/"))
        backer.check()
        reference = page.locator("#transfer-reference").inner_text().strip()
        assert re.fullmatch(r"WCL-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]", reference), reference
        assert page.locator("#transfer-qr").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        backer.screenshot("transfer-02-reference-and-qr")
        status_url = page.url

        spage = staff.page
        staff.goto("/account/login")
        spage.locator("#email").fill("staff@wcl.example")
        spage.locator("#password").fill(PASSWORD)
        spage.locator("form [type=submit]").last.click()
        spage.wait_for_load_state()
        staff.goto("/payments/bank-accounts")
        spage.get_by_role("link", name="Statements").first.click()
        staff.check()
        spage.locator("#statement").set_input_files(_statement(reference, tmp_path))
        staff.screenshot("transfer-03-upload-statement")
        spage.locator("#statement-form [type=submit]").click()
        spage.wait_for_url(re.compile(r"/payments/statements/\d+$"))
        staff.reload_until("1 paid a pledge")
        staff.check()
        staff.screenshot("transfer-04-statement-imported")

        page.goto(status_url)
        backer.reload_until("is confirmed")
        backer.check()
        backer.screenshot("transfer-05-paid")
        receipt = site.wait_for_outbox("dinara.transfer@example.org", "receipt", timeout=120)
        assert receipt is not None
    finally:
        backer.close()
        staff.close()
