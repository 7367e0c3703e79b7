"""One woman's way through the Lab, in real Chromium, on a phone and a desktop.

The tests run in file order and hand state on through ``STATE`` (one entry per
viewport): she applies, is reviewed and accepted, is enrolled and mentored,
then runs a campaign that a guest backs (and gets a verifiable PDF receipt for)
and a coordinator tops up offline; staff then read, filter and download the
participation report. Staff, reviewer and mentor are the demo users (``flask demo``).
"""

import io
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

# The steps hand state on in file order, so under pytest-xdist the whole file must
# run on one worker: `make test` distributes by file (--dist loadfile).
pytestmark = pytest.mark.browser

DEMO_PASSWORD = "wcl-demo-2026"
CALL_SLUG = "osh-creative-lab-spring-2026"
COHORT_NAME = "Osh spring cohort 2026"
MATCHED_CAMPAIGN = "naryn-komuz-workshop"
MENTOR_NAME = "Gulnara Mentor"

# What each viewport's applicant has got so far: {"phone": {"email": ..., "application_id": ...}}.
STATE = {"phone": {}, "desktop": {}}
SESSIONS = {}  # (viewport, email) -> cookies


@pytest.fixture(scope="module", autouse=True)
def demo(site):
    """The demo users, call, cohort and campaigns, loaded once for the module."""
    return site.flask("demo")


def _state(viewport, *needed):
    state = STATE[viewport]
    missing = [key for key in needed if key not in state]
    assert not missing, f"an earlier journey step did not finish: {missing}"
    return state


