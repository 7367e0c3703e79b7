"""Demo info pages: the default texts stored as rows staff can edit."""

from wcl.core.info_pages import store_defaults


def load():
    """Store the info pages (idempotent)."""
    made = store_defaults()
    return [f"info pages: {made} stored"] if made else []
