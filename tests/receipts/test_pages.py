"""Receipt pages: verification, downloads, statements, the staff register; permissions; end to end."""

import csv
import io
import re

import pytest
from pypdf import PdfReader

from tests.campaigns.helpers import checkout_event, signed_webhook
from tests.core.test_i18n import english_words
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.campaigns import CampaignFactory, PledgeFactory
from tests.factories.receipts import paid_pledge
from tests.helpers import login, outbox_messages, post_form, queued_jobs
from wcl.accounts.tokens import GUEST_LINK, make_token
from wcl.audit.models import AuditEntry
from wcl.campaigns.models import PledgeStatus
from wcl.extensions import db
from wcl.receipts import services
from wcl.receipts.models import Receipt


def _text(data):
    return " ".join("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def _html(response):
    return " ".join(response.get_data(as_text=True).split())


def _rendered(pledge, **fields):
    receipt = services.issue_receipt(pledge.id)
    services.render_receipt(receipt.id)
    return db.session.get(Receipt, receipt.id)


@pytest.fixture
def donor(app):
    with app.app_context():
        user = UserFactory(email="donor@example.org", full_name="Aida Donor")
        pledge = paid_pledge(backer_id=user.id, backer_name="Aida Donor", backer_email=user.email)
        receipt = _rendered(pledge)
        return {
            "user_id": user.id,
            "receipt_id": receipt.id,
            "code": receipt.code,
            "pledge_id": pledge.id,
            "number": receipt.display_number,
        }


def test_verify_valid_receipt(client, donor):
    html = _html(client.get(f"/receipts/verify/{donor['code']}"))
    assert donor["number"] in html and "Aida Donor" in html and "1,000" in html and "valid" in html
    assert "VOID" not in html


def test_verify_anonymous_receipt_hides_the_name(app, client):
    with app.app_context():
        receipt = services.issue_receipt(paid_pledge(backer_name="Secret Giver", anonymous=True).id)
        code = receipt.code
    html = client.get(f"/receipts/verify/{code}").get_data(as_text=True)
    assert "Anonymous" in html and "Secret Giver" not in html


def test_verify_void_receipt(app, client, donor):
    with app.app_context():
        pledge = db.session.get(Receipt, donor["receipt_id"]).pledge
        pledge.status = PledgeStatus.REFUNDED
        db.session.commit()
        services.void_receipt(pledge.id)
    html = client.get(f"/receipts/verify/{donor['code']}").get_data(as_text=True)
    assert "VOID" in html and donor["number"] in html


@pytest.mark.parametrize(
    "locale, message",
    [("en", "could not find a receipt"), ("ru", "не нашли квитанцию"), ("ky", "табылган жок")],
)
def test_forged_or_mistyped_code_is_a_translated_404(client, donor, locale, message):
    for code in (donor["code"][:-1], donor["code"] + "x", "A" * 24, "x" * 200):
        response = client.get(f"/receipts/verify/{code}", headers={"Accept-Language": locale})
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert message in html and donor["number"] not in html


def test_donor_downloads_her_receipt_and_statement(app, client, donor, run_jobs):
    login(client, "donor@example.org", PASSWORD)
    page = client.get("/receipts/").get_data(as_text=True)
    assert donor["number"] in page and 'action="/receipts/statements"' in page
    response = client.get(f"/receipts/{donor['receipt_id']}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert donor["number"] in _text(response.data)
    response = client.get(f"/receipts/pledge/{donor['pledge_id']}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    with app.app_context():
        year = db.session.get(Receipt, donor["receipt_id"]).year
    response = post_form(client, "/receipts/statements", {"year": str(year)}, get_path="/receipts/")
    status_page = response.headers["Location"]
    assert response.status_code == 302 and status_page.startswith("/receipts/statements/")
    assert "Queued" in client.get(status_page).get_data(as_text=True)
    run_jobs()
    page = client.get(status_page).get_data(as_text=True)
    assert "Your statement is ready." in page and f"{status_page}/pdf" in page
    response = client.get(f"{status_page}/pdf")
    assert response.status_code == 200 and donor["number"] in _text(response.data)
    assert f"receipts-{year}.pdf" in response.headers["Content-Disposition"]
    # None that year: told so, nothing queued.
    response = post_form(client, "/receipts/statements", {"year": str(year - 1)}, get_path="/receipts/")
    assert response.headers["Location"] == "/receipts/"
    assert "You have no receipts for this year." in client.get("/receipts/").get_data(as_text=True)
    assert queued_jobs(app) == []
    # Someone else's statement does not exist for her.
    with app.app_context():
        UserFactory(email="other@example.org")
    other = app.test_client()
    login(other, "other@example.org", PASSWORD)
    assert other.get(status_page).status_code == 404 and other.get(f"{status_page}/pdf").status_code == 404
    assert "/receipts/" in client.get("/campaigns/my-pledges").get_data(as_text=True)


def test_someone_elses_receipt_is_not_found(app, client, donor):
    with app.app_context():
        UserFactory(email="other@example.org")
    login(client, "other@example.org", PASSWORD)
    assert client.get(f"/receipts/{donor['receipt_id']}/pdf").status_code == 404
    response = client.get(f"/receipts/pledge/{donor['pledge_id']}")
    assert response.status_code == 404
    assert donor["number"] not in client.get("/receipts/").get_data(as_text=True)


def test_receipt_for_an_unpaid_pledge_is_refused(app, client):
    with app.app_context():
        user = UserFactory(email="pending@example.org")
        pledge_id = PledgeFactory(backer_id=user.id, status=PledgeStatus.PENDING).id
    login(client, "pending@example.org", PASSWORD)
    response = client.get(f"/receipts/pledge/{pledge_id}", follow_redirects=True)
    assert "only issued for a paid pledge" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Receipt.id))) == 0


