"""Receipts and statements print with wcl's lean user-agent stylesheet (receipts parsed by expat), and look
exactly as with WeasyPrint's own stylesheet and parser."""

import io
import re
from pathlib import Path
from types import SimpleNamespace

import pypdfium2
import pytest
from markupsafe import Markup
from pypdf import PdfReader

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


def test_a_receipt_and_a_statement_print_with_the_lean_stylesheet(app_ctx, monkeypatch, caplog):
    seen = []
    real = pdf._print
    monkeypatch.setattr(
        pdf,
        "_print",
        lambda html, stylesheets=(), ua_stylesheet=None, xhtml=False: (
            seen.append((ua_stylesheet, xhtml)) or real(html, stylesheets, ua_stylesheet, xhtml)
        ),
    )
    parsed = []
    monkeypatch.setattr(
        pdf.ElementTree,
        "fromstring",
        lambda text, real=pdf.ElementTree.fromstring: parsed.append(1) or real(text),
    )
    user = UserFactory(locale="ky")
    receipt = services.issue_receipt(paid_pledge(backer_id=user.id).id)
    rendering.render_receipt_pdf(receipt)
    services.annual_statement(user, receipt.year)
    # The receipt is parsed by expat (and is well-formed: no warning); the statement by WeasyPrint.
    assert seen == [(LEAN, True), (LEAN, False)] and parsed == [1]
    assert not [r for r in caplog.records if r.name == "wcl.pdf"]


def test_an_xhtml_template_that_is_not_well_formed_prints_through_the_html_parser(app_ctx, caplog):
    html = "<!DOCTYPE html><html><body><p>Ң Ө Ү<br>1 000 сом</p></body></html>"  # <br> left open
    with caplog.at_level("WARNING", logger="wcl.pdf"):
        data = pdf._print(html, xhtml=True)
    assert "1 000 сом" in " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert _pixels(data) == _pixels(pdf._print(html))
    [record] = [r for r in caplog.records if r.name == "wcl.pdf"]
    assert "not well-formed" in record.getMessage() and "сом" not in record.getMessage()


@pytest.mark.parametrize("locale", ["ky", "en"])
def test_the_lean_stylesheet_draws_the_receipt_weasyprint_draws(app_ctx, locale):
    receipt, context = _full_receipt()
    assert receipt.is_void and receipt.reward_title
    html = pdf.render_html("receipts/pdf/receipt.html", locale, **context)
    # As receipts print (lean stylesheet, parsed by expat) and with WeasyPrint's own stylesheet and parser.
    lean = pdf._print(html, ("receipts.css",), LEAN, xhtml=True)
    own = pdf._print(html, ("receipts.css",))
    assert _pixels(lean) == _pixels(own)
    # Every fact stacked under its label, the void line and the destination still fit one A4 page.
    assert len(pypdfium2.PdfDocument(lean)) == 1
    db.session.rollback()


def test_the_receipt_html_has_no_whitespace_between_tags_and_keeps_it_in_text(app_ctx):
    receipt, context = _full_receipt()
    html = pdf.render_html("receipts/pdf/receipt.html", "en", **context)
    body = html[html.index("<body>") : html.index("</body>")]
    assert not re.search(r">\s+<", body), body
    assert "<bdi>Айгерим Үсөнова</bdi> 60%" in body and "<dt>Donor</dt><dd><bdi>" in body
    db.session.rollback()


def test_spaceless_takes_whitespace_between_tags_only_and_never_trusts_plain_text(app):
    spaceless = app.jinja_env.filters["spaceless"]
    assert spaceless(Markup("<p>a b</p>\n  <p> c </p>")) == Markup("<p>a b</p><p> c </p>")
    assert spaceless("<b>x</b> <i>y</i>") == "&lt;b&gt;x&lt;/b&gt; &lt;i&gt;y&lt;/i&gt;"


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
