"""What the Ashar services share: refusing, locking, checking amounts and text (flush only)."""

import re

from flask_babel import lazy_gettext as _l

from wcl.ashar.errors import AsharError
from wcl.campaigns.pledging import max_amount
from wcl.locks import lock_or_refuse
from wcl.text import one_line as one_line_text

# Community projects, municipal matches and in-kind values are in som.
CURRENCY = "KGS"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


refuse = AsharError.refuse


def get_locked(model, row_id, missing):
    """The row locked ``FOR UPDATE`` (re-read), or a refusal with ``missing``."""
    return lock_or_refuse(model, row_id, refuse, missing)


def check_amount(amount, currency, field="amount"):
    """A positive whole number of tyiyn in som, within the platform's limit."""
    if currency != CURRENCY:
        refuse(_l("Community projects are counted in som (KGS) only."), "currency")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        refuse(_l("The amount must be more than zero."), field)
    if amount > max_amount(currency):
        refuse(_l("This amount is too large."), field)
    return amount


def one_line(text, limit, field, required=True):
    """``text`` on one line, normalised; refused when required and empty, or too long."""
    return one_line_text(text, limit, field, refuse, required)


def email_address(text, field, required=False):
    text = (text or "").strip()
    if not text:
        if required:
            refuse(_l("This field is required."), field)
        return None
    if len(text) > 254 or not EMAIL.match(text):
        refuse(_l("Enter a valid email address, like name@example.com."), field)
    return text
