"""Security headers on every response (strict CSP, no framing, no sniffing), and
``Cache-Control: no-store`` on every response to a signed-in person."""

from flask import request
from flask_login import current_user

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'{extra_form_action}"
)


def register(app):
    """Add the headers; Stripe Checkout's host is allowed as a form target when enabled."""
    extra = " https://checkout.stripe.com" if app.config.get("STRIPE_SECRET_KEY") else ""
    policy = CSP.format(extra_form_action=extra)

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if (
            request.endpoint != "static"
            and current_user.is_authenticated
            and "no-store" not in headers.get("Cache-Control", "")
        ):
            # Her pages (profile, reports, donors' names) must not stay in a shared
            # computer's browser cache or a proxy after she signs out. Stylesheets
            # and scripts are the same for everyone and stay cacheable (slow links).
            headers["Cache-Control"] = "private, no-store"
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
