"""The receipts demo loader: every paid demo pledge gets one rendered receipt, idempotently."""

from wcl.campaigns.models import Pledge
from wcl.demo import load_demo
from wcl.extensions import db
from wcl.receipts.models import Receipt


def test_demo_issues_a_receipt_per_paid_pledge_and_runs_twice(app_ctx):
    lines = load_demo()
    assert any(line.startswith("receipts:") for line in lines)
    paid = db.session.scalar(db.select(db.func.count(Pledge.id)).where(Pledge.status == "paid"))
    receipts = db.session.scalars(db.select(Receipt).order_by(Receipt.number)).all()
    # and three to the lab's own campaign, three to the Ashar footbridge (matched 1:1)
    assert len(receipts) == paid == 8 + 3 + 3
    assert all(r.pdf_id is not None for r in receipts)
    assert [r.number for r in receipts] == list(range(1, 15))
    assert sum(r.matched_amount for r in receipts) == 650_000 + 1_750_000
    load_demo()
    assert db.session.scalar(db.select(db.func.count(Receipt.id))) == 14
