"""Absolute links for emails, receipts and QR codes, built from WCL_BASE_URL.

Works in jobs, where there is no request to take the host from.
"""

from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint, **values):
    """The public URL of ``endpoint`` under the configured ``BASE_URL``."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def is_web_address(url):
    """Whether ``url`` is a full web address: an http or https scheme and a host."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
