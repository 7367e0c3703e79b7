"""Statement import: each format, exact matches through the inbox, re-import and concurrent imports."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories.accounts import UserFactory
from tests.factories.campaigns import RewardTierFactory, campaign_in_lab
from tests.factories.payments import BankAccountFactory
from tests.factories.programme import LabFactory
from tests.payments.statement_samples import MAPPING, WRITERS, csv_statement
from wcl.audit.models import AuditEntry
from wcl.campaigns.models import Pledge
from wcl.campaigns.pledging import new_pledge
from wcl.extensions import db
from wcl.payments.models import BankStatement, StatementLine, WebhookEvent
from wcl.payments.references import ALPHABET, check_character
from wcl.payments.services import bank_transfer, statements
from wcl.receipts.models import Receipt
from wcl.time import utcnow

DAY = utcnow().date()


def make_pledge(campaign_id, amount=150_000, name="Asel Usenova", tier_id=None):
    pledge = new_pledge(
        campaign_id,
        amount=amount,
        currency="KGS",
        provider="bank_transfer",
        name=name,
        email="asel@example.org",
        tier_id=tier_id,
    )
    bank_transfer.assign_reference(pledge)
    db.session.commit()
    return pledge.id, pledge.provider_ref


@pytest.fixture
def bank(app):
    with app.app_context():
        lab = LabFactory(slug="osh")
        campaign = campaign_in_lab(lab, slug="felt")
        tier = RewardTierFactory(campaign=campaign, min_amount=100_000, quantity=5)
        account = BankAccountFactory(lab=lab, csv_mapping=MAPPING)
        staff = UserFactory(email="osh@example.org", roles=["staff"], lab_id=lab.id)
        return {"campaign": campaign.id, "tier": tier.id, "account": account.id, "staff": staff.id}


def upload(bank, data, name="statement.csv"):
    actor = db.session.get(UserFactory._meta.model, bank["staff"])
    return statements.upload_statement(actor, bank["account"], name, data).id


def import_now(bank, data, name="statement.csv"):
    statement_id = upload(bank, data, name)
    assert statements.import_statement(statement_id) == "done"
    return db.session.get(BankStatement, statement_id)


def counts():
    return (
        db.session.scalar(sa.select(sa.func.count(StatementLine.id))),
        db.session.scalar(sa.select(sa.func.count(Pledge.id)).where(Pledge.status == "paid")),
        db.session.scalar(sa.select(sa.func.count(AuditEntry.id))),
        db.session.scalar(sa.select(sa.func.count(WebhookEvent.id))),
    )


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_each_format_pays_the_pledge_its_line_names(app, bank, fmt, run_jobs):
    with app.app_context():
        pledge_id, ref = make_pledge(bank["campaign"], tier_id=bank["tier"])
        other_id, _other = make_pledge(bank["campaign"], amount=99_000, name="Nobody")
        lines = [
            (DAY, 150_000, "KGS", f"Оплата по {ref} felt", "Asel Usenova", "D-1"),
            (DAY, -20_000, "KGS", "Bank fee", "", "D-2"),
            (DAY + timedelta(days=1), 50_000, "KGS", "donation", "Someone", "D-3"),
        ]
        statement_id = upload(bank, WRITERS[fmt](lines), f"s.{fmt}")
        assert db.session.get(BankStatement, statement_id).format == fmt
    run_jobs()
    with app.app_context():
        statement = db.session.get(BankStatement, statement_id)
        assert (statement.status, statement.total_lines, statement.matched_lines) == ("done", 3, 1)
        pledge = db.session.get(Pledge, pledge_id)
        assert pledge.status == "paid" and db.session.get(Pledge, other_id).status == "pending"
        by_position = {line.amount: line for line in db.session.scalars(sa.select(StatementLine))}
        assert by_position[150_000].status == "matched" and by_position[150_000].pledge_id == pledge_id
        assert by_position[-20_000].status == "debit"
        assert (by_position[50_000].status, by_position[50_000].reason) == ("open", "no_reference")
        event = db.session.scalar(sa.select(WebhookEvent))
        assert (event.provider, event.type, event.outcome[:4]) == (
            "bank_transfer",
            "bank_transfer.credit",
            "paid",
        )
        paid = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "pledge.paid"))
        assert paid.data["source"] == "statement"
        receipt = db.session.scalar(sa.select(Receipt).where(Receipt.pledge_id == pledge_id))
        assert receipt is not None and receipt.payment_method == "bank"


def test_reimporting_changes_nothing(app, bank):
    with app.app_context():
        pledge_id, ref = make_pledge(bank["campaign"])
        data = csv_statement(
            [(DAY, 150_000, "KGS", ref, "Asel", "1"), (DAY, 70_000, "KGS", "gift", "B", "2")]
        )
        import_now(bank, data)
        before = counts()
        again = import_now(bank, data)
        assert (again.new_lines, again.duplicate_lines, again.matched_lines) == (0, 2, 0)
        after = counts()
        # Only the second upload's own audit entry is new.
        assert after[:2] == before[:2] and after[3] == before[3] and after[2] == before[2] + 1
        assert db.session.get(Pledge, pledge_id).status == "paid"


def test_running_the_import_job_twice_is_harmless(app, bank):
    with app.app_context():
        _pledge_id, ref = make_pledge(bank["campaign"])
        statement_id = upload(bank, csv_statement([(DAY, 150_000, "KGS", ref, "Asel", "1")]))
        statements.import_statement(statement_id)
        before = counts()
        assert statements.import_statement(statement_id) == "done"
        assert counts() == before


def test_concurrent_imports_of_one_statement_pay_once(app, bank):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("needs PostgreSQL's row locks")
    with app.app_context():
        pledge_id, ref = make_pledge(bank["campaign"])
        lines = [(DAY, 150_000, "KGS", ref, "Asel", "1")] + [
            (DAY, 1_000 + i, "KGS", f"gift {i}", "X", f"n{i}") for i in range(200)
        ]
        data = csv_statement(lines)
        ids = [upload(bank, data), upload(bank, data)]
    barrier = threading.Barrier(2)
    errors = []

    def run(statement_id):
        with app.app_context():
            try:
                barrier.wait()
                statements.import_statement(statement_id)
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(StatementLine.id))) == 201
        assert db.session.get(Pledge, pledge_id).status == "paid"
        assert (
            db.session.scalar(
                sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "pledge.paid")
            )
            == 1
        )
        done = db.session.scalars(sa.select(BankStatement).order_by(BankStatement.id)).all()
        assert sum(s.new_lines for s in done) == 201 and {s.status for s in done} == {"done"}


def test_a_thousand_line_statement(app, bank):
    with app.app_context():
        refs = {}
        for i in range(40):
            refs[i * 25] = make_pledge(bank["campaign"], amount=100_000 + i, name=f"Backer {i}")
        lines = []
        for i in range(1000):
            if i in refs:
                pledge_id, ref = refs[i]
                lines.append((DAY, 100_000 + i // 25, "KGS", f"за {ref}", f"Backer {i // 25}", f"L{i}"))
            else:
                lines.append((DAY, 5_000 + i, "KGS", f"перевод {i}", f"Payer {i}", f"L{i}"))
        statement = import_now(bank, csv_statement(lines, encoding="cp1251"))
        assert (statement.total_lines, statement.new_lines, statement.matched_lines) == (1000, 1000, 40)
        paid = db.session.scalars(sa.select(Pledge.id).where(Pledge.status == "paid")).all()
        assert sorted(paid) == sorted(p for p, _r in refs.values())


def test_lines_needing_a_person(app, bank):
    with app.app_context():
        exact_id, exact = make_pledge(bank["campaign"])
        over_id, over = make_pledge(bank["campaign"], amount=200_000)
        under_id, under = make_pledge(bank["campaign"], amount=300_000)
        typo_id, typo_ref = make_pledge(bank["campaign"], amount=120_000, name="Gulnara Asanova")
        body = typo_ref[4:8]
        wrong = next(c for c in ALPHABET if c != check_character(body))
        lines = [
            (DAY, 150_000, "KGS", exact, "Asel", "1"),
            (DAY + timedelta(days=1), 150_000, "KGS", exact, "Asel", "2"),  # paid twice
            (DAY, 250_000, "KGS", over, "B", "3"),
            (DAY, 100_000, "KGS", under, "C", "4"),
            (DAY, 120_000, "KGS", f"WCL-{body}-{wrong}", "Gulnara Asanova", "5"),
            (DAY, 150_000, "USD", exact, "D", "6"),
            (DAY, 150_000, "KGS", "WCL-2222-" + check_character("2222"), "E", "7"),
        ]
        import_now(bank, csv_statement(lines))
        got = {
            line.line_key and line.position: (line.status, line.reason)
            for line in db.session.scalars(sa.select(StatementLine))
        }
        assert got == {
            2: ("matched", None),
            3: ("open", "already_paid"),
            4: ("open", "overpaid"),
            5: ("open", "underpaid"),
            6: ("open", "bad_check_digit"),
            7: ("open", "foreign_currency"),
            8: ("open", "unknown_reference"),
        }
        statuses = {p.id: p.status for p in db.session.scalars(sa.select(Pledge))}
        assert statuses == {exact_id: "paid", over_id: "pending", under_id: "pending", typo_id: "pending"}
        typo_line = db.session.scalar(sa.select(StatementLine).where(StatementLine.position == 6))
        assert typo_line.suggested_pledge_id == typo_id
        rejected = db.session.scalars(
            sa.select(WebhookEvent.outcome).where(WebhookEvent.outcome.startswith("rejected"))
        ).all()
        assert len(rejected) == 2  # over- and under-payment kept in the inbox, never applied
        reviews = db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "statement_line.needs_review")
        )
        assert reviews == 3
