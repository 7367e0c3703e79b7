"""Demo receipts: every paid demo pledge gets its receipt, rendered and emailed.

Idempotent: ``issue_receipt`` returns the existing receipt, and rendering and
emailing skip what is already done.
"""

from wcl.campaigns.models import Pledge, PledgeStatus
from wcl.extensions import db
from wcl.receipts import services


def load():
    pledge_ids = db.session.scalars(
        db.select(Pledge.id).where(Pledge.status == PledgeStatus.PAID).order_by(Pledge.id)
    ).all()
    db.session.rollback()
    issued = []
    for pledge_id in pledge_ids:
        receipt = services.issue_receipt(pledge_id)
        issued.append(receipt.id)
    # In the demo the PDFs are rendered right away, whether or not a worker runs.
    for receipt_id in issued:
        services.render_receipt(receipt_id)
    return [f"receipts: {len(issued)} receipts for paid demo pledges (see /receipts/ as a backer)"]
