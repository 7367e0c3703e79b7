"""Campaign jobs. Each takes ids, is idempotent and may safely run twice."""

from wcl.campaigns.services import lifecycle, updates


def advance_due_campaigns():
    """Periodic: put scheduled campaigns live at their start and end live ones at their deadline."""
    return lifecycle.advance_due_campaigns()


def email_update(update_id):
    """Email an update to the campaign's backers (queue "emails"); skipped once sent."""
    return updates.email_update(update_id)
