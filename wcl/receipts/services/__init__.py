"""Receipts: issue (numbered once), render, email, void, verify, statements, register.

Public functions are units of work (one commit at the end); helpers flush.
Issuing and rendering are separate steps: the number is taken in the short
transaction that creates the row, and the slow PDF render happens in a job
(``wcl.receipts.jobs.render_receipt``) that can fail, time out and be
retried without ever touching the number.

- ``_common``: job names and limits, row locks, what a receipt copies from its pledge
- ``issuing``: issue, void, amend after a refund
- ``rendering``: the PDF and its verification link and QR code
- ``emailing``: the donor's email with the PDF, once
- ``reading``: a receipt by code, a donor's own, a guest link
- ``statements``: a donor's annual statement
- ``register``: staff register, CSV, re-send, re-render

The names below are re-exported for callers; patch a function in the module that defines it.
"""

from wcl.receipts.errors import ReceiptError
from wcl.receipts.services._common import (
    EMAIL_JOB,
    EMAIL_TIMEOUT,
    GUEST_LINK_MAX_AGE,
    PAYMENT_METHODS,
    PER_PAGE,
    RENDER_JOB,
    RENDER_TIMEOUT,
    STATEMENT_JOB,
    receipt_for_pledge_id,
    receipt_year,
)
from wcl.receipts.services.emailing import (
    email_receipt,
    guest_link,
)
from wcl.receipts.services.issuing import (
    amend_receipt,
    apply_refund,
    issue_receipt,
    void_receipt,
)
from wcl.receipts.services.reading import (
    guest_link_for_pledge,
    pdf_bytes,
    receipt_by_code,
    receipt_for,
    receipt_for_users_pledge,
    receipt_from_guest_token,
    receipts_for_user,
    years_for_user,
)
from wcl.receipts.services.register import (
    CSV_COLUMNS,
    failed_render_jobs,
    regenerate_receipts,
    register,
    register_csv,
    register_filters,
    resend_receipt,
)
from wcl.receipts.services.rendering import (
    org_details,
    qr_data_uri,
    render_receipt,
    render_receipt_pdf,
    verify_url,
)
from wcl.receipts.services.statements import (
    annual_statement,
    render_statement,
    request_statement,
    statement_for,
)

__all__ = [
    "ReceiptError",
    "RENDER_JOB",
    "EMAIL_JOB",
    "STATEMENT_JOB",
    "RENDER_TIMEOUT",
    "EMAIL_TIMEOUT",
    "GUEST_LINK_MAX_AGE",
    "PAYMENT_METHODS",
    "PER_PAGE",
    "receipt_year",
    "receipt_for_pledge_id",
    "issue_receipt",
    "void_receipt",
    "amend_receipt",
    "apply_refund",
    "verify_url",
    "qr_data_uri",
    "org_details",
    "render_receipt_pdf",
    "render_receipt",
    "guest_link",
    "guest_link_for_pledge",
    "email_receipt",
    "receipt_by_code",
    "receipts_for_user",
    "years_for_user",
    "receipt_for",
    "receipt_for_users_pledge",
    "receipt_from_guest_token",
    "pdf_bytes",
    "annual_statement",
    "request_statement",
    "render_statement",
    "statement_for",
    "register",
    "register_filters",
    "CSV_COLUMNS",
    "register_csv",
    "resend_receipt",
    "regenerate_receipts",
    "failed_render_jobs",
]
