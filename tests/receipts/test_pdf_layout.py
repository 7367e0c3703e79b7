"""Receipts and statements print with wcl's lean user-agent stylesheet, and look exactly as with WeasyPrint's own."""

import re
from pathlib import Path
from types import SimpleNamespace

import pypdfium2
import pytest

from tests.factories.accounts import UserFactory
from tests.factories.receipts import paid_pledge
from wcl import pdf
from wcl.extensions import db
from wcl.receipts import services
from wcl.receipts.services import rendering
from wcl.time import utcnow

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "receipts"
LEAN = "ua-lean.css"


def _pixels(data):
    """Every page of ``data`` drawn at 72 dpi, as raw bytes (same bytes, same drawing)."""
    document = pypdfium2.PdfDocument(data)
    return [page.render(scale=1).to_pil().tobytes() for page in document]


def _full_receipt():
    """A void, partly refunded receipt with a reward, beneficiaries and a destination: every branch."""
    receipt = services.issue_receipt(paid_pledge(amount=250_000).id)
    receipt.refunded_amount = 50_000
    receipt.reward_title = "Кийиз килем · Felt rug"
    receipt.voided_at = utcnow()
    url = rendering.verify_url(receipt)
    return receipt, {
        "receipt": receipt,
        "beneficiaries": [SimpleNamespace(name="Айгерим Үсөнова", share_percent=60)],
        "org": rendering.org_details("ky"),
        "verify_url": url,
        "qr": rendering.qr_data_uri(url),
        "destination": {"kind": "pool", "name": "Ош 2026", "lab_name": "Ош"},
    }


def test_a_receipt_and_a_statement_print_with_the_lean_stylesheet(app_ctx, monkeypatch):
    seen = []
    real = pdf._print
    monkeypatch.setattr(
        pdf,
        "_print",
        lambda html, stylesheets=(), ua_stylesheet=None: (
            seen.append(ua_stylesheet) or real(html, stylesheets, ua_stylesheet)
        ),
    )
    user = UserFactory(locale="ky")
    receipt = services.issue_receipt(paid_pledge(backer_id=user.id).id)
    rendering.render_receipt_pdf(receipt)
    services.annual_statement(user, receipt.year)
    assert seen == [LEAN, LEAN]


@pytest.mark.parametrize("locale", ["ky", "en"])
def test_the_lean_stylesheet_draws_the_receipt_weasyprint_draws(app_ctx, locale):
    receipt, context = _full_receipt()
    assert receipt.is_void and receipt.reward_title
    html = pdf.render_html("receipts/pdf/receipt.html", locale, **context)
    lean = pdf._print(html, ("receipts.css",), LEAN)
    own = pdf._print(html, ("receipts.css",))
    assert _pixels(lean) == _pixels(own)
    db.session.rollback()


def test_the_lean_stylesheet_draws_the_statement_weasyprint_draws(app_ctx):
    user = UserFactory(full_name="Жылдыз Ңурланова", locale="ru")
    receipts = [services.issue_receipt(paid_pledge(backer_id=user.id, amount=100_000).id) for _ in range(2)]
    receipts[0].refunded_amount = 20_000
    receipts[1].voided_at = utcnow()
    html = pdf.render_html(
        "receipts/pdf/statement.html",
        "ru",
        receipts=receipts,
        year=receipts[0].year,
        donor_name=user.full_name,
        totals=[("KGS", 80_000)],
        org=rendering.org_details("ru"),
        issued_on=utcnow(),
    )
    assert _pixels(pdf._print(html, ("receipts.css",), LEAN)) == _pixels(pdf._print(html, ("receipts.css",)))
    db.session.rollback()


def test_every_element_of_the_receipt_templates_has_its_rules():
    """An element added to a receipt template needs its WeasyPrint rules copied into the lean stylesheet."""
    used = set()
    for template in [*(TEMPLATES / "pdf").glob("*.html"), TEMPLATES / "_method.html"]:
        used |= {
            tag.lower()
            for tag in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", template.read_text(encoding="utf-8"))
        }
    css = (pdf.STYLESHEET_DIR / LEAN).read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    selectors = {
        word for rule in re.findall(r"([^{}]+)\{", css) for word in re.findall(r"[a-z][a-z0-9]*", rule)
    }
    # WeasyPrint's own stylesheet has no rule for these: inline text, nothing to copy.
    needs_no_rule = {"span", "bdi"}
    assert used - needs_no_rule <= selectors, sorted(used - needs_no_rule - selectors)
