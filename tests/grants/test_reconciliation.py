"""``flask check-ledger`` proves every grant fund's balance equals its movements."""

import sqlalchemy as sa

from tests.grants.conftest import build_world, grant_data
from wcl.accounts.models import User
from wcl.core.ledger import check_ledger
from wcl.extensions import db
from wcl.grants import services
from wcl.grants.models import GrantFund


def test_the_ledger_of_a_busy_fund_is_whole_and_a_tampered_balance_is_found(app):
    with app.app_context():
        world = build_world()
        staff = db.session.get(User, world.staff_id)
        grant = services.award_grant(staff, world.fund_id, grant_data(world))
        services.close_grant(staff, grant.id)
        problems = check_ledger()
        assert problems["grant funds"] == [] and problems["grants"] == []
        db.session.execute(sa.update(GrantFund).values(balance=GrantFund.balance + 1))
        db.session.commit()
        found = check_ledger()["grant funds"]
        assert len(found) == 1 and f"grant fund {world.fund_id}" in found[0]
    result = app.test_cli_runner().invoke(args=["check-ledger"])
    assert result.exit_code == 1 and "grant funds: 1 problem(s)" in result.output
