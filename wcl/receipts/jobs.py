"""Background work for receipts, on the "receipts" queue.

Jobs take ids, are idempotent (RQ delivers at least once) and call the
services, which hold the logic. ``issue_receipt`` and ``apply_refund`` are
payment hooks (``wcl.payments.services._common.PAID_HOOKS`` / ``REFUNDED_HOOKS``).
"""

import logging

from wcl.receipts import services

log = logging.getLogger(__name__)


def issue_receipt(pledge_id):
    """Payment hook: give a paid pledge its numbered receipt and queue the PDF.

    Re-running returns the same receipt and number. A pledge refunded in full
    before this ran still gets its number, voided at once (the same result as a
    refund after the receipt). A pledge never paid gets no receipt; that is not
    an error worth retrying.
    """
    try:
        receipt = services.issue_receipt(pledge_id)
    except services.ReceiptError:
        log.info("no receipt for pledge %s: not paid", pledge_id)
        return None
    return receipt.id


def render_receipt(receipt_id):
    """Render the receipt's PDF (in the donor's language), store it, then queue the
    email. Does nothing when the PDF is current. Failures are recorded on the
    receipt and re-raised so RQ retries; a timeout leaves its marker for staff."""
    receipt = services.render_receipt(receipt_id)
    return getattr(receipt, "pdf_id", None)


def email_receipt(receipt_id):
    """Email the donor her receipt PDF; sends at most once per (re-)send request."""
    return services.email_receipt(receipt_id)


def apply_refund(pledge_id):
    """Refund hook: void the receipt of a fully refunded pledge, or amend the
    receipt of a partly refunded one (refunded amount, remaining donation,
    reduced match), and queue its new PDF. Idempotent."""
    receipt = services.apply_refund(pledge_id)
    return getattr(receipt, "id", None)


def render_statement(statement_id):
    """Render a donor's requested annual statement PDF; re-running after success does nothing."""
    statement = services.render_statement(statement_id)
    return getattr(statement, "status", None)