def _jpeg():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (155, 29, 90)).save(out, "JPEG")
    return {"name": "my-work.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def _mail_subjects(site, to):
    import email
    from email import policy

    subjects = []
    for path in sorted(site.outbox.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == to:
            subjects.append(message["Subject"])
    return subjects


def _wait_for_new_mail(site, to, already, timeout=30):
    """The subject of the first email to ``to`` after the ``already`` ones."""
    import time

    deadline = time.time() + timeout
    while time.time() < deadline:
        subjects = _mail_subjects(site, to)
        if len(subjects) > already:
            return subjects[already]
        time.sleep(0.2)
    raise AssertionError(f"no new email to {to}")


def _sign_in(person, email, password=DEMO_PASSWORD):
    """Sign in once per person and viewport; later journeys reuse the session
    cookie (the login form is rate limited per address, as it should be)."""
    key = (person.viewport, email)
    if key in SESSIONS:
        person.context.add_cookies(SESSIONS[key])
        return
    page = person.page
    person.goto("/account/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("form [type=submit]").last.click()
    page.wait_for_load_state()
    person.check()
    assert page.locator(
        "form[action*='logout'], form[action*='sign-out'], form[action*='signout']"
    ).count() or ("/account/login" not in page.url), f"{email} could not sign in"
    SESSIONS[key] = person.context.cookies()


def _post_button(page, action_suffix):
    """The single submit button of the POST form whose action ends with ``action_suffix``."""
    return page.locator(f"form[action$='{action_suffix}'] [type=submit]")


def _pdf_attachment(message):
    """The bytes of the single PDF attached to ``message``."""
    pdfs = [part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1, [part.get_content_type() for part in message.iter_attachments()]
    data = pdfs[0].get_content()
    assert data.startswith(b"%PDF"), data[:20]
    return data


def _pdf_text(data):
    """The text of every page of a PDF, with runs of whitespace (no-break spaces too) as one space."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _bishkek_today():
    return datetime.now(ZoneInfo("Asia/Bishkek")).date()


# --- 1. she registers in Kyrgyz, applies, loses the page, submits ---------------------


def test_1_applicant_registers_in_kyrgyz_and_applies(site, journey, viewport):
    she = journey("applicant")
    page = she.page
    she.goto("/")
    page.get_by_role("link", name="Кыргызча").click()
    she.check()
    assert page.locator("html").get_attribute("lang") == "ky"
    page.locator("a[href='/account/register']").first.click()
    she.check()
    email = f"nurila.{viewport}@example.org"
    name = f"Нурила Осмонова {viewport}"
    page.locator("#full_name, #name").first.fill(name)
    page.locator("#email").fill(email)
    page.locator("#password").fill("кийиз шырдак оюу")
    page.locator("#confirm").fill("кийиз шырдак оюу")
    page.locator("#submit").click()
    she.check()
    message = site.wait_for_outbox(email)
    link = re.search(r"https?://\S+/account/verify/\S+", message.get_body(("plain",)).get_content()).group(0)
    she.goto(link)
    assert page.locator(".flash-success").count() == 1
    she.screenshot("j1-01-email-verified")

    # The open call, in Kyrgyz; she starts her application.
    she.goto(f"/calls/{CALL_SLUG}")
    assert "Ош чыгармачылык лабораториясы" in page.locator("h1").inner_text()
    she.screenshot("j1-02-call")
    _post_button(page, "/apply").click()
    page.wait_for_url(re.compile(r"/applications/\d+/step/1$"))
    she.check()
    application_id = int(re.search(r"/applications/(\d+)/", page.url).group(1))

    # Step 1: about her (the optional questions stay unanswered).
    page.locator("#contact_name").fill(name)
    page.locator("#contact_phone").fill("+996 555 123 456")
    page.locator("#contact_locality").fill("Өзгөн")
    she.screenshot("j1-03-step-about")
    page.locator("#save").click()
    page.wait_for_url(re.compile(r"/step/2$"))
    she.check()

    # Step 2: half the answers, saved as a draft...
    page.locator("input[type=text][id^='q-']").first.fill("Кийиз, шырдак")
    page.locator("textarea[id^='q-']").fill("Өзгөндө шырдак устаканасын ачуу.")
    page.locator("button[name=stay]").click()
    page.wait_for_url(re.compile(r"/step/2$"))
    she.check()
    # ...then the connection drops: she reloads, and finds her draft from her list.
    page.reload()
    she.check()
    she.goto("/applications/mine")
    she.screenshot("j1-04-my-draft")
    page.locator(f"a[href*='/applications/{application_id}']").first.click()
    page.wait_for_load_state()
    she.check()
    if "/step/2" not in page.url:
        she.goto(f"/applications/{application_id}/step/2")
    assert page.locator("textarea[id^='q-']").input_value() == "Өзгөндө шырдак устаканасын ачуу."
    assert page.locator("input[type=text][id^='q-']").first.input_value() == "Кийиз, шырдак"
    page.locator("select[id^='q-']").select_option(index=2)
    page.locator("input[type=text][id^='q-']").nth(1).fill("7")
    she.screenshot("j1-05-step-questions")
    page.locator("form.stack button[type=submit]:not([name])").click()
    page.wait_for_url(re.compile(r"/step/3$"))
    she.check()

    # Step 3: a photo of her work.
    page.locator("#file").set_input_files(_jpeg())
    page.locator("#upload").click()
    page.wait_for_url(re.compile(r"/step/3$"))
    she.check()
    assert page.get_by_role("link", name="my-work.jpg").count() == 1
    she.screenshot("j1-06-step-files")
    page.locator(f"form[action$='/applications/{application_id}/step/3'] [type=submit]").click()
    page.wait_for_url(re.compile(r"/step/4$"))
    she.check()
    assert page.locator(".error-summary").count() == 0
    she.screenshot("j1-07-check-and-submit")

    # Submit: the confirmation email arrives (after the verification one).
    already = len(_mail_subjects(site, email))
    _post_button(page, f"/applications/{application_id}/submit").click()
    page.wait_for_url(re.compile(rf"/applications/{application_id}$"))
    she.check()
    assert page.locator(".flash-success").count() == 1
    she.screenshot("j1-08-submitted")
    subject = _wait_for_new_mail(site, email, already)
    assert "Ош чыгармачылык лабораториясы" in subject or subject
    STATE[viewport].update(email=email, name=name, application_id=application_id)


# --- 2. reviewers are assigned, one scores, staff accept, she sees it ---------------------


def test_2_reviewed_accepted_and_she_sees_the_decision(site, journey, viewport):
    state = _state(viewport, "application_id")
    application_id = state["application_id"]

    staff = journey("staff")
    _sign_in(staff, "staff@wcl.example")
    staff.goto(f"/applications/{application_id}")
    staff.page.locator("a[href*='/ranking']").first.click()
    staff.page.wait_for_load_state()
    staff.check()
    _post_button(staff.page, "/auto-assign").click()
    staff.page.wait_for_url(re.compile(r"/ranking$"))
    staff.check()
    assert staff.page.locator(".flash-success").count() == 1
    staff.screenshot("j2-01-ranking-auto-assigned")
    staff.goto(f"/applications/{application_id}")
    assert staff.page.locator("text=Cholpon Reviewer").count() >= 1

    reviewer = journey("reviewer")
    _sign_in(reviewer, "reviewer@wcl.example")
    reviewer.goto("/review/")
    reviewer.screenshot("j2-02-my-reviews")
    reviewer.page.locator(f"a[href$='/applications/{application_id}']").click()
    reviewer.page.wait_for_load_state()
    reviewer.check()
    reviewer.page.locator(f"a[href$='/applications/{application_id}/review']").click()
    reviewer.page.wait_for_load_state()
    reviewer.check()
    scores = reviewer.page.locator("input[id^='score-']")
    assert scores.count() == 3
    for index in range(scores.count()):
        scores.nth(index).fill(str(5 - index))
    reviewer.page.locator("#comment").fill("A clear plan and beautiful shyrdaks.")
    reviewer.screenshot("j2-03-scoring")
    reviewer.page.locator("form.stack [type=submit]").click()
    reviewer.page.wait_for_url(re.compile(r"/review/$"))
    reviewer.check()
    assert reviewer.page.locator(".flash-success").count() == 1

    staff.goto(f"/applications/{application_id}")
    assert staff.page.locator("article.card").count() == 1  # the review is in
    staff.page.locator("#outcome").select_option("accepted")
    staff.page.locator("#note").fill("Welcome to the spring cohort!")
    staff.screenshot("j2-04-deciding")
    _post_button(staff.page, f"/applications/{application_id}/decide").click()
    staff.page.wait_for_url(re.compile(rf"/applications/{application_id}$"))
    staff.check()
    assert staff.page.locator(".flash-success").count() == 1

    she = journey("applicant")
    _sign_in(she, state["email"], "кийиз шырдак оюу")
    she.goto("/applications/mine")
    row = she.page.locator("tr, li, .card").filter(has=she.page.locator(f"a[href*='/{application_id}']"))
    assert row.locator(".badge.ok").count() >= 1
    she.screenshot("j2-05-she-is-accepted")


# --- 3. enrolled with a mentor: attendance, a milestone, campaign-ready -------------------


def test_3_enrolled_mentored_and_signed_off(site, journey, viewport):
    state = _state(viewport, "application_id")

    staff = journey("staff")
    _sign_in(staff, "staff@wcl.example")
    staff.goto("/cohorts/")
    staff.page.get_by_role("link", name=COHORT_NAME).first.click()
    staff.page.wait_for_load_state()
    staff.check()
    cohort_id = int(re.search(r"/cohorts/(\d+)", staff.page.url).group(1))
    staff.goto(f"/cohorts/{cohort_id}/enrol")
    card = staff.page.locator("li.card").filter(has_text=state["name"])
    assert card.count() == 1
    card.locator("select").select_option(label=MENTOR_NAME)
    staff.screenshot("j3-01-enrol")
    card.locator("[type=submit]").click()
    staff.page.wait_for_url(re.compile(rf"/cohorts/{cohort_id}/enrol$"))
    staff.check()
    assert staff.page.locator(".flash-success").count() == 1
    assert staff.page.locator("li.card").filter(has_text=state["name"]).count() == 0

    mentor = journey("mentor")
    _sign_in(mentor, "mentor@wcl.example")
    mentor.goto(f"/cohorts/{cohort_id}/schedule")
    mentor.page.locator("a[href*='/attendance']").first.click()
    mentor.page.wait_for_load_state()
    mentor.check()
    row = mentor.page.locator("fieldset.marks").filter(has_text=state["name"])
    assert row.count() == 1
    # Mark everyone on the screen present: the form saves the whole roster at once.
    for fieldset in mentor.page.locator("fieldset.marks").all():
        fieldset.locator("input[value=present]").check()
    mentor.screenshot("j3-02-attendance")
    mentor.page.locator("form.attendance [type=submit]").click()
    mentor.page.wait_for_load_state()
    mentor.check()
    assert mentor.page.locator(".flash-success").count() == 1
    assert row.locator("input[value=present]").is_checked()

    she = journey("participant")
    _sign_in(she, state["email"], "кийиз шырдак оюу")
    she.goto(f"/cohorts/{cohort_id}/me")
    enrolment_id = int(re.search(r"/enrolments/(\d+)", she.page.url).group(1))
    milestone = she.page.locator("li.card").filter(has=she.page.locator("textarea")).first
    milestone.locator("textarea").fill("Менин бизнес идеям: Өзгөндө шырдак устаканасы.")
    milestone.locator("[type=submit]").click()
    she.page.wait_for_url(re.compile(rf"/enrolments/{enrolment_id}$"))
    she.check()
    assert she.page.locator(".flash-success").count() == 1
    she.screenshot("j3-03-evidence-sent")

    mentor.goto(f"/cohorts/enrolments/{enrolment_id}")
    review = mentor.page.locator("form[action*='/progress/']").first
    review.locator("input[value=approved]").check()
    review.locator("textarea").fill("Жакшы!")
    mentor.screenshot("j3-04-approving")
    review.locator("[type=submit]").click()
    mentor.page.wait_for_url(re.compile(rf"/enrolments/{enrolment_id}$"))
    mentor.check()
    assert mentor.page.locator(".flash-success").count() == 1
    _post_button(mentor.page, f"/enrolments/{enrolment_id}/campaign-ready").click()
    mentor.page.wait_for_url(re.compile(rf"/enrolments/{enrolment_id}$"))
    mentor.check()
    assert mentor.page.locator(".lead .badge.ok").count() == 1  # campaign-ready
    mentor.screenshot("j3-05-signed-off")

    she.goto(f"/cohorts/enrolments/{enrolment_id}")
    assert she.page.locator(".lead .badge.ok").count() == 1
    assert she.page.locator(".summary strong").nth(1).inner_text().startswith("1 /")
    she.screenshot("j3-06-her-progress")
    state.update(cohort_id=cohort_id, enrolment_id=enrolment_id)


# --- 4. she creates a campaign in Russian; staff approve; it goes live --------------------


def test_4_campaign_in_russian_approved_and_live(site, journey, viewport):
    state = _state(viewport, "enrolment_id")

    she = journey("participant")
    _sign_in(she, state["email"], "кийиз шырдак оюу")
    page = she.page
    she.goto("/campaigns/mine")
    page.locator("ul.lang a[hreflang=ru]").click()
    page.wait_for_load_state()
    she.check()
    assert page.locator("html").get_attribute("lang") == "ru"
    she.goto("/campaigns/new")
    title = f"Шырдаки из Узгена {viewport}"
    page.locator("#title").fill(title)
    page.locator("#summary").fill("Мастерская войлочных ковров в Узгене.")
    page.locator("#story").fill("## Моя история\n\nЯ делаю **шырдаки** с бабушкой уже семь лет.")
    page.locator("#goal").fill("50000")
    today = _bishkek_today()
    page.locator("#starts_on").fill(today.isoformat())
    page.locator("#ends_on").fill((today + timedelta(days=30)).isoformat())
    page.locator("#region").select_option(index=1)
    page.locator("#creative_domain").select_option(index=1)
    she.screenshot("j4-01-new-campaign-ru")
    page.locator("#submit").click()
    page.wait_for_url(re.compile(r"/campaigns/[^/]+/manage$"))
    she.check()
    slug = re.search(r"/campaigns/([^/]+)/manage$", page.url).group(1)

    page.locator("#budget-description").fill("Шерсть и краски")
    page.locator("#budget-amount").fill("30000")
    page.locator("#budget-submit").click()
    page.wait_for_url(re.compile(rf"/campaigns/{slug}/manage"))
    she.check()
    assert page.locator("ul.budget li").count() == 1
    _post_button(page, f"/campaigns/{slug}/submit").click()
    page.wait_for_url(re.compile(rf"/campaigns/{slug}/manage$"))
    she.check()
    assert page.locator(".flash-success").count() == 1
    she.screenshot("j4-02-sent-for-review")

    staff = journey("staff")
    _sign_in(staff, "staff@wcl.example")
    staff.goto("/campaigns/review")
    staff.screenshot("j4-03-review-queue")
    staff.page.locator(f"a[href*='/campaigns/{slug}']").first.click()
    staff.page.wait_for_load_state()
    staff.check()
    if not staff.page.url.endswith("/manage"):
        staff.goto(f"/campaigns/{slug}/manage")
    staff.page.locator("#review-approve").click()
    staff.page.wait_for_url(re.compile(rf"/campaigns/{slug}/manage$"))
    staff.check()
    assert staff.page.locator(".flash-success").count() == 1
    staff.screenshot("j4-04-approved")

    # Live today: on the public list, and its page takes pledges.
    visitor = journey("visitor")
    visitor.goto("/campaigns/")
    assert visitor.page.locator(f"a[href='/campaigns/{slug}']").count() >= 1
    visitor.screenshot("j4-05-campaign-list")
    visitor.goto(f"/campaigns/{slug}")
    assert title in visitor.page.locator("h1").inner_text()
    # "Back this campaign" by the funding figures, and again in the bar that stays on a phone's screen.
    assert visitor.page.locator(f"a[href='/campaigns/{slug}/pledge']:visible").count() >= 1
    visitor.screenshot("j4-06-campaign-page")
    state.update(slug=slug, title=title)


# --- 5. a guest backs her through the sandbox checkout ------------------------------------


def _raised(person, slug):
    person.goto(f"/campaigns/{slug}")
    return person.page.locator(".raised strong").inner_text()


def _wait_for_text_change(person, read, before, timeout=20):
    import time

    deadline = time.time() + timeout
    while time.time() < deadline:
        now = read()
        if now != before:
            return now
        time.sleep(0.5)
    raise AssertionError(f"still {before!r}")


def test_5_guest_pledges_through_the_sandbox(site, journey, viewport):
    state = _state(viewport, "slug")
    slug = state["slug"]

    guest = journey("backer")
    page = guest.page
    before = _raised(guest, slug)
    page.locator(f"a[href='/campaigns/{slug}/pledge']:visible").first.click()
    page.wait_for_load_state()
    guest.check()
    page.locator("#amount").fill("1500")
    page.locator("#name").fill("Dinara Backer")
    page.locator("#email").fill(f"dinara.{viewport}@example.org")
    guest.screenshot("j5-01-pledge-form")
    page.locator("#submit").click()
    page.wait_for_url(re.compile(r"/payments/sandbox/"))
    guest.check()
    guest.screenshot("j5-02-sandbox-checkout")
    page.locator("#pay").click()
    page.wait_for_url(re.compile(r"/payments/pledges/"))
    guest.check()
    guest.screenshot("j5-03-pledge-status")

    after = _wait_for_text_change(guest, lambda: _raised(guest, slug), before)
    assert "1" in after and re.sub(r"\D", "", after) == "1500", after
    guest.screenshot("j5-04-new-total")

    # The receipt: numbered, rendered by a worker, emailed with the PDF attached.
    email_address = f"dinara.{viewport}@example.org"
    message = site.wait_for_outbox(email_address, "WCL-", timeout=120)
    assert message["X-WCL-Template"] == "receipts/receipt", message["Subject"]
    number_re = rf"WCL-{_bishkek_today().year}-\d{{6}}"
    number = re.search(number_re, message["Subject"]).group(0)
    body = message.get_body(("plain",)).get_content()
    assert number in body and state["title"] in body, body
    pdf = _pdf_attachment(message)
    text = _pdf_text(pdf)
    assert re.findall(r"WCL-\d{4}-\d+", text) == [number], text
    assert "Dinara Backer" in text, text
    assert state["title"] in text, text
    # The template formats the amount in the donor's language: "KGS 1,500", "1 500 KGS" or "1 500 сом".
    assert re.search(r"(KGS|сом)\s?1[\s,.]?500(?![\d,.]\d)|(?<![\d,.])1[\s,.]?500\s?(KGS|сом)", text), text

    # Anyone can check it: the link is in the email and printed on the PDF.
    verify = re.search(r"https?://\S+/receipts/verify/\S+", body).group(0)
    assert verify in re.sub(r"\s", "", text), text
    guest.goto(verify)
    assert number in page.locator("h1").inner_text()
    assert "valid" in page.locator(".flash-success").inner_text().lower()
    facts = page.locator("dl.facts").inner_text()
    assert "Dinara Backer" in facts and state["title"] in facts, facts
    guest.screenshot("j5-05-receipt-verified")

    # A guest has no account: the email carries a signed link to download the PDF again.
    download = re.search(r"https?://\S+/receipts/guest/\S+", body).group(0)
    response = guest.context.request.get(download)
    assert response.ok, response.status
    assert response.headers["content-type"].startswith("application/pdf"), response.headers
    assert response.body() == pdf


# --- 6. a coordinator records a cash pledge; the sponsor pool matches it ---------------------


def test_6_offline_pledge_is_matched_by_the_sponsor_pool(site, journey, viewport):
    coordinator = journey("staff")
    _sign_in(coordinator, "staff@wcl.example")
    page = coordinator.page

    def matched():
        coordinator.goto(f"/campaigns/{MATCHED_CAMPAIGN}")
        found = page.locator(".matched")
        return found.inner_text() if found.count() else ""

    before = matched()
    coordinator.goto(f"/payments/campaigns/{MATCHED_CAMPAIGN}/offline")
    page.locator("#backer_name").fill(f"Cash backer {viewport}")
    page.locator("#amount").fill("1000")
    # The service compares with the UTC date (see the report): the UTC day is never "in the future".
    page.locator("#received_on").fill(datetime.now(ZoneInfo("UTC")).date().isoformat())
    page.locator("#proof").set_input_files(_jpeg())  # a photo of the receipt book
    coordinator.screenshot("j6-01-offline-payment")
    page.locator("#submit").click()
    page.wait_for_load_state()
    errors = page.locator(".error, .flash-error").all_inner_texts()
    assert page.url.endswith(f"/payments/campaigns/{MATCHED_CAMPAIGN}/reconciliation"), errors
    coordinator.check()
    assert page.locator(".flash-success").count() == 1
    coordinator.screenshot("j6-02-reconciliation")

    after = _wait_for_text_change(coordinator, matched, before)
    digits = lambda text: int(re.sub(r"\D", "", text) or 0)  # noqa: E731
    assert digits(after) - digits(before) == 1000, (before, after)
    coordinator.screenshot("j6-03-matched-total")


# --- 7. staff read the participation report, filter it, download CSV and PDF -------------


def _cells(table):
    """The published values of a report table's body rows: {row header: [first word of each cell]}."""
    rows = {}
    for row in table.locator("tbody tr").all():
        values = [text.split()[0] if text.split() else "" for text in row.locator("td").all_inner_texts()]
        rows[row.locator("th").inner_text().strip()] = values
    return rows


def _assert_suppressed(values, threshold=5, where=""):
    """Every published count is hidden ("c"), zero, or at least the threshold."""
    for value in values:
        assert value == "c" or int(value) == 0 or int(value) >= threshold, (where, values)


def _wait_for_pdf_export(person, timeout=120):
    """Reload the PDF's status page (it never refreshes itself) until its download link shows."""
    import time

    link = person.page.locator("a[href$='/download']")
    deadline = time.time() + timeout
    while not link.count():
        again = person.page.locator("a.button.secondary")  # "Check again", while queued or running
        assert again.count() and time.time() < deadline, person.page.locator("p[role=status]").inner_text()
        time.sleep(1)
        again.click()
        person.page.wait_for_load_state()
        person.check()
    return link


def test_7_staff_filter_the_participation_report_and_download_it(site, journey, viewport):
    import csv
    from urllib.parse import parse_qs, urlsplit

    from wcl.reference import REGION_CODES, region_name
    from wcl.reports.queries import DIMENSIONS, PEOPLE, STAGES

    staff = journey("staff")
    _sign_in(staff, "staff@wcl.example")
    page = staff.page
    staff.goto("/")
    page.locator("nav a[href='/reports/']").click()
    page.wait_for_url(re.compile(r"/reports/$"))
    staff.check()
    lang = page.locator("html").get_attribute("lang")
    funnel = page.locator("table.report-table").first
    gender_headers = funnel.locator("thead th").all_inner_texts()
    assert len(gender_headers) == 1 + 3 + 1, gender_headers  # stage, women / men / another way, total
    assert (
        page.locator(".report-described dd").first.inner_text()
        == page.locator("#by option:checked").inner_text()
    )
    assert page.locator("#rule").inner_text().strip()
    # Each filter's label sits above its own field (not beside the next one).
    for label in page.locator(".report-filters label").all():
        control = page.locator(f"#{label.get_attribute('for')}").bounding_box()
        box = label.bounding_box()
        assert box["y"] + box["height"] <= control["y"] + 1, (label.inner_text(), box, control)
    # The chart keeps its drawn size (its 11px labels stay legible); on a phone its box scrolls.
    chart = page.locator("svg.report-chart").bounding_box()
    assert chart["width"] >= 590, chart
    staff.screenshot("j7-01-report")

    # Region by gender, for applications in the last month, through the form.
    today = _bishkek_today()
    since = (today - timedelta(days=30)).isoformat()
    page.locator("#by").select_option("region")
    page.locator("#by2").select_option("gender")
    page.locator("#stage").select_option("applied")
    page.locator("#date_from").fill(since)
    page.locator("#date_to").fill(today.isoformat())
    page.locator(".report-filters [type=submit]").click()
    page.wait_for_url(re.compile(r"/reports/\?"))
    staff.check()
    query = parse_qs(urlsplit(page.url).query)
    assert {key: query.get(key) for key in ("by", "by2", "stage", "date_from", "date_to")} == {
        "by": ["region"],
        "by2": ["gender"],
        "stage": ["applied"],
        "date_from": [since],
        "date_to": [today.isoformat()],
    }, page.url

    # The breakdown is by region now, and a region × gender table has appeared.
    regions = [region_name(code, lang) for code in REGION_CODES]
    headers = funnel.locator("thead th").all_inner_texts()
    assert headers[1 : 1 + len(regions)] == regions, headers
    assert len(headers) == 1 + len(regions) + 2, headers  # ... not stated, total
    tables = page.locator("table.report-table")
    cross = tables.last
    assert tables.count() >= 3, tables.count()  # funnel, money (or a note), cross-tab
    assert cross.locator("thead th").all_inner_texts()[:3] == gender_headers[1:4]
    cross_rows = _cells(cross)
    assert list(cross_rows)[: len(regions)] == regions, list(cross_rows)
    described = dict(
        zip(
            page.locator(".report-described dt").all_inner_texts(),
            page.locator(".report-described dd").all_inner_texts(),
            strict=True,
        )
    )

    # Shown as people read dates (wcl.time's one format), in English here.
    def shown(day):
        return f"{day.day} {day:%B} {day.year}"

    since_day = today - timedelta(days=30)
    assert shown(since_day) in described.values() and shown(today) in described.values(), described

    # Nothing small is published: counts of 1-4 (1-9 for "another way") are hidden as "c".
    funnel_rows = _cells(funnel)
    assert len(funnel_rows) == len(STAGES) + len(PEOPLE), list(funnel_rows)
    for label, values in funnel_rows.items():
        _assert_suppressed(values, where=label)
    for label, values in cross_rows.items():
        _assert_suppressed(values, where=label)
        other = DIMENSIONS["gender"].index("other")  # "another way or not stated": the stricter threshold
        _assert_suppressed(values[other : other + 1], threshold=10, where=label)
    # The demo applicants (and this module's) are spread over the regions: some cells must be hidden.
    assert "c" in [value for values in funnel_rows.values() for value in values], funnel_rows
    # The wide tables scroll inside their own regions: the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    staff.screenshot("j7-02-region-by-gender")

    # The URL is the report: a colleague opening it sees the same filters and table.
    colleague = journey("staff")
    _sign_in(colleague, "staff@wcl.example")
    colleague.goto(page.url)
    assert colleague.page.locator("#by").input_value() == "region"
    assert colleague.page.locator("#by2").input_value() == "gender"
    assert colleague.page.locator("#date_from").input_value() == since
    assert _cells(colleague.page.locator("table.report-table").first) == funnel_rows

    # CSV: exactly the page's (suppressed) values, with the filters written above them.
    with page.expect_download() as download:
        page.locator("a[href*='/reports/export.csv']").click()
    assert download.value.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_bytes().decode("utf-8-sig"))))
    assert rows[0][0] == page.locator("h1").inner_text()
    for label, value in described.items():
        assert [label, value] in rows, (label, value, rows[:10])
    start = rows.index([]) + 1
    assert rows[start] == headers, rows[start]
    table = {row[0]: row[1:] for row in rows[start + 1 : start + 1 + len(funnel_rows)]}
    assert table == funnel_rows, (table, funnel_rows)
    cross_start = next(i for i, row in enumerate(rows) if row and " × " in row[0])
    assert rows[cross_start][1:4] == gender_headers[1:4], rows[cross_start]
    csv_cross = {row[0]: row[1:] for row in rows[cross_start + 1 : cross_start + 1 + len(cross_rows)]}
    assert csv_cross == cross_rows, (csv_cross, cross_rows)

    # PDF: prepared by a worker; the status page says when it can be downloaded.
    page.locator("#locale").select_option(lang)
    page.locator("form[action$='/reports/export.pdf'] [type=submit]").click()
    page.wait_for_url(re.compile(r"/reports/exports/\d+$"))
    staff.check()
    link = _wait_for_pdf_export(staff)
    staff.screenshot("j7-03-pdf-ready")
    with page.expect_download() as download:
        link.click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF"), data[:20]
    text = _pdf_text(data)
    assert rows[0][0] in text, text  # the report's title
    for label, value in described.items():  # the breakdown, cross-tab, stage and dates
        assert f"{label}: {value}" in text, (label, value, text)
    assert "c" in text.split(), text  # the hidden cells are marked in the PDF too

    # Back from the PDF to the same filtered report.
    page.locator("a[href*='/reports/?'][href*='by=region']").click()
    page.wait_for_url(re.compile(r"/reports/\?.*by2=gender"))
    assert page.locator("#by").input_value() == "region"
