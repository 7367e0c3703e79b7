"""Shared form pieces: a money field and safe ``next`` redirects."""

from urllib.parse import urljoin, urlsplit

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import StringField

from wcl.money import DEFAULT_CURRENCY, MoneyError, parse_amount


class MoneyField(StringField):
    """A text input parsed into integer minor units (``.data`` is an int)."""

    def __init__(self, label=None, validators=None, currency=DEFAULT_CURRENCY, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)
        self.currency = currency
        self.raw_text = ""

    def process_formdata(self, valuelist):
        self.raw_text = valuelist[0] if valuelist else ""
        if not self.raw_text.strip():
            self.data = None
            return
        try:
            self.data = parse_amount(self.raw_text, self.currency)
        except MoneyError as exc:
            self.data = None
            raise ValueError(str(exc)) from None

    def _value(self):
        if self.raw_text:
            return self.raw_text
        if isinstance(self.data, int):
            from wcl.money import to_major

            return str(to_major(self.data, self.currency).normalize())
        return ""


def is_safe_next(target):
    """Only same-site relative paths are followed after login (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(urljoin(request.host_url, target))
    return parts.scheme in ("http", "https") and parts.netloc == urlsplit(request.host_url).netloc


def safe_next(default):
    """The ``next`` parameter if safe, else ``default``."""
    target = request.values.get("next")
    return target if is_safe_next(target) else default


REQUIRED = _l("This field is required.")
