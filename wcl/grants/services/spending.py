"""Her spending report: what she bought against each budget line, with receipt photos; staff approve or query."""

from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure
from wcl.audit.services import record
from wcl.extensions import db
from wcl.grants.models import GrantBudgetLine, GrantStatus, SpendingItem, SpendingStatus
from wcl.grants.services._common import check_amount, get_locked, lock_grant, one_line, refuse, save_document
from wcl.time import utcnow


def report_spending(actor, grant_id, budget_line_id, amount, description, receipt):
    """She reports one purchase against a budget line of her grant, with a photo of the receipt."""
    grant = lock_grant(grant_id)
    ensure("grants.receive", grant, user=actor)
    if grant.status != GrantStatus.ACTIVE:
        refuse(_l("Spending is reported on an active grant."))
    line = db.session.get(GrantBudgetLine, budget_line_id) if isinstance(budget_line_id, int) else None
    if line is None or line.grant_id != grant.id:
        refuse(_l("Choose one of your grant's budget lines."), "budget_line_id")
    check_amount(amount, grant.currency)
    description = one_line(description, 300, "description")
    stored = save_document(receipt, actor, "receipt")
    item = SpendingItem(
        grant_id=grant.id,
        budget_line_id=line.id,
        amount=amount,
        description=description,
        receipt_file_id=stored.id,
    )
    db.session.add(item)
    db.session.flush()
    record("grant.spending_reported", grant, actor=actor, item_id=item.id, amount=amount)
    db.session.commit()
    return item


def review_spending(actor, item_id, approve, note=None):
    """Staff approve a spending item, or query it with a note she reads."""
    item = get_locked(SpendingItem, item_id, _l("This spending item does not exist."))
    ensure("grants.manage", item, user=actor)
    note = one_line(note, 500, "note", required=not approve)
    item.status = SpendingStatus.APPROVED if approve else SpendingStatus.QUERIED
    item.staff_note = note
    item.reviewed_by_id = actor.id
    item.reviewed_at = utcnow()
    record(f"grant.spending_{item.status}", item.grant, actor=actor, item_id=item.id)
    db.session.commit()
    return item
