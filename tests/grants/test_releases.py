"""Tranches are released only when their condition holds, once, with proof; two staff above the limit."""

import hashlib
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from tests.grants.conftest import FUND_SOM, build_world, grant_data, photo
from wcl.accounts.models import User
from wcl.accounts.permissions import PermissionDenied
from wcl.extensions import db
from wcl.files.services import read_bytes
from wcl.grants import services
from wcl.grants.errors import GrantError
from wcl.grants.models import (
    Disbursement,
    FundMovement,
    Grant,
    GrantStatus,
    SpendingStatus,
    Tranche,
    TrancheStatus,
)


def _user(user_id):
    return db.session.get(User, user_id)


def active_grant(world, **overrides):
    """An awarded grant she accepted and staff countersigned; returns its id."""
    grant = services.award_grant(_user(world.staff_id), world.fund_id, grant_data(world, **overrides))
    services.accept_agreement(_user(world.participant_id), grant.id, " aigul  TOKTOSUNOVA ")
    services.countersign(_user(world.staff_id), grant.id)
    return grant.id


def _tranches(grant_id):
    db.session.expire_all()
    return db.session.get(Grant, grant_id).tranches


def _released_lines():
    return db.session.scalar(sa.select(sa.func.count(FundMovement.id)).where(FundMovement.kind == "released"))


def test_acceptance_records_her_name_the_time_and_the_pdfs_hash(world):
    grant = services.award_grant(_user(world.staff_id), world.fund_id, grant_data(world))
    with pytest.raises(GrantError, match="full name"):
        services.accept_agreement(_user(world.participant_id), grant.id, "Someone Else")
    with pytest.raises(PermissionDenied):
        services.accept_agreement(_user(world.outsider_id), grant.id, "Aigul Toktosunova")
    with pytest.raises(GrantError, match="accepted"):
        services.countersign(_user(world.staff_id), grant.id)
    grant = services.accept_agreement(_user(world.participant_id), grant.id, "Aigul Toktosunova")
    assert grant.status == GrantStatus.ACCEPTED and grant.accepted_at is not None
    assert grant.accepted_sha256 == hashlib.sha256(read_bytes(grant.agreement_file)).hexdigest()
    grant = services.countersign(_user(world.staff2_id), grant.id)
    assert grant.status == GrantStatus.ACTIVE and grant.countersigned_by_id == world.staff2_id


def _milestone_progress(world, status):
    db.session.execute(
        sa.text(
            "INSERT INTO cohort_milestone_progress (milestone_id, enrolment_id, status) VALUES (:m, :e, :s)"
        ),
        {"m": world.milestone_id, "e": world.enrolment_id, "s": status},
    )
    db.session.commit()


def test_a_milestone_tranche_waits_for_the_milestone_approved_for_her(world):
    grant_id = active_grant(world)
    first = _tranches(grant_id)[0]
    staff = _user(world.staff_id)
    with pytest.raises(GrantError, match="condition is not met"):
        services.release_tranche(staff, first.id, "bank_transfer", "PP-1", photo())
    with pytest.raises(GrantError, match="not approved"):
        services.confirm_condition(staff, first.id)
    _milestone_progress(world, "submitted")
    with pytest.raises(GrantError, match="condition is not met"):
        services.release_tranche(staff, first.id, "bank_transfer", "PP-1", photo())
    assert db.session.scalar(sa.select(sa.func.count(Disbursement.id))) == 0
    db.session.execute(sa.text("UPDATE cohort_milestone_progress SET status = 'approved'"))
    db.session.commit()
    services.release_tranche(staff, first.id, "bank_transfer", "PP-1", photo())
    assert _tranches(grant_id)[0].disbursement is not None


def test_above_the_limit_a_second_different_staff_member_approves(world, app):
    grant_id = active_grant(world)
    _milestone_progress(world, "approved")
    first = _tranches(grant_id)[0]
    assert services.needs_second_approval(first)  # 60 000 som, above the default 50 000
    staff, staff2 = _user(world.staff_id), _user(world.staff2_id)
    services.release_tranche(staff, first.id, "bank_transfer", "PP-1", photo("slip.jpg"))
    assert _tranches(grant_id)[0].status == TrancheStatus.APPROVED_CONDITION and _released_lines() == 0
    with pytest.raises(GrantError, match="second, different staff member"):
        services.approve_release(staff, first.id)
    assert _released_lines() == 0
    services.approve_release(staff2, first.id)
    tranche = _tranches(grant_id)[0]
    assert tranche.status == TrancheStatus.RELEASED and tranche.disbursement.approved_by_id == world.staff2_id
    with pytest.raises(GrantError, match="already been released"):
        services.approve_release(staff2, first.id)
    assert _released_lines() == 1


