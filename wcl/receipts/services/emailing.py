"""Emailing the donor her receipt, once, with a link that works without an account."""

from wcl.accounts.tokens import GUEST_LINK, make_token
from wcl.audit.services import record
from wcl.extensions import db
from wcl.files.services import read_bytes
from wcl.links import absolute_url
from wcl.mail import render_email, send
from wcl.receipts.services._common import _lock_receipt
from wcl.receipts.services.rendering import verify_url
from wcl.time import utcnow


def guest_link(receipt):
    """A signed download link for the donor's email (works without an account)."""
    return absolute_url("receipts.guest_download", token=make_token(GUEST_LINK, {"receipt": receipt.id}))


def email_receipt(receipt_id):
    """Email the donor her receipt with the PDF attached, once.

    Idempotent: ``emailed_at`` is set in the same transaction as the send, so a
    re-run after success does nothing (staff re-send by clearing it first).
    """
    receipt = _lock_receipt(receipt_id)
    if receipt is None or receipt.emailed_at is not None or not receipt.donor_email or receipt.pdf is None:
        db.session.rollback()
        return False
    link = absolute_url("receipts.mine") if receipt.backer_id else guest_link(receipt)
    message = render_email(
        "receipts/receipt",
        receipt.locale,
        name=receipt.donor_name,
        number=receipt.display_number,
        title=receipt.campaign_title,
        # The donation the PDF states: net of a partial refund made before it was issued.
        amount=receipt.donated_amount,
        paid=receipt.amount,
        refunded=receipt.refunded_amount if receipt.is_partly_refunded else 0,
        void=receipt.is_void,  # staff may re-send a receipt that was voided since
        currency=receipt.currency,
        link=link,
        verify=verify_url(receipt),
    )
    message["to"] = receipt.donor_email
    message["template"] = "receipts/receipt"
    send(message, [(receipt.pdf.original_name, "application/pdf", read_bytes(receipt.pdf))])
    receipt.emailed_at = utcnow()
    record("receipt.emailed", receipt)
    db.session.commit()
    return True
