"""Receipts: issuing (idempotent, gapless under concurrency), rendering, emailing, voiding."""

import io
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from pypdf import PdfReader

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.campaigns import CampaignFactory, MatchingPoolFactory
from tests.factories.receipts import paid_pledge
from tests.helpers import link_in, login, message_text, outbox_messages, queued_jobs
from wcl.audit.models import AuditEntry
from wcl.campaigns.models import MatchReservation, PledgeStatus
from wcl.extensions import db
from wcl.files.services import read_bytes
from wcl.receipts import services
from wcl.receipts.models import Receipt
from wcl.receipts.numbering import ReceiptSequence
from wcl.receipts.services import _common, issuing, rendering, statements


def _text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _count(model, column="id"):
    return db.session.scalar(db.select(db.func.count(getattr(model, column))))


def test_issue_is_idempotent_and_numbers_by_payment_year(app_ctx):
    pledge = paid_pledge(paid_at=datetime(2026, 12, 31, 19, 30, tzinfo=UTC))  # 01:30 on 1 Jan in Bishkek
    first = services.issue_receipt(pledge.id)
    again = services.issue_receipt(pledge.id)
    assert first.id == again.id and first.display_number == "WCL-2027-000001"
    assert _count(Receipt) == 1
    assert db.session.get(ReceiptSequence, 2027).last_number == 1
    assert queued_jobs(app_ctx) == ["wcl.receipts.jobs.render_receipt"]  # only the first issue queues
    assert len(first.code) >= 22 and first.donor_name == pledge.backer_name


@pytest.mark.parametrize("status", [PledgeStatus.PENDING, PledgeStatus.FAILED, PledgeStatus.EXPIRED])
def test_unpaid_pledge_is_refused_and_nothing_changes(app_ctx, status):
    pledge = paid_pledge(status=status, paid_at=None)
    with pytest.raises(services.ReceiptError):
        services.issue_receipt(pledge.id)
    with pytest.raises(services.ReceiptError):
        services.issue_receipt(999_999)
    assert _count(Receipt) == 0 and _count(ReceiptSequence, "year") == 0
    assert _count(AuditEntry) == 0 and queued_jobs(app_ctx) == []


def test_concurrent_issuance_is_gapless_unique_and_idempotent(app):
    with app.app_context():
        campaign = CampaignFactory()
        pledge_ids = [paid_pledge(campaign=campaign).id for _ in range(30)]

    def issue(pledge_id):
        with app.app_context():
            receipt = services.issue_receipt(pledge_id)
            return pledge_id, receipt.number

    # Each pledge is issued three times, from different threads and sessions at once.
    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(issue, pledge_ids * 3))
    by_pledge = {}
    for pledge_id, number in results:
        by_pledge.setdefault(pledge_id, set()).add(number)
    assert all(len(numbers) == 1 for numbers in by_pledge.values())  # never a second number
    assert sorted(n for (n,) in by_pledge.values()) == list(range(1, 31))  # gapless and unique
    with app.app_context():
        assert _count(Receipt) == 30


def test_matched_amount_is_kept_apart_from_the_donors(app_ctx):
    pool = MatchingPoolFactory()
    pledge = paid_pledge(amount=150_000)
    db.session.add(
        MatchReservation(pool_id=pool.id, pledge_id=pledge.id, campaign_id=pledge.campaign_id, amount=50_000)
    )
    db.session.commit()
    receipt = services.issue_receipt(pledge.id)
    assert (receipt.amount, receipt.matched_amount) == (150_000, 50_000)


KYRGYZ = "Айгерим Үсөнова Ңазарова"


