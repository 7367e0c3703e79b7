"""The organisation's name and address on receipts and the verify page are in the reader's language."""

import json
from html import unescape

import pytest

from tests.factories.receipts import paid_pledge
from wcl.extensions import db
from wcl.i18n import PACKAGE_DIR
from wcl.receipts import services
from wcl.receipts.models import Receipt

ORGANISATION = json.loads((PACKAGE_DIR / "data" / "organisation.json").read_text(encoding="utf-8"))
GLOSSARY = json.loads((PACKAGE_DIR / "data" / "glossary.json").read_text(encoding="utf-8"))


def test_the_organisation_is_named_as_the_glossary_names_the_brand():
    brand = next(t for t in GLOSSARY["terms"] if t["id"] == "brand")
    for locale in ("en", "ru", "ky"):
        assert ORGANISATION["name"][locale] == brand[locale]
        assert ORGANISATION["address"][locale]


@pytest.fixture
def receipt_code(app):
    with app.app_context():
        receipt = services.issue_receipt(paid_pledge(backer_name="Aida").id)
        db.session.commit()
        return receipt.code


@pytest.mark.parametrize("locale", ["en", "ru", "ky"])
def test_receipt_and_verify_page_name_the_organisation_in_the_readers_language(
    app, client, receipt_code, locale
):
    from wcl.pdf import render_html
    from wcl.receipts.services.rendering import org_details

    name, address = ORGANISATION["name"][locale], ORGANISATION["address"][locale]
    html = unescape(
        client.get(f"/receipts/verify/{receipt_code}", headers={"Accept-Language": locale}).get_data(
            as_text=True
        )
    )
    assert name in html
    with app.test_request_context():
        receipt = db.session.scalar(db.select(Receipt).where(Receipt.code == receipt_code))
        pdf_html = render_html(
            "receipts/pdf/receipt.html",
            locale,
            receipt=receipt,
            org=org_details(locale),
            verify_url="x",
            qr="",
        )
    pdf_html = unescape(pdf_html)
    assert name in pdf_html and address in pdf_html
    others = [ORGANISATION["address"][other] for other in ("en", "ru", "ky") if other != locale]
    assert not any(other in pdf_html for other in others)


def test_an_operators_name_in_one_language_is_used_where_no_other_is_set(make_app):
    """Setting only WCL_ORG_NAME (another organisation) must not print the lab's name on ru receipts."""
    app = make_app(
        ORG_NAME="Aiyl Art Fund", ORG_NAME_KY="Айыл Арт Фонду", ORG_ADDRESS="12 Kurmanjan Datka St, Osh"
    )
    from wcl.receipts.services.rendering import org_details

    with app.app_context():
        assert org_details("ky")["name"] == "Айыл Арт Фонду"
        assert org_details("ru")["name"] == "Aiyl Art Fund"
        assert org_details("ru")["address"] == "12 Kurmanjan Datka St, Osh"
        assert org_details("en") == {
            "name": "Aiyl Art Fund",
            "address": "12 Kurmanjan Datka St, Osh",
            "registration": "",
        }
