"""A team forms by invitation and applies, on phones (issue 20).

Runs on the demo data (``flask demo``): the hackathon's "Batken Makers" draft, whose
lead (elmira@wcl.example) invited gulnara@wcl.example. Gulnara opens her emailed link
on her phone, consents and joins; the lead then submits the team's application, which
the call refused while the team was below its minimum size. The pitch-day half of the
journey (a jury scoring on phones) is tests/browser/test_pitch_journey.py.
"""

import subprocess
import sys

import pytest

from tests.browser.conftest import ROOT, Journey
from wcl.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

INVITATION = """
from wcl import create_app
from wcl.applications.models import Application
from wcl.applications.services import team_invite_token, team_of
from wcl.extensions import db

app = create_app()
with app.app_context():
    application = db.session.scalar(db.select(Application).where(Application.team_name == "Batken Makers"))
    member = next(m for m in team_of(application) if m.email == "gulnara@wcl.example")
    print(application.id, team_invite_token(member))
"""


@pytest.fixture(scope="module")
def invitation(site):
    site.flask("demo")
    result = subprocess.run(
        [sys.executable, "-c", INVITATION],
        cwd=ROOT,
        env=site.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    application_id, token = result.stdout.split()[-2:]
    return int(application_id), token


def _sign_in(journey, email):
    page = journey.page
    journey.goto("/account/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.wait_for_load_state()
    assert "/account/login" not in page.url


def test_a_member_joins_and_the_lead_submits_on_phones(browser, site, invitation):
    application_id, token = invitation
    lead = Journey(browser, site, "phone", "team-lead")
    try:
        # Below the call's minimum of two people, the team cannot submit yet.
        _sign_in(lead, "elmira@wcl.example")
        lead.goto(f"/applications/{application_id}/step/4")
        lead.page.get_by_role("button", name="Submit my application").click()
        lead.check()
        assert f"/applications/{application_id}/step/4" in lead.page.url

        member = Journey(browser, site, "phone", "team-member")
        try:
            _sign_in(member, "gulnara@wcl.example")
            member.goto(f"/team-invite/{token}")
            assert "Batken Makers" in member.page.inner_text("main")
            member.page.get_by_role("button", name="Join the team").click()
            member.page.wait_for_load_state("load")
            # Consent is required: refused (422) with a message, nothing joined.
            assert [e for e in member.console_errors if "422" in e] == member.console_errors != []
            member.console_errors.clear()
            member.check()
            assert member.page.locator(".error, [role=alert]").count() > 0
            # Its message stands under the box, as every field's error does, not beside it.
            box = member.page.locator("#consent").bounding_box()
            error = member.page.locator("#consent-error").bounding_box()
            assert error["y"] >= box["y"] + box["height"]
            member.page.locator("#consent").check()
            member.screenshot("team-invite")
            member.page.get_by_role("button", name="Join the team").click()
            member.check()
            assert f"/applications/{application_id}/team" in member.page.url
            assert "Welcome to the team!" in member.page.inner_text("body")
            # The link works once.
            assert member.page.request.get(f"/team-invite/{token}").status == 410
        finally:
            member.close()

        lead.goto(f"/applications/{application_id}/team")
        assert "Gulnara" in lead.page.inner_text("main") or "gulnara" in lead.page.inner_text("main")
        lead.goto(f"/applications/{application_id}/step/4")
        lead.page.get_by_role("button", name="Submit my application").click()
        lead.check()
        assert lead.page.url.rstrip("/").endswith(f"/applications/{application_id}")
        assert "Your application is submitted" in lead.page.inner_text("body")
        lead.screenshot("team-submitted")
    finally:
        lead.close()
