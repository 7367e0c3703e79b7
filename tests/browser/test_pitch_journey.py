"""A juror scores a finalist live on her phone; the public results page on a phone.

Runs on the demo data (``flask demo``): the hackathon's published pitch day, and a
second, live pitch day of the same call made here, with jury.partner@wcl.example
(a partner's person, no role) on its jury.
"""

import subprocess
import sys

import pytest

from tests.browser.conftest import ROOT, Journey
from wcl.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

LIVE_DAY = """
from wcl import create_app
from wcl.accounts.demo import demo_user
from wcl.extensions import db
from wcl.pitch import services
from wcl.pitch.models import PitchDay

app = create_app()
with app.app_context():
    published = db.session.scalar(db.select(PitchDay).order_by(PitchDay.id))
    staff = demo_user("admin@wcl.example")
    day = services.create_pitch_day(staff, published.call, published.event)
    services.add_finalist(staff, day, published.finalists[0].application)
    services.add_juror(staff, day, demo_user("jury.partner@wcl.example"))
    print(day.id, published.id)
"""


@pytest.fixture(scope="module")
def days(site):
    site.flask("demo")
    result = subprocess.run(
        [sys.executable, "-c", LIVE_DAY], cwd=ROOT, env=site.env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    live, published = result.stdout.split()[-2:]
    return int(live), int(published)


@pytest.fixture
def phone(browser, site):
    journey = Journey(browser, site, "phone", "juror")
    yield journey
    journey.close()


def test_a_juror_scores_a_finalist_on_her_phone(phone, days):
    live, published = days
    page = phone.page
    phone.goto("/account/login")
    page.locator("#email").fill("jury.partner@wcl.example")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.wait_for_load_state()
    assert "/account/login" not in page.url
    phone.goto(f"/pitch/{live}/judge")
    page.locator("ol.finalists a.button").first.click()
    phone.check()
    inputs = page.locator("form.score-form input[type=number]")
    # One field per criterion of the call's rubric (the demo hackathon's, whichever demo made it).
    assert inputs.count() >= 2
    for index in range(inputs.count()):
        inputs.nth(index).fill(str(max(1, 5 - index)))
    phone.screenshot("pitch-score")
    page.get_by_role("button", name="Save scores").click()
    phone.check()
    assert f"/pitch/{live}/judge" in page.url
    assert "Scores saved." in page.inner_text("body")
    assert "Scored" in page.inner_text("ol.finalists")
    # the juror never sees the score table; the published day's scores are frozen
    assert phone.context.request.get(f"/pitch/{live}").status == 403  # her cookies, no page
    phone.goto(f"/pitch/{published}/judge")
    assert page.locator("ol.finalists a.button").count() == 0


def test_the_published_results_on_a_phone(phone, days):
    _, published = days
    phone.goto(f"/pitch/{published}/results")
    assert phone.page.locator("ol.winners li").count() == 3
    phone.screenshot("pitch-results")
