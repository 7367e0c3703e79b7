"""A seed grant on a phone (and a desktop): she accepts her agreement and sends evidence;
staff countersign, confirm the condition and release the tranche with a proof of payment.

The grant is offered through the services against the site's database (the award
form has its own page test); everything after that happens in Chromium.
"""

import io
import subprocess
import sys

import pytest

from tests.browser.conftest import ROOT

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "wcl-demo-2026"
RECIPIENTS = {"phone": "asel@wcl.example", "desktop": "meerim@wcl.example"}

OFFER = """
from wcl import create_app
from wcl.accounts.demo import demo_user
from wcl.extensions import db
from wcl.grants import services
from wcl.grants.demo import FUND_NAME
from wcl.grants.models import GrantFund

app = create_app()
with app.app_context():
    staff, her = demo_user("staff@wcl.example"), demo_user("{email}")
    fund = db.session.scalar(db.select(GrantFund).where(GrantFund.name == FUND_NAME))
    grant = services.award_grant(staff, fund.id, {{
        "recipient_id": her.id, "amount": 2_500_000, "currency": "KGS", "language": "ru",
        "purpose": "Felt for the first fifty toys",
        "budget_lines": [{{"label": "Felt", "amount": 2_500_000}}],
        "tranches": [{{"amount": 2_500_000, "condition_text": "Photos of the first ten toys"}}],
    }})
    print(grant.id, her.full_name, sep="\t")
"""


@pytest.fixture(scope="module", autouse=True)
def demo(site):
    return site.flask("demo")


def _offer(site, email):
    result = subprocess.run(
        [sys.executable, "-c", OFFER.format(email=email)],
        cwd=ROOT,
        env=site.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    grant_id, name = result.stdout.strip().splitlines()[-1].split("\t")
    return int(grant_id), name


def _jpeg(name):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (155, 29, 90)).save(out, "JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": out.getvalue()}


def _sign_in(person, email):
    page = person.page
    person.goto("/account/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.wait_for_load_state()
    assert "/account/login" not in page.url, f"{email} could not sign in"


def _confirm(page, action_suffix):
    form = page.locator(f"form[action$='{action_suffix}']")
    form.locator("input[name=confirm]").check()
    form.locator("[type=submit]").click()
    page.wait_for_load_state()


def test_she_accepts_and_sends_evidence_staff_release_the_tranche(site, journey, viewport):
    email = RECIPIENTS[viewport]
    grant_id, name = _offer(site, email)

    her = journey("participant")
    _sign_in(her, email)
    page = her.page
    her.goto("/language/ru")
    page.get_by_role("link", name="Мой грант").click()
    page.wait_for_load_state()
    her.check()
    assert f"/grants/mine/{grant_id}" in page.url
    assert page.locator("a", has_text="Прочитать договор (PDF)").count() == 1
    page.locator("#typed_name").fill(name.upper())
    page.locator("#accept-form [type=submit]").click()
    page.wait_for_load_state()
    her.check()
    assert "вы приняли договор" in page.locator(".flash").first.inner_text().lower()

    staff = journey("staff")
    _sign_in(staff, "staff@wcl.example")
    staff.goto(f"/grants/{grant_id}")
    _confirm(staff.page, "/countersign")
    staff.check()
    assert "Countersigned by" in staff.page.content()

    her.goto(f"/grants/mine/{grant_id}")
    evidence = page.locator("form[id^=evidence-form]")
    evidence.locator("textarea").fill("Ten felt toys are made; the photos are attached.")
    evidence.locator("input[type=file]").set_input_files(_jpeg("toys.jpg"))
    her.screenshot("grant-mine-evidence")
    evidence.locator("[type=submit]").click()
    page.wait_for_load_state()
    her.check()
    assert "отправлено" in page.locator(".flash").first.inner_text()

    staff.goto(f"/grants/{grant_id}")
    assert "Ten felt toys are made" in staff.page.content()
    _confirm(staff.page, "/confirm")
    staff.check()
    release = staff.page.locator("form[action$='/release']")
    release.locator("select").select_option("mobile_wallet")
    release.locator("input[name=reference]").fill("MBANK 0554 123 456")
    release.locator("input[type=file]").set_input_files(_jpeg("slip.jpg"))
    release.locator("input[name=confirm]").check()
    release.locator("[type=submit]").click()
    staff.page.wait_for_load_state()
    staff.check()
    assert "The payment is recorded." in staff.page.content()
    assert staff.page.locator(".badge", has_text="released").count() == 1
    staff.screenshot("grant-staff-released")

    her.goto(f"/grants/mine/{grant_id}")
    assert page.locator(".badge", has_text="выплачен").count() == 1
    her.screenshot("grant-mine-released")
