"""The grants demo: a funded grant with one tranche released and one waiting on evidence; the ledger is whole."""

from wcl.accounts.demo import demo_user
from wcl.core.ledger import check_ledger
from wcl.demo import DEMO_LOADERS, load_demo
from wcl.extensions import db
from wcl.grants.models import Grant, GrantStatus, TrancheStatus


def test_demo_grant_and_reconciliation(app_ctx):
    assert "wcl.grants.demo.load" in DEMO_LOADERS
    load_demo()
    grant = db.session.scalar(db.select(Grant))
    assert grant.recipient_id == demo_user("participant@wcl.example").id
    assert grant.status == GrantStatus.ACTIVE and grant.fund.balance == 100_000_000 - 6_000_000
    assert [t.status for t in grant.tranches] == [TrancheStatus.RELEASED, TrancheStatus.WAITING]
    assert grant.tranches[0].disbursement.proof_file_id is not None
    assert all(problems == [] for problems in check_ledger().values()), check_ledger()
    again = load_demo()  # idempotent
    assert any("already loaded" in line for line in again if line.startswith("Grants"))
    assert db.session.scalar(db.select(db.func.count(Grant.id))) == 1
