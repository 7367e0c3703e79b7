"""Receipts and the register name how the money came: card, sandbox, the local provider by name,
a bank transfer matched from a statement, or what a coordinator recorded."""

import csv
import io

import pytest
from pypdf import PdfReader

from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.receipts import paid_pledge
from tests.helpers import login
from wcl.extensions import db
from wcl.receipts import services
from wcl.receipts.models import Receipt

CASES = [
    # provider, offline method, stored code, words on the PDF
    ("stripe", None, "card", "Card payment (Stripe)"),
    ("sandbox", None, "sandbox", "Test payment (sandbox, no money)"),
    ("local", None, "local", "Kyrgyz bank card or e-wallet: Demo Pay KG"),
    ("bank_transfer", None, "bank", "Bank transfer"),
    ("offline", "cash", "cash", "Cash"),
    ("offline", "qr", "qr", "QR payment"),
]


def _text(data):
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


@pytest.mark.parametrize("provider, offline_method, code, words", CASES)
def test_the_receipt_pdf_names_the_method(app_ctx, monkeypatch, provider, offline_method, code, words):
    monkeypatch.setitem(app_ctx.config, "LOCAL_PAY_NAME", "Demo Pay KG")
    pledge = paid_pledge(provider=provider, offline_method=offline_method)
    receipt = services.issue_receipt(pledge.id)
    assert receipt.payment_method == code
    services.render_receipt(receipt.id)
    text = _text(services.pdf_bytes(db.session.get(Receipt, receipt.id)))
    assert f"Payment method {words}" in text, text
    assert "Online card payment" not in text


def test_the_register_names_the_method(app, client):
    with app.app_context():
        for provider in ("local", "stripe", "bank_transfer"):
            services.issue_receipt(paid_pledge(provider=provider).id)
        UserFactory(email="staff@example.org", roles=["staff"])
    login(client, "staff@example.org", PASSWORD)
    page = client.get("/receipts/register").get_data(as_text=True)
    assert "Kyrgyz bank card or e-wallet" in page and "Card payment (Stripe)" in page
    assert "Bank transfer" in page
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/receipts/register.csv").get_data(as_text=True).lstrip("\ufeff"))
        )
    )
    assert sorted(r["payment_method"] for r in rows) == ["bank", "card", "local"]
