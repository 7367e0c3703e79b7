"""The hand-written Stripe-scheme verifier."""

import hashlib
import hmac

import pytest

from wcl.payments.signatures import SignatureError, sign, verify

SECRET = "whsec_test"
BODY = b'{"id":"evt_1","type":"checkout.session.completed"}'


def test_matches_stripes_scheme():
    header = sign(BODY, SECRET, timestamp=1_700_000_000)
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"
    assert verify(BODY, header, SECRET, now=1_700_000_100) == 1_700_000_000


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "garbage",
        "t=abc,v1=00",
        "t=1700000000",
        "v1=" + "0" * 64,
        "t=1700000000,v1=" + "0" * 64,
        "t=1700000000,v0=" + "0" * 64,
    ],
)
def test_bad_headers_are_refused(header):
    with pytest.raises(SignatureError):
        verify(BODY, header, SECRET, now=1_700_000_000)


def test_body_changed_after_signing_is_refused():
    header = sign(BODY, SECRET, timestamp=1_700_000_000)
    with pytest.raises(SignatureError):
        verify(BODY + b" ", header, SECRET, now=1_700_000_000)
    with pytest.raises(SignatureError):
        verify(BODY, header, "whsec_other", now=1_700_000_000)


def test_tolerance_both_ways():
    header = sign(BODY, SECRET, timestamp=1_700_000_000)
    assert verify(BODY, header, SECRET, now=1_700_000_300)
    with pytest.raises(SignatureError, match="tolerance"):
        verify(BODY, header, SECRET, now=1_700_000_301)
    with pytest.raises(SignatureError, match="tolerance"):
        verify(BODY, header, SECRET, now=1_699_999_699)


def test_any_of_several_signatures_may_match():
    good = sign(BODY, SECRET, timestamp=1_700_000_000)
    header = f"t=1700000000,v1={'f' * 64},{good.split(',')[1]}"
    assert verify(BODY, header, SECRET, now=1_700_000_000)
