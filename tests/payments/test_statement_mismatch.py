# ruff: noqa: F811 (the ``bank`` fixture is shared with test_statements)
"""Over- and under-payments found in a statement: a person decides, and every decision is audited.

An over-payment may be accepted for the pledge's amount: the line is split, the
pledge is paid, and the excess is listed as an open line of its own for staff to
refund or assign. An under-payment stays open until staff accept it as a partial
payment (the pledge becomes the amount received, if its reward still allows it).
"""

import re

import pytest
import sqlalchemy as sa

from tests.factories.accounts import PASSWORD
from tests.helpers import login, post_form
from tests.payments.statement_samples import csv_statement
from tests.payments.test_statements import DAY, bank, import_now, make_pledge  # noqa: F401 (fixture)
from wcl.audit.models import AuditEntry
from wcl.campaigns.models import Pledge, RewardTier
from wcl.extensions import db
from wcl.payments.errors import PaymentError
from wcl.payments.models import StatementLine
from wcl.payments.services import statements


def _staff(bank):
    from tests.factories.accounts import UserFactory

    return db.session.get(UserFactory._meta.model, bank["staff"])


def _lines(statement_id):
    return db.session.scalars(
        sa.select(StatementLine).where(StatementLine.statement_id == statement_id).order_by(StatementLine.id)
    ).all()


def _actions():
    return db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()


def test_an_overpayment_is_accepted_for_the_pledge_amount_and_the_excess_listed(app, bank):
    with app.app_context():
        pledge_id, ref = make_pledge(bank["campaign"], amount=200_000)
        data = csv_statement([(DAY, 250_000, "KGS", ref, "Asel", "1")])
        statement = import_now(bank, data)
        [line] = _lines(statement.id)
        assert (line.status, line.reason, line.pledge_id) == ("open", "overpaid", pledge_id)
        statements.accept_line(_staff(bank), line.id)
        pledge = db.session.get(Pledge, pledge_id)
        assert (pledge.status, pledge.amount) == ("paid", 200_000)
        applied, excess = _lines(statement.id)
        assert (applied.status, applied.amount, applied.pledge_id) == ("assigned", 200_000, pledge_id)
        assert (excess.status, excess.reason, excess.amount, excess.currency) == (
            "open",
            "excess",
            50_000,
            "KGS",
        )
        assert excess.booked_on == applied.booked_on and excess.payer == applied.payer
        assert applied.amount + excess.amount == 250_000  # the statement still adds up
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "statement_line.overpayment_accepted")
        )
        assert entry.data["received"] == 250_000 and entry.data["excess"] == 50_000
        assert entry.data["excess_line_id"] == excess.id and entry.actor_id == bank["staff"]
        # The excess is a person's to resolve: refunded here (or assigned to another pledge).
        statements.refund_line(_staff(bank), excess.id)
        assert db.session.get(StatementLine, excess.id).status == "refunded"
        # Importing the same statement again changes nothing.
        before = (len(_lines(statement.id)), _actions().count("pledge.paid"))
        again = import_now(bank, data)
        assert (again.new_lines, again.duplicate_lines) == (0, 1)
        assert (len(_lines(statement.id)), _actions().count("pledge.paid")) == before
        # Accepting twice is refused.
        with pytest.raises(PaymentError):
            statements.accept_line(_staff(bank), applied.id)


def test_an_underpayment_stays_open_until_staff_accept_it_as_partial(app, bank):
    with app.app_context():
        pledge_id, ref = make_pledge(bank["campaign"], amount=300_000, tier_id=bank["tier"])
        statement = import_now(bank, csv_statement([(DAY, 250_000, "KGS", ref, "Asel", "1")]))
        [line] = _lines(statement.id)
        assert (line.status, line.reason) == ("open", "underpaid")
        assert db.session.get(Pledge, pledge_id).status == "pending"  # kept open: nothing applied
        statements.accept_line(_staff(bank), line.id)
        pledge = db.session.get(Pledge, pledge_id)
        assert (pledge.status, pledge.amount, pledge.tier_id) == ("paid", 250_000, bank["tier"])
        line = db.session.get(StatementLine, line.id)
        assert (line.status, line.amount, line.resolved_by_id) == ("assigned", 250_000, bank["staff"])
        assert len(_lines(statement.id)) == 1
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "statement_line.underpayment_accepted")
        )
        assert (entry.data["pledged"], entry.data["received"]) == (300_000, 250_000)
        reduced = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "pledge.amount_reduced"))
        assert (reduced.data["previous"], reduced.data["amount"]) == (300_000, 250_000)
        assert db.session.get(RewardTier, bank["tier"]).held == 1


def test_an_underpayment_below_the_reward_minimum_cannot_be_accepted(app, bank):
    with app.app_context():
        pledge_id, ref = make_pledge(bank["campaign"], amount=150_000, tier_id=bank["tier"])
        statement = import_now(bank, csv_statement([(DAY, 90_000, "KGS", ref, "Asel", "1")]))
        [line] = _lines(statement.id)
        before = _actions()
        with pytest.raises(PaymentError, match="reward"):
            statements.accept_line(_staff(bank), line.id)
        assert db.session.get(Pledge, pledge_id).status == "pending"
        assert db.session.get(Pledge, pledge_id).amount == 150_000
        assert db.session.get(StatementLine, line.id).status == "open" and _actions() == before


def test_only_over_and_under_payments_can_be_accepted(app, bank):
    with app.app_context():
        statement = import_now(bank, csv_statement([(DAY, 70_000, "KGS", "gift", "B", "1")]))
        [line] = _lines(statement.id)
        with pytest.raises(PaymentError):
            statements.accept_line(_staff(bank), line.id)
        assert db.session.get(StatementLine, line.id).status == "open"


def test_staff_accept_an_overpayment_from_the_statement_page(app, client, bank):
    with app.app_context():
        pledge_id, ref = make_pledge(bank["campaign"], amount=200_000)
        statement = import_now(bank, csv_statement([(DAY, 250_000, "KGS", ref, "Asel", "1")]))
        [line] = _lines(statement.id)
        statement_id, line_id = statement.id, line.id
    login(client, "osh@example.org", PASSWORD)
    location = f"/payments/statements/{statement_id}"
    page = client.get(location).get_data(as_text=True)
    assert "More than the pledge" in page, re.sub(r"\s+", " ", page)[-3000:]
    assert "Accept for the pledge" in page, re.findall(r"Accept[^<]*", page)
    accept = f"{location}/lines/{line_id}/accept"
    post_form(client, accept, {}, get_path=location)  # not confirmed: nothing happens
    with app.app_context():
        assert db.session.get(Pledge, pledge_id).status == "pending"
    post_form(client, accept, {"confirm": "yes"}, get_path=location)
    page = client.get(location).get_data(as_text=True)
    assert "Excess over a pledge: refund or assign it" in page
    with app.app_context():
        assert db.session.get(Pledge, pledge_id).status == "paid"
