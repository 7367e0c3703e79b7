"""Webhook signatures in Stripe's scheme, written out by hand.

Header: ``Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`` where
hex = HMAC-SHA256(secret, ``"<t>.<raw body>"``). The signature is checked
on the raw bytes as received (never on re-serialised JSON), compared in
constant time, and refused when older (or newer) than the tolerance, so a
captured request cannot be replayed later. The sandbox provider signs its
events with ``sign`` so they pass exactly the same check.
"""

import hashlib
import hmac
import time

DEFAULT_TOLERANCE = 300
SCHEME = "v1"


class SignatureError(ValueError):
    """The signature is missing, malformed, wrong or outside the tolerance."""


def compute(payload, secret, timestamp):
    """Hex HMAC-SHA256 of ``"<timestamp>.<payload>"`` keyed with ``secret``."""
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    signed = str(int(timestamp)).encode("ascii") + b"." + payload
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def sign(payload, secret, timestamp=None):
    """The ``Stripe-Signature`` header value for ``payload``."""
    timestamp = int(time.time() if timestamp is None else timestamp)
    return f"t={timestamp},{SCHEME}={compute(payload, secret, timestamp)}"


def _parse(header):
    timestamp, signatures = None, []
    for item in (header or "").split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise SignatureError("timestamp is not a number") from None
        elif key == SCHEME:
            signatures.append(value)
    if timestamp is None:
        raise SignatureError("no timestamp in the signature header")
    if not signatures:
        raise SignatureError(f"no {SCHEME} signature in the header")
    return timestamp, signatures


def verify(payload, header, secret, tolerance=DEFAULT_TOLERANCE, now=None):
    """Check ``header`` against the raw ``payload``; raises ``SignatureError``.

    Returns the signed timestamp.
    """
    if not secret:
        raise SignatureError("no webhook secret configured")
    timestamp, signatures = _parse(header)
    expected = compute(payload, secret, timestamp)
    # Compare every candidate (Stripe sends several while a secret is rolled).
    if not any(
        hmac.compare_digest(expected.encode("ascii"), s.encode("ascii", "replace")) for s in signatures
    ):
        raise SignatureError("signature does not match")
    now = time.time() if now is None else now
    if tolerance and abs(now - timestamp) > tolerance:
        raise SignatureError("timestamp outside the tolerance")
    return timestamp
