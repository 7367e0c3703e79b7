"""Bank statement matching throughput, against a bare parse of the same file in the same run.

    .venv/bin/python -m bench.statements                    # 10,000 lines, 2,000 pledges to pay
    .venv/bin/python -m bench.statements --lines 2000 --pledges 400

Seeds a fresh PostgreSQL bench database with pending bank-transfer pledges,
writes a CSV statement (cp1251, semicolons, "1 500,00" amounts) in which one
line in five carries a pledge's reference and the rest are other credits and
debits, then times in one process: a bare parse of the file, and the full
import (every line stored once by its key, every reference applied through the
webhook inbox, suggestions looked up for lines without one). Prints lines/s for
both and their ratio, then checks the ledger: every named pledge paid once,
nothing else paid. Paid-pledge jobs (receipts) are queued to Redis, not run.
"""

import argparse
import os
import random
import secrets
import time

from bench import harness

REDIS_URL = os.environ.get("WCL_BENCH_STATEMENTS_REDIS_URL", "redis://127.0.0.1:6379/3")
MAPPING = {
    "date": "Дата",
    "amount": "Сумма",
    "currency": "Валюта",
    "purpose": "Назначение",
    "payer": "Плательщик",
    "line_id": "Документ",
    "date_format": "%d.%m.%Y",
}


def _app(database_url):
    return harness.bench_app(database_url, redis_url=REDIS_URL)


def _seed(app, pledges):
    """An organisation account, a live campaign and ``pledges`` pending transfers: ``[(id, ref, amount)]``."""
    from wcl.campaigns.models import Pledge
    from wcl.extensions import db
    from wcl.payments.models import BankAccount
    from wcl.payments.references import new_reference

    with app.app_context():
        campaign = harness.bench_campaign("Кийиз", owner_prefix="c")
        account = BankAccount(
            lab_id=None,
            recipient_name="WCL",
            bank_name="Bench Bank",
            account_number="1180000000000001",
            bic="BENCHKG2",
            currency="KGS",
            qr_format="plain",
            csv_mapping=MAPPING,
        )
        db.session.add(account)
        db.session.flush()
        refs = set()
        while len(refs) < pledges:
            refs.add(new_reference())
        rows = [
            Pledge(
                campaign_id=campaign.id,
                backer_name=f"Айгерим Усенова {i}",
                backer_email=f"b{i}@bench.example",
                locale="ky",
                amount=100_000 + i,
                currency="KGS",
                status="pending",
                provider="bank_transfer",
                provider_ref=ref,
                token=secrets.token_urlsafe(24),
            )
            for i, ref in enumerate(sorted(refs))
        ]
        db.session.add_all(rows)
        db.session.commit()
        return account.id, [(p.id, p.provider_ref, p.amount) for p in rows]


def statement(pledges, lines, seed=19):
    """A cp1251 CSV statement of ``lines`` lines naming every pledge once, shuffled (cp1251 has no
    Ү, Ө, Ң: banks exporting in it spell Kyrgyz names without them, as the seeded names are)."""
    from wcl.time import utcnow

    rng = random.Random(seed)
    day = utcnow().date().strftime("%d.%m.%Y")
    rows = [
        (amount, f"Оплата {ref} кийиз", f"Айгерим Усенова {i}")
        for i, (_pid, ref, amount) in enumerate(pledges)
    ]
    for n in range(lines - len(rows)):
        amount = rng.randint(1_000, 900_000) * (-1 if n % 4 == 0 else 1)
        rows.append((amount, f"перевод {n}", f"Плательщик {n}"))
    rng.shuffle(rows)
    out = ["Дата;Сумма;Валюта;Назначение;Плательщик;Документ"]
    for n, (amount, purpose, payer) in enumerate(rows):
        sign = "-" if amount < 0 else ""
        whole, cents = divmod(abs(amount), 100)
        som = f"{sign}{whole:,}".replace(",", " ") + f",{cents:02d}"
        out.append(f"{day};{som};KGS;{purpose};{payer};D{n:06d}")
    return ("\r\n".join(out) + "\r\n").encode("cp1251")


def run(lines, pledges):
    from wcl.campaigns.models import Pledge
    from wcl.extensions import db
    from wcl.payments.models import BankAccount, BankStatement
    from wcl.payments.services import statements
    from wcl.payments.services.bank_transfer import mapping_of
    from wcl.payments.statements import parse_statement

    database_url = harness.fresh_database("wcl_bench_statements")
    app = _app(database_url)
    account_id, seeded = _seed(app, pledges)
    data = statement(seeded, lines)
    with app.app_context():
        account = db.session.get(BankAccount, account_id)
        parse_statement(data, "warm.csv", account, mapping_of(account))  # warm imports and caches
        start = time.perf_counter()
        _fmt, entries = parse_statement(data, "bench.csv", account, mapping_of(account))
        parse_time = time.perf_counter() - start
        assert len(entries) == lines
        row = BankStatement(
            account_id=account_id,
            filename="bench.csv",
            format="csv",
            content=data,
            sha256="bench",
            total_lines=lines,
        )
        db.session.add(row)
        db.session.commit()
        start = time.perf_counter()
        assert statements.import_statement(row.id) == "done"
        import_time = time.perf_counter() - start
        row = db.session.get(BankStatement, row.id)
        paid = db.session.scalar(db.select(db.func.count(Pledge.id)).where(Pledge.status == "paid"))
        assert row.matched_lines == pledges == paid, (row.matched_lines, pledges, paid)
    print(f"machine: {harness.machine()}, PostgreSQL")
    print(f"statement: {lines} lines, {len(data) / 1024:.0f} KiB, {pledges} of them name a pending pledge")
    print(f"bare parse:    {lines / parse_time:10.0f} lines/s ({parse_time:.2f} s)")
    print(
        f"import+match:  {lines / import_time:10.0f} lines/s ({import_time:.2f} s), {pledges / import_time:.0f} pledges paid/s"
    )
    print(f"ratio import/parse: {import_time / parse_time:.1f}x")
    print(
        f"ledger: {paid} pledges paid, {row.new_lines} lines stored, {row.duplicate_lines} duplicates — as expected"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--pledges", type=int, default=2_000)
    args = parser.parse_args()
    run(args.lines, args.pledges)


if __name__ == "__main__":
    main()
