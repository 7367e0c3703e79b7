"""Rendering a receipt's PDF in its donor's language, in a job that may fail and be retried without touching the number."""

import base64
import io

import segno
from flask import current_app
from PIL import Image

from wcl.ashar.queries import beneficiaries
from wcl.audit.services import record
from wcl.campaigns.queries import lab_destination
from wcl.extensions import db
from wcl.files.services import delete_stored, store_bytes
from wcl.i18n import current_locale
from wcl.links import absolute_url
from wcl.receipts.services._common import _enqueue_email, _lock_receipt
from wcl.reference import organisation
from wcl.time import utcnow


def verify_url(receipt):
    return absolute_url("receipts.verify", code=receipt.code)


# Any of the eight masks makes a valid code; choosing the "best" one scores all
# eight and was two thirds of the QR code's cost.
QR_MASK = 0
# One pixel per module (the PDF scales it up without smoothing: ``image-rendering: pixelated``),
# inside a border of two light modules.
QR_BORDER = 2
# segno's matrix holds 0 (light) and 1 (dark); as 8-bit grey, light is white (255), dark black (0).
_GREY = bytes([255]) + bytes(255)


def qr_data_uri(url):
    """The QR code of ``url`` as a ``data:`` PNG (the PDF fetcher allows only data: and static files).

    segno encodes it (0.7 ms); Pillow writes the PNG in 0.1 ms, where segno's own writer
    builds it pixel by pixel in Python (0.26 ms)."""
    matrix = segno.make(url, error="m", mask=QR_MASK).matrix
    side = len(matrix) + 2 * QR_BORDER
    blank_rows = bytes([255]) * side * QR_BORDER
    margin = bytes([255]) * QR_BORDER
    pixels = blank_rows + b"".join(margin + row.translate(_GREY) + margin for row in matrix) + blank_rows
    png = io.BytesIO()
    Image.frombytes("L", (side, side), pixels).convert("1").save(png, "PNG")
    return "data:image/png;base64," + base64.b64encode(png.getvalue()).decode("ascii")


def org_details(locale=None):
    """The organisation on receipts in ``locale`` (default: the current language).

    Defaults come from ``wcl/data/organisation.json``; ``ORG_NAME``/``ORG_ADDRESS``
    (English) and ``ORG_NAME_RU``… override them, and a language left unset falls back
    to the English setting, so another organisation's name is never replaced by the lab's.
    """
    locale = locale if locale in ("en", "ru", "ky") else current_locale()
    config = current_app.config
    defaults = organisation()

    def pick(key):
        own = config.get(f"ORG_{key.upper()}_{locale.upper()}") if locale != "en" else None
        return own or config.get(f"ORG_{key.upper()}") or defaults[key].get(locale) or defaults[key]["en"]

    return {
        "name": pick("name"),
        "address": pick("address"),
        "registration": config.get("ORG_REGISTRATION") or "",
    }


def render_receipt_pdf(receipt):
    """The PDF bytes of ``receipt`` in its donor's language (no database change)."""
    from wcl.pdf import render_pdf  # WeasyPrint is slow to load; only this path needs it

    url = verify_url(receipt)
    return render_pdf(
        "receipts/pdf/receipt.html",
        receipt.locale,
        stylesheets=("receipts.css",),
        ua_stylesheet="ua-lean.css",
        xhtml=True,
        receipt=receipt,
        beneficiaries=beneficiaries([receipt.campaign_id])[receipt.campaign_id],
        org=org_details(receipt.locale),
        verify_url=url,
        qr=qr_data_uri(url),
        destination=lab_destination(receipt.campaign_id, receipt.locale),
    )


def render_receipt(receipt_id):
    """Render and store the PDF of a receipt that needs one, then queue its email.

    Idempotent: a receipt whose PDF is current is left alone. Before rendering
    the attempt is recorded and committed with a ``last_error`` marker that only
    a finished render clears, so a render killed by its job timeout stays
    visible to staff. Other errors are recorded and re-raised (RQ retries).
    """
    receipt = _lock_receipt(receipt_id)
    if receipt is None or not receipt.needs_render:
        db.session.rollback()
        return receipt
    receipt.render_attempts += 1
    receipt.last_error = f"render {receipt.render_attempts} did not finish (timeout or crash)"
    db.session.commit()
    voided_at = receipt.voided_at
    try:
        data = render_receipt_pdf(receipt)
    except Exception as exc:
        db.session.rollback()
        receipt = _lock_receipt(receipt_id)
        receipt.last_error = f"render {receipt.render_attempts} failed: {type(exc).__name__}: {exc}"[:500]
        db.session.commit()
        raise
    receipt = _lock_receipt(receipt_id)
    stored = store_bytes(data, "application/pdf", f"receipt-{receipt.display_number}.pdf")
    old = receipt.pdf
    receipt.pdf_id = stored.id
    receipt.rendered_at = utcnow()
    receipt.last_error = None
    # Voided while we rendered: the render job queued by the void runs next.
    receipt.needs_render = receipt.voided_at != voided_at
    db.session.flush()
    if old is not None:
        delete_stored(old)
    record("receipt.rendered", receipt, file_id=stored.id, void=receipt.is_void)
    if receipt.emailed_at is None and receipt.donor_email and not receipt.is_void:
        _enqueue_email(receipt)
    db.session.commit()
    return receipt
