"""What a stored webhook outcome means, in the reader's language.

The inbox stores each event's outcome as a short, stable English phrase
(``paid (matched 5000)``, ``ignored: unknown pledge``): logs, the CLI and the
reconciliation code match on those phrases, so they stay as they are. Staff read
them on the inbox page through :func:`describe`, which maps each known phrase
to a translated sentence; a phrase it does not know is shown as written, so a
new handler's outcome is never hidden.
"""

import json
import re

from flask_babel import lazy_gettext as _l

from wcl.money import format_money

# A pledge status named inside an outcome ("ignored: pledge already paid").
_STATUS = {
    "pending": _l("Waiting for payment"),
    "paid": _l("Paid"),
    "refunded": _l("Refunded"),
    "failed": _l("Payment failed"),
    "expired": _l("Expired"),
}

# (pattern, message). Amounts in the phrases are minor units of the pledge's currency.
_PHRASES = [
    (r"paid \(matched (?P<matched>\d+)\)", _l("Paid; matched from a pool: %(matched)s")),
    (
        r"paid \(matched (?P<matched>\d+)\), then refunded (?P<amount>\d+)",
        _l("Paid; matched from a pool: %(matched)s; then refunded: %(amount)s"),
    ),
    (r"refunded (?P<amount>\d+)", _l("Refunded: %(amount)s")),
    (
        r"ignored: pledge already (?P<status>\w+)",
        _l("Ignored: the pledge is already in the state “%(status)s”"),
    ),
    (r"ignored: unknown pledge", _l("Ignored: no such pledge")),
    (r"ignored: type (?P<type>[\w.]+)", _l("Ignored: this event type is not used")),
    (r"ignored: not a refund", _l("Ignored: not a refund")),
    (r"ignored: refund already recorded", _l("Ignored: the refund is already recorded")),
    (r"ignored: no refunds listed", _l("Ignored: no refunds listed")),
    (r"ignored: dispute already flagged", _l("Ignored: the dispute is already flagged")),
    (r"ignored: payment intent is not the pledge's", _l("Ignored: the payment belongs to another pledge")),
    (r"ignored: already polled", _l("Ignored: already checked with the provider")),
    (r"ignored: unknown statement line", _l("Ignored: no such statement line")),
    (r"ignored: statement line already (?P<line>\w+)", _l("Ignored: the statement line is already handled")),
    (r"ignored: unknown reference", _l("Ignored: unknown payment reference")),
    (
        r"rejected: amount or currency differs from the pledge",
        _l("Rejected: the amount or currency differs from the pledge"),
    ),
    (
        r"rejected: checkout session is not the pledge's",
        _l("Rejected: the payment belongs to another pledge"),
    ),
    (r"rejected: invoice is not the pledge's", _l("Rejected: the payment belongs to another pledge")),
    (
        r"rejected: a (?P<mode>live|test)-mode event, but the key is in the other mode",
        _l("Rejected: the event is from the other mode (live or test) than the key"),
    ),
    (
        r"error: payment for a (?P<status>\w+) pledge needs a refund",
        _l("Needs a refund: payment for a pledge in the state “%(status)s”"),
    ),
    (
        r"error: refund exceeds what is left of the pledge",
        _l("Refused: the refund exceeds what is left of the pledge"),
    ),
    (r"waiting: payment not settled yet", _l("Waiting: the payment is not settled yet")),
    (r"recorded: refund before payment", _l("Recorded: a refund that came before its payment")),
    (
        r"recorded: refund of a (?P<status>\w+) pledge",
        _l("Recorded: a refund of a pledge in the state “%(status)s”"),
    ),
    (r"recorded: refund (?P<refund>\w+)", _l("Recorded: the refund's state changed")),
    (r"recorded: payment attempt failed", _l("Recorded: a payment attempt failed")),
    (r"flagged: dispute", _l("Flagged: the backer's bank opened a dispute")),
]
_COMPILED = [(re.compile(pattern + r"\Z"), message) for pattern, message in _PHRASES]


def _describe_one(phrase, currency):
    for pattern, message in _COMPILED:
        match = pattern.match(phrase)
        if match is None:
            continue
        values = {}
        for key, value in match.groupdict().items():
            if key in ("matched", "amount"):
                values[key] = format_money(int(value), currency)
            elif key == "status":
                values[key] = _STATUS.get(value, value)
            else:
                values[key] = value
        return str(message) % values if values else str(message)
    return phrase


def describe(outcome, currency="KGS"):
    """The translated sentence for a stored ``outcome`` (several phrases joined by ``; `` each translated).

    ``currency`` formats the amounts the phrases carry; unknown phrases come back unchanged.
    """
    if not outcome:
        return ""
    return "; ".join(_describe_one(part.strip(), currency) for part in outcome.split("; "))


def describe_event(event):
    """:func:`describe` for a stored :class:`~wcl.payments.models.WebhookEvent`, in its payload's currency."""
    try:
        obj = (json.loads(event.payload).get("data") or {}).get("object") or {}
        currency = str(obj.get("currency") or "KGS").upper()
    except (ValueError, AttributeError):
        currency = "KGS"
    return describe(event.outcome, currency)
