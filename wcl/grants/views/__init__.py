"""The grants blueprint: staff pages (``manage``) and the recipient's "My grant" (``mine``)."""

from flask import Blueprint

bp = Blueprint("grants", __name__, url_prefix="/grants")

from wcl.grants.views import manage, mine  # noqa: E402,F401  (routes register on bp)
