"""Signed, expiring tokens for email verification and password reset."""

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

VERIFY_EMAIL = "verify-email"
RESET_PASSWORD = "reset-password"
GUEST_LINK = "guest-link"


class TokenError(Exception):
    """The token is tampered with, expired or for another purpose."""

    def __init__(self, expired=False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(purpose):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"wcl-{purpose}")


def make_token(purpose, payload):
    """Sign ``payload`` (plain data) for ``purpose``."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose, token, max_age):
    """Return the payload, or raise ``TokenError`` (expired or invalid)."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenError(expired=True) from None
    except BadSignature:
        raise TokenError() from None