def _qr_modules(image, size, scale=1, border=services.rendering.QR_BORDER):
    """The dark/light modules of a QR code image drawn by ``services.qr_data_uri``."""
    grey = image.convert("L")
    return [
        [
            grey.getpixel(((c + border) * scale + scale // 2, (r + border) * scale + scale // 2)) < 128
            for c in range(size)
        ]
        for r in range(size)
    ]


@pytest.mark.parametrize(
    "locale, labels",
    [
        ("en", ["Donation receipt", "Amount donated by you", "matching sponsor", "Bank transfer"]),
        ("ru", ["Квитанция о пожертвовании", "Ваше пожертвование", "Банковский перевод"]),
        ("ky", ["Кайрымдуулук", "Сиз берген сумма", "Банк которуусу"]),
    ],
)
def test_pdf_text_in_each_language(app_ctx, monkeypatch, locale, labels):
    import segno

    monkeypatch.setitem(app_ctx.config, "ORG_NAME", "Aiyl Art Fund")
    monkeypatch.setitem(app_ctx.config, "ORG_ADDRESS", "12 Kurmanjan Datka St, Osh")
    monkeypatch.setitem(app_ctx.config, "ORG_REGISTRATION", "INN 01234567890123")
    campaign = CampaignFactory(title="Өнөр Көктөм кийиз", creator_name="Гүлнара")
    pledge = paid_pledge(
        campaign=campaign,
        backer_name=KYRGYZ,
        amount=250_050,
        locale=locale,
        provider="offline",
        offline_method="bank",
    )
    receipt = services.issue_receipt(pledge.id)
    services.render_receipt(receipt.id)
    receipt = db.session.get(Receipt, receipt.id)
    data = services.pdf_bytes(receipt)
    assert data.startswith(b"%PDF-")
    text = " ".join(_text(data).split())
    assert receipt.display_number in text
    assert KYRGYZ in text and "Өнөр Көктөм кийиз" in text and "Гүлнара" in text
    assert "2" in text and ("2 500,50" in text or "2,500.50" in text), text
    for label in labels:
        assert label in text, (label, text)
    # Who issued it, and where anyone can check it.
    url = services.verify_url(receipt)
    assert url.endswith(f"/receipts/verify/{receipt.code}") and url in text.replace(" ", ""), text
    assert "Aiyl Art Fund" in text and "12 Kurmanjan Datka St, Osh" in text and "INN 01234567890123" in text
    # Page 1 carries the QR code, and it encodes this receipt's verification URL.
    [image] = PdfReader(io.BytesIO(data)).pages[0].images
    code = segno.make(url, error="m", mask=services.rendering.QR_MASK)
    size = len(code.matrix)
    assert image.image.size == code.symbol_size(scale=1, border=services.rendering.QR_BORDER)
    assert _qr_modules(image.image, size) == [[bool(m) for m in row] for row in code.matrix]
    assert receipt.last_error is None and receipt.render_attempts == 1 and not receipt.needs_render


def test_markup_and_rtl_names_are_text(app_ctx):
    name = '<b>Bold</b> <img src="http://evil.example/x"> مريم'
    pledge = paid_pledge(backer_name=name)
    receipt = services.issue_receipt(pledge.id)
    from wcl.pdf import render_html

    page = render_html(
        "receipts/pdf/receipt.html", "en", receipt=receipt, org=services.org_details(), verify_url="x", qr=""
    )
    assert "&lt;b&gt;Bold&lt;/b&gt;" in page and "<b>Bold" not in page and '<img src="http://evil' not in page
    services.render_receipt(receipt.id)
    text = _text(services.pdf_bytes(db.session.get(Receipt, receipt.id)))
    assert "<b>Bold</b>" in text and "مريم" in text


def test_render_job_is_idempotent_and_emails_once_with_a_pdf(app, run_jobs):
    with app.app_context():
        pledge = paid_pledge(backer_email="aida@example.org")
        receipt = services.issue_receipt(pledge.id)
        receipt_id, number, pledge_id = receipt.id, receipt.display_number, pledge.id
    assert queued_jobs(app) == ["wcl.receipts.jobs.render_receipt"]  # after the commit
    run_jobs()
    with app.app_context():
        receipt = db.session.get(Receipt, receipt_id)
        assert receipt.emailed_at is not None and receipt.pdf_id is not None
        first_pdf = receipt.pdf_id
    from wcl.queue import RECEIPTS, get_queue

    # RQ delivers at least once: run both jobs again.
    with app.app_context():
        get_queue(RECEIPTS).enqueue("wcl.queue.run_job", "wcl.receipts.jobs.render_receipt", receipt_id)
        get_queue(RECEIPTS).enqueue("wcl.queue.run_job", "wcl.receipts.jobs.email_receipt", receipt_id)
        get_queue(RECEIPTS).enqueue("wcl.queue.run_job", "wcl.receipts.jobs.issue_receipt", pledge_id)
    run_jobs()
    with app.app_context():
        receipt = db.session.get(Receipt, receipt_id)
        assert (
            receipt.pdf_id == first_pdf and receipt.render_attempts == 1 and receipt.display_number == number
        )
        assert _count(Receipt) == 1
    [message] = outbox_messages(app)
    assert message["To"] == "aida@example.org" and number in message["Subject"]
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content().startswith(b"%PDF-")
    assert number in _text(attachment.get_content())
    body = " ".join(message_text(message).split())
    assert "for KGS 1,000 is attached" in body and "refunded" not in body
    # The guest follows the signed link from the email, without an account.
    link = urlsplit(link_in(message, r"https?://\S+/receipts/guest/\S+"))
    guest = app.test_client()
    response = guest.get(link.path)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert number in _text(response.data)
    token = link.path.rsplit("/", 1)[1]
    middle = len(token) // 2
    tampered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    for path in (f"/receipts/guest/{tampered}", f"/receipts/guest/{token}x", "/receipts/guest/" + token[:-3]):
        response = guest.get(path)
        assert response.status_code == 404 and not response.data.startswith(b"%PDF-"), path


def test_nothing_is_queued_when_the_transaction_rolls_back(app_ctx, monkeypatch):
    pledge = paid_pledge()

    def boom(*args, **kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(issuing, "record", boom)
    with pytest.raises(RuntimeError):
        services.issue_receipt(pledge.id)
    db.session.rollback()
    assert queued_jobs(app_ctx) == [] and _count(Receipt) == 0


def test_a_render_that_dies_leaves_a_marker_and_a_failure_is_recorded(app_ctx, monkeypatch):
    receipt = services.issue_receipt(paid_pledge().id)

    def crash(receipt):
        raise RuntimeError("pango exploded")

    monkeypatch.setattr(rendering, "render_receipt_pdf", crash)
    with pytest.raises(RuntimeError):
        services.render_receipt(receipt.id)
    receipt = db.session.get(Receipt, receipt.id)
    assert receipt.needs_render and receipt.render_attempts == 1 and "pango exploded" in receipt.last_error

    def killed(receipt):  # what a job timeout looks like: the process never comes back
        raise SystemExit

    monkeypatch.setattr(rendering, "render_receipt_pdf", killed)
    with pytest.raises(SystemExit):
        services.render_receipt(receipt.id)
    db.session.rollback()
    receipt = db.session.get(Receipt, receipt.id)
    assert receipt.render_attempts == 2 and "did not finish" in receipt.last_error
    monkeypatch.undo()
    services.render_receipt(receipt.id)
    receipt = db.session.get(Receipt, receipt.id)
    assert receipt.last_error is None and receipt.pdf_id is not None


def test_a_render_that_times_out_is_retried_then_shown_to_staff(app, client, run_jobs, monkeypatch):
    """A real RQ job timeout (SIGALRM in the worker), every retry used, then the register."""
    import rq
    from rq.job import Job
    from rq.registry import FailedJobRegistry

    import wcl.queue
    from wcl.queue import RECEIPTS, get_queue

    monkeypatch.setattr(_common, "RENDER_TIMEOUT", 1)
    # The production retry count, without the waits between attempts.
    monkeypatch.setattr(wcl.queue, "Retry", lambda max, interval: rq.Retry(max=max, interval=0))

    def slow(receipt):
        time.sleep(4)
        return b"%PDF-1.7 too late"

    monkeypatch.setattr(rendering, "render_receipt_pdf", slow)
    with app.app_context():
        receipt = services.issue_receipt(paid_pledge(backer_email="aida@example.org").id)
        receipt_id, number = receipt.id, receipt.display_number
        [job] = get_queue(RECEIPTS).jobs
        job_id = job.id
        assert job.timeout == 1 and job.retries_left == 3
        UserFactory(email="staff@example.org", roles=["staff"])
    started = time.monotonic()
    run_jobs()
    assert time.monotonic() - started < 4 * 4  # each attempt was cut short, not slept out
    with app.app_context():
        queue = get_queue(RECEIPTS)
        assert queue.count == 0
        assert FailedJobRegistry(queue=queue).get_job_ids() == [job_id]
        job = Job.fetch(job_id, connection=queue.connection)
        assert job.retries_left == 0 and "JobTimeoutException" in job.latest_result().exc_string
        receipt = db.session.get(Receipt, receipt_id)
        assert receipt.render_attempts == 4 and receipt.needs_render and receipt.pdf_id is None
        assert receipt.last_error.startswith("render 4 failed: JobTimeoutException")
        assert receipt.emailed_at is None and outbox_messages(app) == []
        # The number stays the receipt's own: none taken by the retries, none handed out twice.
        assert receipt.display_number == number and _count(Receipt) == 1
        assert db.session.get(ReceiptSequence, receipt.year).last_number == 1
    login(client, "staff@example.org", PASSWORD)
    page = " ".join(client.get("/receipts/register").get_data(as_text=True).split())
    failed = page.split("<h2>Failed jobs</h2>", 1)[1].split("</ul>", 1)[0]
    assert f"wcl.receipts.jobs.render_receipt {receipt_id} —" in failed
    assert "JobTimeoutException: Task exceeded maximum timeout value (1 seconds)" in failed
    assert "Render problem (attempt 4): render 4 failed: JobTimeoutException" in page and number in page
    with app.app_context():
        assert services.issue_receipt(paid_pledge().id).number == 2


def test_render_jobs_carry_a_timeout_and_retries(app_ctx):
    from wcl.queue import RECEIPTS, get_queue

    services.issue_receipt(paid_pledge().id)
    [job] = get_queue(RECEIPTS).jobs
    assert job.timeout == services.RENDER_TIMEOUT and job.retries_left == 3


def test_void_keeps_the_number_and_rerenders_with_a_mark(app_ctx):
    pledge = paid_pledge()
    receipt = services.issue_receipt(pledge.id)
    services.render_receipt(receipt.id)
    assert services.void_receipt(pledge.id) is None  # still paid (e.g. a partial refund)
    pledge.status = PledgeStatus.REFUNDED
    db.session.commit()
    voided = services.void_receipt(pledge.id)
    assert voided.is_void and voided.needs_render
    assert services.void_receipt(pledge.id).voided_at == voided.voided_at  # idempotent
    services.render_receipt(receipt.id)
    receipt = db.session.get(Receipt, receipt.id)
    assert (
        "VOID" in _text(services.pdf_bytes(receipt))
        and receipt.display_number == f"WCL-{receipt.year}-000001"
    )
    other = services.issue_receipt(paid_pledge().id)
    assert other.number == 2  # the voided number is never reused


def test_annual_statement_lists_valid_and_void_receipts(app_ctx):
    user = UserFactory(full_name="Жылдыз Ңурланова", locale="ky")
    receipts = [services.issue_receipt(paid_pledge(backer_id=user.id, amount=100_000).id) for _ in range(3)]
    receipts[1].pledge.status = PledgeStatus.REFUNDED
    db.session.commit()
    services.void_receipt(receipts[1].pledge_id)
    year = receipts[0].year
    text = " ".join(_text(services.annual_statement(user, year)).split())
    for receipt in receipts:
        assert receipt.display_number in text
    assert "Жылдыз Ңурланова" in text and "ЖОККО ЧЫГАРЫЛДЫ" in text
    assert "2 000 сом" in text  # the void receipt is left out of the total
    with pytest.raises(services.ReceiptError):
        services.annual_statement(user, year - 1)


def test_a_partial_refund_amends_the_receipt_and_a_full_one_voids_it(app, client, run_jobs):
    from wcl.payments import services as payments

    with app.app_context():
        campaign = CampaignFactory()
        MatchingPoolFactory(campaigns=[campaign], budget=1_000_000)
        pledge = paid_pledge(
            campaign=campaign, status=PledgeStatus.PENDING, paid_at=None, amount=300_000, locale="en"
        )
        payments.mark_pledge_paid(pledge.id, 300_000, "KGS")
        pledge_id = pledge.id
    run_jobs()  # issue, render, email
    with app.app_context():
        receipt = services.receipt_for_pledge_id(pledge_id)
        number, code, first_pdf = receipt.display_number, receipt.code, receipt.pdf_id
        assert (receipt.amount, receipt.matched_amount, receipt.refunded_amount) == (300_000, 300_000, 0)

        payments.refund_pledge(pledge_id, amount=100_000)
    run_jobs()  # the refund hook amends the receipt and renders it again
    with app.app_context():
        receipt = services.receipt_for_pledge_id(pledge_id)
        assert receipt.display_number == number and not receipt.is_void
        assert (receipt.refunded_amount, receipt.net_amount, receipt.matched_amount) == (
            100_000,
            200_000,
            200_000,
        )
        assert receipt.pdf_id != first_pdf and not receipt.needs_render
        text = " ".join(_text(services.pdf_bytes(receipt)).split())
        assert "Amount paid KGS 3,000" in text and "Refunded to you KGS 1,000" in text
        assert "Amount donated by you KGS 2,000" in text and "VOID" not in text
        [entry] = db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == "receipt.amended")
        ).all()
        assert entry.data["refunded_amount"] == 100_000 and entry.data["matched_amount"] == 200_000
        assert services.amend_receipt(pledge_id).id == receipt.id  # idempotent: nothing new
        assert queued_jobs(app) == []
    page = client.get(f"/receipts/verify/{code}").get_data(as_text=True)
    assert "Refunded to you" in page and "KGS\u00a02,000" in page and "Valid" in page

    with app.app_context():
        payments.refund_pledge(pledge_id)
    run_jobs()
    with app.app_context():
        receipt = services.receipt_for_pledge_id(pledge_id)
        assert receipt.is_void and receipt.refunded_amount == 300_000
        text = " ".join(_text(services.pdf_bytes(receipt)).split())
        assert "VOID" in text and "Amount donated by you KGS 3,000" in text and "Refunded to you" not in text
    assert "VOID" in client.get(f"/receipts/verify/{code}").get_data(as_text=True)


def test_a_receipt_issued_after_a_partial_refund_states_it(app_ctx):
    pledge = paid_pledge(amount=300_000, refunded_amount=100_000)
    receipt = services.issue_receipt(pledge.id)
    assert (receipt.amount, receipt.refunded_amount, receipt.net_amount) == (300_000, 100_000, 200_000)
    assert services.amend_receipt(pledge.id).id == receipt.id and queued_jobs(app_ctx) == [
        "wcl.receipts.jobs.render_receipt"
    ]  # nothing to amend: only the first render is queued


@pytest.mark.parametrize(
    "locale, stated, refund",
    [
        (
            "en",
            "Your receipt {number} for KGS 2,000 is attached",
            "partly refunded: you paid KGS 3,000 and KGS 1,000 was returned to you, "
            "so the receipt states a donation of KGS 2,000.",
        ),
        (
            "ru",
            "Ваша квитанция {number} на сумму 2 000 KGS приложена",
            "вы заплатили 3 000 KGS, вам возвращено 1 000 KGS, поэтому в квитанции указано пожертвование 2 000 KGS.",
        ),
    ],
)
def test_a_receipt_issued_after_a_partial_refund_is_emailed_with_the_net_amount(
    app, run_jobs, locale, stated, refund
):
    with app.app_context():
        pledge = paid_pledge(
            amount=300_000, refunded_amount=100_000, backer_email="aida@example.org", locale=locale
        )
        number = services.issue_receipt(pledge.id).display_number
    run_jobs()
    [message] = outbox_messages(app)
    body = " ".join(message_text(message).split())
    assert stated.format(number=number) in body, body
    assert refund in body, body
    [attachment] = list(message.iter_attachments())
    pdf = " ".join(_text(attachment.get_content()).split())
    assert ("Amount donated by you KGS 2,000" if locale == "en" else "Ваше пожертвование 2 000 KGS") in pdf


RLO = "\u202e"


def test_a_bidi_override_in_a_name_cannot_reorder_the_receipt(app, client, run_jobs):
    """U+202E in a donor's, creator's or campaign's name stays inside its own isolate (HTML,
    PDF) or is removed (plain-text email)."""
    from wcl.accounts.models import User
    from wcl.pdf import render_html

    donor, creator, title = f"Evil{RLO}redro", f"Ann{RLO}nna", f"Felt{RLO}tlef"
    with app.app_context():
        user = UserFactory(full_name=donor, locale="en")
        campaign = CampaignFactory(title=title, creator_name=creator)
        pledge = paid_pledge(
            campaign=campaign,
            backer_id=user.id,
            backer_name=donor,
            backer_email="evil@example.org",
            amount=250_050,
            locale="en",
        )
        receipt = services.issue_receipt(pledge.id)
        receipt_id, number, code, year = receipt.id, receipt.display_number, receipt.code, receipt.year
        user_id = user.id
        page = render_html(
            "receipts/pdf/receipt.html",
            "en",
            receipt=receipt,
            org=services.org_details(),
            verify_url="x",
            qr="",
        )
        for name in (donor, creator, title):
            assert f"<bdi>{name}</bdi>" in page
    run_jobs()  # render, then email
    html = client.get(f"/receipts/verify/{code}").get_data(as_text=True)
    assert f"<bdi>{donor}</bdi>" in html and f"<bdi>{title}</bdi>" in html
    with app.app_context():
        receipt = db.session.get(Receipt, receipt_id)
        text = " ".join(_text(services.pdf_bytes(receipt)).split())
        assert f"No. {number}" in text and "Amount donated by you KGS 2,500.50" in text, text
        user = db.session.get(User, user_id)
        statement = render_html(
            "receipts/pdf/statement.html",
            "en",
            receipts=[receipt],
            year=year,
            donor_name=user.full_name,
            totals=[],
            org=services.org_details(),
            issued_on=receipt.issued_at,
        )
        assert f"<bdi>{donor}</bdi>" in statement and f"<bdi>{title}</bdi>" in statement
        statement = " ".join(_text(services.annual_statement(user, year, "en")).split())
        assert "Date of issue:" in statement and number in statement and "KGS 2,500.50" in statement, (
            statement
        )
    [message] = outbox_messages(app)
    body = message_text(message)
    # Plain text carries no direction controls at all (wcl.mail strips them): the override is gone.
    assert donor.replace(RLO, "") in body and title.replace(RLO, "") in body
    assert not any(c in body for c in (RLO, "\u2068", "\u2069"))
    # What a mail client shows: printed through the bidi algorithm, the sentence keeps its order.
    from weasyprint import HTML

    from wcl.pdf import BASE_URL, restricted_fetcher

    line = next(line for line in body.splitlines() if number in line)
    shown = _text(
        HTML(string=f"<pre>{line}</pre>", base_url=BASE_URL, url_fetcher=restricted_fetcher).write_pdf()
    )
    assert f"Your receipt {number} for KGS 2,500.50 is attached" in " ".join(shown.split()), shown


def test_statement_job_records_failure_then_renders_once(app_ctx, monkeypatch):
    from wcl.receipts.models import AnnualStatement

    user = UserFactory(locale="ru")
    services.issue_receipt(paid_pledge(backer_id=user.id, amount=100_000).id)
    year = db.session.scalars(db.select(Receipt.year)).first()
    statement = services.request_statement(user, year, "ky")
    assert statement.status == "queued" and "wcl.receipts.jobs.render_statement" in queued_jobs(app_ctx)
    statement_id = statement.id

    def broken(*args, **kwargs):
        raise RuntimeError("fonts missing")

    monkeypatch.setattr(statements, "annual_statement", broken)
    with pytest.raises(RuntimeError):
        services.render_statement(statement_id)  # RQ retries it
    assert db.session.get(AnnualStatement, statement_id).status == "failed"
    monkeypatch.undo()
    done = services.render_statement(statement_id)
    assert done.status == "done" and "Сиз берген сумма" in " ".join(_text(read_bytes(done.file)).split())
    file_id = done.file_id
    assert services.render_statement(statement_id).file_id == file_id  # idempotent
    assert services.statement_for(UserFactory(), statement_id) is None
    with pytest.raises(services.ReceiptError):
        services.request_statement(user, year - 1, "en")


def test_a_void_receipt_sent_again_says_it_is_void(app, run_jobs):
    """Staff may re-send a receipt after its payment was refunded; the email
    must not read as a thank-you for a donation that still stands."""
    from wcl.accounts.models import User

    with app.app_context():
        staff_id = UserFactory(roles=["staff"]).id
        pledge = paid_pledge(backer_email="aida@example.org")
        receipt_id, pledge_id = services.issue_receipt(pledge.id).id, pledge.id
    run_jobs()
    [first] = outbox_messages(app)
    assert "void" not in message_text(first)
    with app.app_context():
        db.session.get(Receipt, receipt_id).pledge.status = PledgeStatus.REFUNDED
        db.session.commit()
        services.void_receipt(pledge_id)
    run_jobs()  # re-rendered with the VOID mark
    with app.app_context():
        services.resend_receipt(db.session.get(User, staff_id), receipt_id)
    run_jobs()
    first, again = outbox_messages(app)
    body = " ".join(message_text(again).split())
    assert "This receipt is void: the payment was refunded" in body
    [attachment] = list(again.iter_attachments())
    assert "VOID" in _text(attachment.get_content())
