"""Campaign pages, one blueprint (``campaigns``) in two rooms, as indico separates them:
``display`` (what anyone may see, and "my pledges") and ``manage`` (creators and staff).

The pledge form at ``/campaigns/<slug>/pledge`` is served by payments (``payments.pledge``):
campaigns never import payments.
"""

from flask import Blueprint

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")

from wcl.campaigns.views import display, manage  # noqa: E402, F401  (importing them registers the routes)