def test_a_written_condition_needs_her_evidence_confirmed_and_a_proof(world):
    grant_id = active_grant(world)
    second = _tranches(grant_id)[1]
    her, staff = _user(world.participant_id), _user(world.staff_id)
    with pytest.raises(GrantError, match="condition is not met"):
        services.release_tranche(staff, second.id, "cash", "Cash book p. 4", photo())
    services.submit_evidence(her, second.id, "Ten scarves are made", photo("scarves.jpg"))
    services.confirm_condition(staff, second.id)
    with pytest.raises(GrantError, match="Attach the file"):
        services.release_tranche(staff, second.id, "cash", "Cash book p. 4", None)
    with pytest.raises(GrantError, match="how the money was paid"):
        services.release_tranche(staff, second.id, "cheque", "Cash book p. 4", photo())
    assert db.session.scalar(sa.select(sa.func.count(Disbursement.id))) == 0
    services.release_tranche(staff, second.id, "cash", "Cash book p. 4", photo())  # 20 000 som: one staff
    assert _tranches(grant_id)[1].status == TrancheStatus.RELEASED
    with pytest.raises(GrantError, match="already been released"):
        services.release_tranche(staff, second.id, "cash", "again", photo())
    assert _released_lines() == 1


def test_staff_of_another_lab_cannot_release(world):
    grant_id = active_grant(world)
    second = _tranches(grant_id)[1]
    with pytest.raises(PermissionDenied):
        services.confirm_condition(_user(world.other_staff_id), second.id)


def test_spending_is_reported_against_budget_lines_and_unused_money_returns(world):
    grant_id = active_grant(world)
    her, staff = _user(world.participant_id), _user(world.staff_id)
    second = _tranches(grant_id)[1]
    services.confirm_condition(staff, second.id)
    services.release_tranche(staff, second.id, "mobile_wallet", "MBANK 778", photo())
    grant = db.session.get(Grant, grant_id)
    wool = grant.budget_lines[1]
    with pytest.raises(GrantError, match="Attach the file"):
        services.report_spending(her, grant_id, wool.id, 1_500_000, "Wool from Kochkor", None)
    item = services.report_spending(her, grant_id, wool.id, 1_500_000, "Wool from Kochkor", photo())
    with pytest.raises(GrantError):
        services.review_spending(staff, item.id, approve=False, note="")  # a query needs a note
    services.review_spending(staff, item.id, approve=True)
    assert item.status == SpendingStatus.APPROVED
    with pytest.raises(GrantError, match="at most"):
        services.close_grant(staff, grant_id, unspent_returned=600_000)
    grant = services.close_grant(staff, grant_id, unspent_returned=500_000, note="Wool was cheaper")
    assert grant.status == GrantStatus.CLOSED and grant.returned_amount == 6_000_000 + 500_000
    db.session.expire_all()
    assert services.movement_totals(world.fund_id)["returned"] == 6_500_000
    from wcl.grants.models import GrantFund

    assert db.session.get(GrantFund, world.fund_id).balance == FUND_SOM * 100 - 8_000_000 + 6_500_000


def test_two_staff_releasing_the_same_tranche_at_once_make_one_release(app):
    """Real concurrent connections on PostgreSQL: both threads try the same release."""
    with app.app_context():
        world = build_world()
        grant_id = active_grant(world)
        tranche_id = _tranches(grant_id)[1].id
        services.confirm_condition(_user(world.staff_id), tranche_id)
        staff_ids = [world.staff_id, world.staff2_id] * 3

    def release(staff_id):
        with app.app_context():
            try:
                services.release_tranche(
                    db.session.get(User, staff_id), tranche_id, "cash", "Till 1", photo()
                )
                return True
            except GrantError:
                return False
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=6) as executor:
        results = list(executor.map(release, staff_ids))
    assert results.count(True) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Disbursement.id))) == 1
        assert _released_lines() == 1
        assert db.session.get(Tranche, tranche_id).status == TrancheStatus.RELEASED


def test_two_approvals_at_once_make_one_release(app):
    with app.app_context():
        world = build_world()
        admin_id = world.admin_id
        grant_id = active_grant(world)
        _milestone_progress(world, "approved")
        tranche_id = _tranches(grant_id)[0].id
        services.release_tranche(_user(world.staff_id), tranche_id, "bank_transfer", "PP-9", photo())

    def approve(staff_id):
        with app.app_context():
            try:
                services.approve_release(db.session.get(User, staff_id), tranche_id)
                return True
            except GrantError:
                return False
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=4) as executor:
        results = list(executor.map(approve, [world.staff2_id, admin_id] * 2))
    assert results.count(True) == 1
    with app.app_context():
        assert _released_lines() == 1
