"""Outcomes pages: the follow-up answer page (no sign-in), staff pages, open data."""

from flask import Blueprint

bp = Blueprint("outcomes", __name__)

from wcl.outcomes.views import alumni, answer, consent, mapping, opendata, staff  # noqa: E402, F401
