"""Grant funds: staff open a lab's fund and add donors' allocations to it."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from wcl.accounts.permissions import ensure, lab_scope
from wcl.audit.services import record
from wcl.extensions import db
from wcl.grants.models import FundMovement, GrantFund, MovementKind
from wcl.grants.services._common import check_amount, check_currency, lock_fund, move, one_line, refuse
from wcl.labs.models import Lab
from wcl.money import CURRENCIES


def create_fund(actor, lab_id, name, currency):
    """Open a grant fund for a lab (staff of that lab, or unscoped staff); it starts empty."""
    lab = db.session.get(Lab, lab_id) if isinstance(lab_id, int) else None
    if lab is None:
        refuse(_l("Choose a lab."), "lab_id")
    fund = GrantFund(
        lab_id=lab.id, name=one_line(name, 120, "name"), currency=currency, created_by_id=actor.id
    )
    ensure("grants.manage", fund, user=actor)
    if currency not in CURRENCIES:
        refuse(_l("This currency is not accepted."), "currency")
    db.session.add(fund)
    db.session.flush()
    record("grant_fund.created", fund, actor=actor, lab_id=lab.id, currency=currency)
    db.session.commit()
    return fund


def fund_fund(actor, fund_id, amount, currency, source, note=None):
    """Add a donor's allocation to a fund (a ``funded`` movement); returns the movement.

    Refused, with nothing changed, for an amount that is not positive or is in
    another currency than the fund's.
    """
    fund = lock_fund(fund_id)
    ensure("grants.manage", fund, user=actor)
    check_currency(currency, fund)
    check_amount(amount, fund.currency)
    source = one_line(source, 120, "source")
    note = one_line(note, 300, "note", required=False)
    movement = move(fund, MovementKind.FUNDED, amount, actor, note=note, source=source)
    db.session.commit()
    return movement


def funds_for(user):
    """The funds ``user`` may manage (staff scoped to a lab: her lab's), by name."""
    ensure("grants.manage", user=user)
    stmt = (
        db.select(GrantFund).options(sa.orm.joinedload(GrantFund.lab)).order_by(GrantFund.name, GrantFund.id)
    )
    return db.session.scalars(lab_scope(stmt, user, GrantFund.lab_id)).all()


def ledger(fund, page=1, per_page=50):
    """A fund's movements, newest first (paginated)."""
    stmt = (
        db.select(FundMovement)
        .where(FundMovement.fund_id == fund.id)
        .order_by(FundMovement.created_at.desc(), FundMovement.id.desc())
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def movement_totals(fund_id):
    """``{kind: total}`` of a fund's movements (0 for a kind with none)."""
    rows = db.session.execute(
        db.select(FundMovement.kind, sa.func.sum(FundMovement.amount))
        .where(FundMovement.fund_id == fund_id)
        .group_by(FundMovement.kind)
    ).all()
    totals = dict.fromkeys(MovementKind.ALL, 0)
    totals.update({kind: int(total) for kind, total in rows})
    return totals