def test_guest_signed_link(app, client, donor):
    with app.app_context():
        token = make_token(GUEST_LINK, {"receipt": donor["receipt_id"]})
        wrong_purpose = make_token("reset-password", {"receipt": donor["receipt_id"]})
    response = client.get(f"/receipts/guest/{token}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert client.get(f"/receipts/guest/{token[:-2]}").status_code == 404
    assert client.get(f"/receipts/guest/{wrong_purpose}").status_code == 404


# --- permission matrix ---------------------------------------------------------------

ROLES = [None, "applicant", "participant", "mentor", "reviewer", "staff", "admin", "owner"]
STAFF_ONLY = {"staff", "admin"}


def _as(app, client, role, donor):
    if role is None:
        return
    if role == "owner":
        login(client, "donor@example.org", PASSWORD)
        return
    with app.app_context():
        UserFactory(email=f"{role}@example.org", roles=[role])
    login(client, f"{role}@example.org", PASSWORD)


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(app, client, donor, role):
    _as(app, client, role, donor)
    rid = donor["receipt_id"]
    pages = {
        "register": client.get("/receipts/register").status_code,
        "csv": client.get("/receipts/register.csv").status_code,
        "pdf": client.get(f"/receipts/{rid}/pdf").status_code,
        "mine": client.get("/receipts/").status_code,
        "verify": client.get(f"/receipts/verify/{donor['code']}").status_code,
    }
    staff = role in STAFF_ONLY
    anonymous = role is None
    assert pages["verify"] == 200
    assert pages["mine"] == (302 if anonymous else 200)
    assert pages["register"] == (302 if anonymous else 200 if staff else 403)
    assert pages["csv"] == (302 if anonymous else 200 if staff else 403)
    assert pages["pdf"] == (302 if anonymous else 200 if staff or role == "owner" else 404)
    if not anonymous:
        token = client.get("/receipts/").get_data(as_text=True)
        resend = post_form(client, f"/receipts/{rid}/resend", {}, get_path="/account/")
        regenerate = post_form(client, "/receipts/regenerate", {}, get_path="/account/")
        assert resend.status_code == (302 if staff else 403) and regenerate.status_code == (
            302 if staff else 403
        )
        assert token
        with app.app_context():
            requested = db.session.scalar(
                db.select(db.func.count(AuditEntry.id)).where(AuditEntry.action.like("receipt.re%_requested"))
            )
        assert requested == (2 if staff else 0)


def test_register_csv_resend_and_regenerate(app, client, donor, run_jobs):
    with app.app_context():
        paid_pledge(backer_name='=HYPERLINK("http://x")')
        services.issue_receipt(db.session.scalar(db.select(Receipt.pledge_id)))  # idempotent
        from wcl.campaigns.models import Pledge

        other = db.session.scalar(db.select(Pledge).where(Pledge.backer_name.like("=%")))
        services.issue_receipt(other.id)
        UserFactory(email="staff@example.org", roles=["staff"])
    run_jobs()
    login(client, "staff@example.org", PASSWORD)
    page = client.get("/receipts/register").get_data(as_text=True)
    assert donor["number"] in page and "Send again" in page
    rows = list(
        csv.reader(io.StringIO(client.get("/receipts/register.csv").get_data(as_text=True).lstrip("\ufeff")))
    )
    assert rows[0][0] == "number" and len(rows) == 3
    assert any(row[3].startswith("'=") for row in rows[1:])  # formula injection neutralised
    before = len(outbox_messages(app))
    post_form(client, f"/receipts/{donor['receipt_id']}/resend", {}, get_path="/receipts/register")
    assert queued_jobs(app) == ["wcl.receipts.jobs.email_receipt"]
    run_jobs()
    assert len(outbox_messages(app)) == before + 1
    post_form(client, "/receipts/regenerate", {}, get_path="/receipts/register")
    assert queued_jobs(app) == ["wcl.receipts.jobs.render_receipt"] * 2
    run_jobs()
    with app.app_context():
        receipts = db.session.scalars(db.select(Receipt)).all()
        assert all(not r.needs_render and r.render_attempts == 2 for r in receipts)
    assert len(outbox_messages(app)) == before + 1  # regenerating does not email again


def _csv_rows(response):
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_register_filters_the_csv_and_what_is_rendered_again(app, client, run_jobs):
    from datetime import UTC, datetime
    from html import unescape

    with app.app_context():
        first = CampaignFactory(title="+SUM(A1:A9) felt")
        second = CampaignFactory(title="@cmd|' /c calc'!A0")
        pledges = [
            paid_pledge(campaign=first, backer_name="-2+3 Aida", paid_at=datetime(2025, 6, 1, tzinfo=UTC)),
            paid_pledge(
                campaign=first, backer_name='=HYPERLINK("http://x")', paid_at=datetime(2026, 3, 1, tzinfo=UTC)
            ),
            paid_pledge(campaign=second, backer_name="\tTab", paid_at=datetime(2026, 4, 1, tzinfo=UTC)),
        ]
        receipts = [services.issue_receipt(p.id) for p in pledges]
        numbers = [r.display_number for r in receipts]
        filtered_id = receipts[1].id
        first_id, second_id = first.id, second.id
        UserFactory(email="staff@example.org", roles=["staff"])
    run_jobs()
    login(client, "staff@example.org", PASSWORD)

    everything = _csv_rows(client.get("/receipts/register.csv"))
    assert sorted(row["number"] for row in everything) == sorted(numbers)
    # Spreadsheet formulas in donor names and campaign titles stay text.
    assert {row["donor_name"] for row in everything} == {"'-2+3 Aida", '\'=HYPERLINK("http://x")', "'\tTab"}
    assert {row["campaign"] for row in everything} == {"'+SUM(A1:A9) felt", "'@cmd|' /c calc'!A0"}

    # The filtered page links to the CSV and the re-render of exactly its rows.
    page = client.get(f"/receipts/register?campaign={first_id}&year=2026").get_data(as_text=True)
    assert numbers[1] in page and numbers[0] not in page and numbers[2] not in page
    csv_url = unescape(re.search(r'href="(/receipts/register\.csv[^"]*)"', page).group(1))
    rows = _csv_rows(client.get(csv_url))
    assert [row["number"] for row in rows] == [numbers[1]]
    assert [row["number"] for row in _csv_rows(client.get("/receipts/register.csv?year=2026"))] == [
        numbers[2],
        numbers[1],
    ]
    assert [
        row["number"] for row in _csv_rows(client.get(f"/receipts/register.csv?campaign={first_id}"))
    ] == [numbers[1], numbers[0]]
    assert _csv_rows(client.get(f"/receipts/register.csv?campaign={second_id}&year=2025")) == []

    regenerate_url = unescape(re.search(r'action="(/receipts/regenerate[^"]*)"', page).group(1))
    response = post_form(client, regenerate_url, {}, get_path="/receipts/register")
    assert response.status_code == 302
    assert queued_jobs(app) == ["wcl.receipts.jobs.render_receipt"]
    run_jobs()
    with app.app_context():
        attempts = {
            r.display_number: (r.render_attempts, r.needs_render)
            for r in db.session.scalars(db.select(Receipt))
        }
        assert attempts == {numbers[0]: (1, False), numbers[1]: (2, False), numbers[2]: (1, False)}
        requested = db.session.scalars(
            db.select(AuditEntry.target_id).where(AuditEntry.action == "receipt.regenerate_requested")
        ).all()
        assert requested == [filtered_id]


@pytest.mark.parametrize("locale, label", [("en", "Receipt register"), ("ru", "Реестр квитанций")])
def test_register_table_is_labelled_as_the_register(app, client, donor, locale, label):
    with app.app_context():
        UserFactory(email="staff@example.org", roles=["staff"], locale=locale)
    login(client, "staff@example.org", PASSWORD)
    html = client.get("/receipts/register").get_data(as_text=True)
    wraps = re.findall(r'<div class="table-wrap"[^>]*>', html)
    assert wraps == [f'<div class="table-wrap" role="region" tabindex="0" aria-label="{label}">'], wraps


def test_register_shows_a_stuck_render(app, client, donor):
    with app.app_context():
        receipt = db.session.get(Receipt, donor["receipt_id"])
        receipt.last_error = "render 3 did not finish (timeout or crash)"
        receipt.render_attempts = 3
        db.session.commit()
        UserFactory(email="staff@example.org", roles=["staff"])
    login(client, "staff@example.org", PASSWORD)
    assert "did not finish" in client.get("/receipts/register").get_data(as_text=True)


@pytest.mark.parametrize("locale", ["ru", "ky"])
def test_pages_have_no_english(app, client, donor, locale):
    headers = {"Accept-Language": locale}
    html = client.get(f"/receipts/verify/{donor['code']}", headers=headers).get_data(as_text=True)
    assert (
        english_words(
            html, exclude=["Aida Donor", donor["number"], "Felt workshop", "Women's Creative Lab", "KGS"]
        )
        == []
    )
    with app.app_context():
        UserFactory(email="staff@example.org", roles=["staff"])
    login(client, "staff@example.org", PASSWORD)
    client.set_cookie("wcl_lang", locale)
    for path in ("/receipts/", "/receipts/register"):
        html = client.get(path, headers=headers).get_data(as_text=True)
        assert (
            english_words(
                html,
                exclude=[
                    "Aida Donor",
                    donor["number"],
                    "Felt workshop",
                    "PDF",
                    "CSV",
                    "KGS",
                    "Women's Creative Lab",
                ],
            )
            == []
        ), path


def test_paid_webhook_to_emailed_receipt_end_to_end(app, client, run_jobs):
    with app.app_context():
        campaign = CampaignFactory(title="Кийиз үй", creator_name="Гүлнара")
        pledge = PledgeFactory(
            campaign=campaign,
            amount=300_000,
            backer_name="Айгүл Ңурбекова",
            backer_email="aigul@example.org",
            locale="ky",
        )
        event, pledge_id = checkout_event(pledge), pledge.id
    assert signed_webhook(client, event).status_code == 200
    run_jobs()  # webhook → paid → issue → render → email (and the thank-you email)
    with app.app_context():
        receipt = db.session.scalar(db.select(Receipt).where(Receipt.pledge_id == pledge_id))
        assert receipt is not None and receipt.pdf_id and receipt.emailed_at and receipt.locale == "ky"
        number = receipt.display_number
    [message] = [m for m in outbox_messages(app) if m["X-WCL-Template"] == "receipts/receipt"]
    assert message["To"] == "aigul@example.org" and number in message["Subject"]
    [attachment] = list(message.iter_attachments())
    text = _text(attachment.get_content())
    assert number in text and "Айгүл Ңурбекова" in text and "Кийиз үй" in text and "3 000" in text
    assert "Кайрымдуулук квитанциясы" in text
    # A full refund voids it through the refund hook.
    with app.app_context():
        from wcl.payments.services import refund_pledge

        staff = UserFactory(roles=["staff"])
        refund_pledge(pledge_id, actor=staff)
    run_jobs()
    with app.app_context():
        receipt = db.session.scalar(db.select(Receipt).where(Receipt.pledge_id == pledge_id))
        assert receipt.is_void and not receipt.needs_render
        assert "ЖОККО ЧЫГАРЫЛДЫ" in _text(services.pdf_bytes(receipt))


def test_my_receipts_include_guest_pledges_under_her_confirmed_email(app, client, donor):
    """A receipt is hers when its pledge is: a guest pledge typed with capitals
    counts, one under an address she has not confirmed would not."""
    with app.app_context():
        guest = services.issue_receipt(paid_pledge(backer_email="Donor@Example.org").id)
        stranger = services.issue_receipt(paid_pledge(backer_email="other@example.org").id)
        numbers = (guest.display_number, stranger.display_number)
    login(client, "donor@example.org", PASSWORD)
    page = client.get("/receipts/").get_data(as_text=True)
    assert donor["number"] in page and numbers[0] in page and numbers[1] not in page
