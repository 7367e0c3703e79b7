"""Funds and awards: the ledger never goes negative; bad input is refused with nothing changed."""

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from tests.grants.conftest import FUND_SOM, grant_data
from wcl.accounts.models import User
from wcl.accounts.permissions import PermissionDenied
from wcl.audit.models import AuditEntry
from wcl.extensions import db
from wcl.grants import services
from wcl.grants.errors import GrantError
from wcl.grants.models import FundMovement, Grant, GrantFund, GrantStatus


def _user(user_id):
    return db.session.get(User, user_id)


def _balance(fund_id):
    db.session.expire_all()
    return db.session.get(GrantFund, fund_id).balance


def _state(fund_id):
    db.session.expire_all()
    return (
        _balance(fund_id),
        db.session.scalar(sa.select(sa.func.count(FundMovement.id))),
        db.session.scalar(sa.select(sa.func.count(Grant.id))),
    )


def test_funding_and_an_award_move_the_balance_and_are_audited(world):
    staff = _user(world.staff_id)
    assert _balance(world.fund_id) == FUND_SOM * 100
    grant = services.award_grant(staff, world.fund_id, grant_data(world))
    assert grant.status == GrantStatus.OFFERED and len(grant.tranches) == 2
    assert _balance(world.fund_id) == FUND_SOM * 100 - 8_000_000
    totals = services.movement_totals(world.fund_id)
    assert totals["funded"] == FUND_SOM * 100 and totals["awarded"] == 8_000_000
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"grant_fund.funded", "grant_fund.awarded", "grant.awarded"} <= actions


def _refused(world, call, message_part, field=None):
    before = _state(world.fund_id)
    with pytest.raises(GrantError) as caught:
        call()
    assert message_part in str(caught.value.message)
    if field:
        assert caught.value.field == field
    assert _state(world.fund_id) == before  # nothing changed
    return caught.value


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        ({"amount": -5_000}, "more than zero", "amount"),
        ({"amount": 0}, "more than zero", "amount"),
        ({"currency": "USD"}, "holds KGS only", "currency"),
        (
            {"budget_lines": [{"label": "Wool", "amount": 7_000_000}]},
            "budget lines must add up",
            "budget_lines",
        ),
        ({"tranches": [{"amount": 8_000_000}]}, "needs a condition", "tranches"),
        ({"tranches": [{"amount": 1_000_000, "condition_text": "x"}]}, "tranches must add up", "tranches"),
        ({"purpose": ""}, "Describe what the grant is for", "purpose"),
    ],
)
def test_bad_awards_are_refused_and_change_nothing(world, overrides, message, field):
    staff = _user(world.staff_id)
    _refused(
        world,
        lambda: services.award_grant(staff, world.fund_id, grant_data(world, **overrides)),
        message,
        field,
    )


def test_an_award_above_the_balance_is_refused(world):
    staff = _user(world.staff_id)
    amount = FUND_SOM * 100 + 100
    data = grant_data(
        world,
        amount=amount,
        budget_lines=[{"label": "Everything", "amount": amount}],
        tranches=[{"amount": amount, "condition_text": "Done"}],
    )
    _refused(world, lambda: services.award_grant(staff, world.fund_id, data), "more than that", "amount")


def test_a_recipient_outside_the_funds_lab_is_refused(world):
    staff = _user(world.staff_id)
    data = grant_data(
        world, recipient_id=world.outsider_id, tranches=[{"amount": 8_000_000, "condition_text": "x"}]
    )
    _refused(world, lambda: services.award_grant(staff, world.fund_id, data), "participant or graduate")


@pytest.mark.parametrize(
    ("amount", "currency", "message"), [(-100, "KGS", "more than zero"), (100, "EUR", "KGS only")]
)
def test_bad_funding_is_refused(world, amount, currency, message):
    staff = _user(world.staff_id)
    _refused(world, lambda: services.fund_fund(staff, world.fund_id, amount, currency, "Donor"), message)


def test_the_refusal_is_translated(world):
    staff = _user(world.staff_id)
    with force_locale("ru"):
        with pytest.raises(GrantError) as caught:
            services.fund_fund(staff, world.fund_id, 100, "EUR", "Donor")
        message = str(caught.value.message)
    assert message == "Этот фонд хранит только KGS."


def test_the_database_refuses_a_negative_balance_whatever_the_code_does(world):
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(GrantFund).where(GrantFund.id == world.fund_id).values(balance=-1))
        db.session.commit()
    db.session.rollback()
    assert _balance(world.fund_id) == FUND_SOM * 100


def test_lab_scoped_staff_of_another_lab_may_not_touch_the_fund(world):
    other = _user(world.other_staff_id)
    with pytest.raises(PermissionDenied):
        services.fund_fund(other, world.fund_id, 100, "KGS", "Donor")
    with pytest.raises(PermissionDenied):
        services.award_grant(other, world.fund_id, grant_data(world))
    assert services.funds_for(other) == []
    assert [f.id for f in services.funds_for(_user(world.staff_id))] == [world.fund_id]
    assert [f.id for f in services.funds_for(_user(world.admin_id))] == [world.fund_id]
    assert _balance(world.fund_id) == FUND_SOM * 100


def test_closing_returns_what_was_not_released(world):
    staff = _user(world.staff_id)
    grant = services.award_grant(staff, world.fund_id, grant_data(world))
    grant = services.close_grant(staff, grant.id, note="She moved away")
    assert grant.status == GrantStatus.CANCELLED and grant.returned_amount == 8_000_000
    assert _balance(world.fund_id) == FUND_SOM * 100
    assert services.movement_totals(world.fund_id)["returned"] == 8_000_000
